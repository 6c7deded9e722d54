/* Fission H5 pages. Served from our origin (CSP script-src 'self'); every user string is put in
   the page with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var body = document.body;

  function yuan(fen) {
    var f = Math.max(0, Math.floor(fen));
    var cents = String(f % 100);
    return Math.floor(f / 100) + "." + (cents.length < 2 ? "0" + cents : cents);
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function clock(s) {
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
  }

  function byId(id) { return document.getElementById(id); }

  function setText(id, text) {
    var el = byId(id);
    if (el) { el.textContent = text; }
  }

  /* Countdowns count from the seconds the server measured, so a wrong phone clock does not matter. */
  function startCountdowns() {
    var started = Date.now();
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-left-s]"));
    function tick() {
      var gone = Math.floor((Date.now() - started) / 1000);
      items.forEach(function (el) {
        var left = parseInt(el.getAttribute("data-left-s"), 10) - gone;
        if (left > 0) {
          el.querySelector(".clock").textContent = clock(left);
        } else if (!el.classList.contains("countdown-over")) {
          el.classList.add("countdown-over");
          el.textContent = "已结束";
          if (el.id === "countdown" && body.getAttribute("data-state") === "can_help") { showState("expired"); }
        }
      });
    }
    if (items.length) { tick(); setInterval(tick, 1000); }
  }

  function showState(state) {
    body.setAttribute("data-state", state);
    Array.prototype.forEach.call(document.querySelectorAll("#action .state"), function (el) {
      el.hidden = el.getAttribute("data-for") !== state;
    });
  }

  function helperRow(h) {
    var li = document.createElement("li");
    li.className = "helper";
    var name = h.nickname || "微信用户";
    var avatar;
    if (/^https?:\/\//.test(h.avatar || "")) {
      avatar = document.createElement("img");
      avatar.src = h.avatar;
      avatar.alt = "";
      avatar.setAttribute("data-fallback", name.charAt(0));
      guardImage(avatar);
    } else {
      avatar = document.createElement("span");
      avatar.className = "avatar-none";
      avatar.textContent = name.charAt(0);
    }
    avatar.classList.add("avatar", "avatar-sm");
    li.appendChild(avatar);
    [["helper-name", name], ["helper-time", shortTime(h.time)], ["helper-amount", "¥" + yuan(h.amount)]]
      .forEach(function (part) {
        var span = document.createElement("span");
        span.className = part[0];
        span.textContent = part[1];
        li.appendChild(span);
      });
    return li;
  }

  /* Times in the campaign's timezone, as the server draws them: "14:05", or "3月2日 14:05". */
  function shortTime(iso) {
    var d = new Date(iso);
    if (isNaN(d)) { return ""; }
    var tz = body.getAttribute("data-tz") || undefined;
    try {
      var day = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, month: "numeric", day: "numeric" });
      var hm = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, hour: "2-digit", minute: "2-digit",
                                                  hourCycle: "h23" }).format(d);
      return day.format(d) === day.format(new Date()) ? hm : day.format(d).replace("/", "月") + "日 " + hm;
    } catch (e) {
      return pad(d.getHours()) + ":" + pad(d.getMinutes());
    }
  }

  function showNumbers(split, remaining) {
    setText("split", yuan(split));
    setText("remaining", yuan(remaining));
    var bar = byId("progress");
    if (bar) { bar.value = split; }
  }

  /* Re-read the public view of the packet and redraw the numbers and the helpers list. */
  function refresh(token) {
    return fetch("/api/share/" + encodeURIComponent(token), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        showNumbers(d.split_amount, d.remaining);
        setText("helper-count", String(d.helper_count));
        var list = byId("helpers");
        while (list.firstChild) { list.removeChild(list.firstChild); }
        (d.helps || []).forEach(function (h) { list.appendChild(helperRow(h)); });
        byId("helpers-empty").hidden = (d.helps || []).length > 0;
      })
      .catch(function () { /* the numbers already shown stay */ });
  }

  var REFUSED = { expired: "expired", split_out: "split_out", invalid: "invalid", daily_limit: "daily_limit",
                  daily_same_owner_limit: "daily_limit", already_helped: "helped", self_help: "owner" };

  function onHelped(token, d) {
    setText("my-amount", yuan(d.helper_amount));
    var split = parseInt(byId("progress").getAttribute("max"), 10) - d.remaining;
    showNumbers(split, d.remaining);
    showState("helped");
    refresh(token);
  }

  function onRefused(token, status, d) {
    var code = d && d.error;
    if (status === 401) { location.href = "/oauth/login?next=" + encodeURIComponent(location.pathname); return; }
    if (REFUSED[code]) {
      if (code === "daily_same_owner_limit" || code === "daily_limit") { setText("limit-title", d.message); }
      if (code === "already_helped") { location.reload(); return; }
      showState(REFUSED[code]);
      refresh(token);
      return;
    }
    var err = byId("help-error");
    err.textContent = (d && d.message) || "网络不太好，请稍后再试";
    err.hidden = false;
    byId("help-btn").disabled = false;
  }

  function setupHelp() {
    var btn = byId("help-btn");
    var token = body.getAttribute("data-token");
    if (!btn || !token) { return; }
    btn.addEventListener("click", function () {
      btn.disabled = true;
      byId("help-error").hidden = true;
      fetch("/api/share/" + encodeURIComponent(token) + "/help",
            { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().catch(function () { return null; }).then(function (d) {
            if (r.ok && d) { onHelped(token, d); } else { onRefused(token, r.status, d); }
          });
        })
        .catch(function () { onRefused(token, 0, null); });
    });
  }

  function setupShareButtons() {
    Array.prototype.forEach.call(document.querySelectorAll(".share-btn"), function (btn) {
      btn.addEventListener("click", function () {
        btn.disabled = true;
        fetch("/api/packets/" + encodeURIComponent(btn.getAttribute("data-packet-id")) + "/share",
              { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
          .then(function (res) {
            if (res.ok) { location.href = "/p/" + encodeURIComponent(res.d.share_token); return; }
            var err = byId("share-error");
            err.textContent = res.d.message || "分享失败，请稍后再试";
            err.hidden = false;
            btn.disabled = false;
          })
          .catch(function () { btn.disabled = false; });
      });
    });
  }

  /* A picture that fails (or that the CSP blocks) turns into the same initial the server draws. */
  function guardImage(img) {
    function swap() {
      var span = document.createElement("span");
      span.className = img.className + " avatar-none goods-none";
      span.textContent = img.getAttribute("data-fallback") || "";
      if (img.parentNode) { img.parentNode.replaceChild(span, img); }
    }
    if (img.complete && img.getAttribute("src") && img.naturalWidth === 0) { swap(); return; }
    img.addEventListener("error", swap);
  }

  /* WeChat JS-SDK config (share card, the subscribe-message open tag): only inside WeChat (the SDK
     script is only served there) and only when the signing endpoint answers; anything else leaves
     the default share card and no subscribe button. */
  function setupWechatShare() {
    var wantsShare = !!body.getAttribute("data-share-link");
    if (typeof window.wx === "undefined" || (!wantsShare && !document.getElementById("subscribe-tag"))) { return; }
    var url = location.href.split("#")[0];
    fetch("/api/wechat/jssdk?url=" + encodeURIComponent(url), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (cfg) {
        if (!cfg || !cfg.signature) { return; }
        var share = { title: body.getAttribute("data-share-title"), desc: body.getAttribute("data-share-desc"),
                      link: body.getAttribute("data-share-link"), imgUrl: body.getAttribute("data-share-img") };
        window.wx.config({ debug: false, appId: cfg.appId, timestamp: cfg.timestamp, nonceStr: cfg.nonceStr,
                           signature: cfg.signature,
                           jsApiList: ["updateAppMessageShareData", "updateTimelineShareData"],
                           openTagList: ["wx-open-subscribe"] });
        window.wx.ready(function () {
          if (!wantsShare) { return; }
          window.wx.updateAppMessageShareData(share);
          window.wx.updateTimelineShareData({ title: share.title, link: share.link, imgUrl: share.imgUrl });
        });
        window.wx.error(function () { /* signature refused: keep WeChat's default card */ });
      })
      .catch(function () { /* no share config outside a working WeChat setup */ });
  }

  /* The subscribe-message open tag: WeChat fires "success" with the user's answer per template
     (e.detail.subscribeDetails); it is posted as given and the server keeps it. */
  function setupSubscribe() {
    var tag = document.getElementById("subscribe-tag");
    if (!tag) { return; }
    tag.addEventListener("success", function (e) {
      var details = e.detail && e.detail.subscribeDetails;
      if (!details) { return; }
      fetch("/api/me/subscriptions", { method: "POST", credentials: "same-origin",
                                        headers: { "Content-Type": "application/json" },
                                        body: JSON.stringify({ subscribeDetails: details }) })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (res) {
          var accepted = res && res.templates.some(function (t) { return t.status === "accept"; });
          document.getElementById("subscribe-done").hidden = !accepted;
        })
        .catch(function () { /* offline: the user can press the button again */ });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("img[data-fallback]"), guardImage);
  startCountdowns();
  setupHelp();
  setupShareButtons();
  setupWechatShare();
  setupSubscribe();
})();
