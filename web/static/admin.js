/* Fission admin page: refresh the live section (funnel, burn chart, top packets) in place.
   The server renders it (GET /admin/live); nothing here builds markup. */
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch) { return; }
  var every = Math.max(2, parseInt(live.getAttribute("data-refresh-s"), 10) || 10) * 1000;

  function refresh() {
    fetch("/admin/live", {credentials: "same-origin", cache: "no-store"}).then(function (r) {
      if (r.status === 401) { window.location.reload(); return null; }  // signed out: show the login form
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html) { live.innerHTML = html; }
    }).catch(function () { /* offline for a moment: try again next time */ });
  }

  setInterval(refresh, every);
  live.addEventListener("admin:refresh", refresh);
}());
