// Fission after-payment pages: flip a card to draw, claim coupons, share and accept gifts.
// No inline code (CSP script-src 'self'); every text goes in through textContent.
(function () {
  "use strict";
  var toastEl = document.getElementById("toast");
  function toast(text) {
    toastEl.textContent = text;
    toastEl.className = "toast show";
    setTimeout(function () { toastEl.className = "toast"; }, 4000);
  }
  function post(url) {
    return fetch(url, {method: "POST", credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return {ok: r.ok, body: body}; });
      })
      .catch(function () { return {ok: false, body: {message: "网络异常，请稍后再试"}}; });
  }
  function setResult(text) {
    var el = document.getElementById("result");
    if (el) { el.textContent = text; }
  }
  var cards = document.querySelector("[data-order]");
  if (cards) {
    var order = cards.getAttribute("data-order");
    var busy = false;
    cards.querySelectorAll("[data-draw]").forEach(function (card) {
      card.addEventListener("click", function () {
        if (busy || card.disabled) { return; }
        busy = true;
        post("/api/payments/" + encodeURIComponent(order) + "/draw").then(function (res) {
          busy = false;
          if (!res.ok) { setResult(res.body.message || "抽奖失败"); return; }
          var prize = res.body.prize;
          var won = prize && prize.kind !== "none";
          card.querySelector(".back").textContent = prize ? prize.name : "谢谢参与";
          card.classList.add("flipped");
          card.disabled = true;
          document.getElementById("chances").textContent = String(res.body.chances);
          setResult(won ? "恭喜你抽中 " + prize.name + "！" : "很遗憾，没有中奖");
        });
      });
    });
  }
  var pending = document.querySelector("[data-pending]");
  if (pending) {  // 支付结果确认中: ask for the offer until the payment is settled, then show it
    var pendingOrder = pending.getAttribute("data-pending");
    var tries = 0;
    var poll = function () {
      tries += 1;
      fetch("/api/payments/" + encodeURIComponent(pendingOrder) + "/offer",
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {kind: "pending"}; })
        .catch(function () { return {kind: "pending"}; })
        .then(function (offer) {
          if (offer.kind !== "pending") { window.location.reload(); return; }
          if (tries < 100) { setTimeout(poll, tries < 10 ? 1500 : 5000); return; }
          document.getElementById("pending-text").textContent = "确认时间较长，请稍后刷新本页查看";
        });
    };
    setTimeout(poll, 1500);
  }
  document.querySelectorAll("[data-claim]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      post("/api/payments/" + encodeURIComponent(btn.getAttribute("data-claim")) + "/claim").then(function (res) {
        if (!res.ok) { setResult(res.body.message || "领取失败"); return; }
        btn.disabled = true;
        setResult("已领取 " + res.body.coupons.length + " 张优惠券，可在“我的优惠券”查看");
      });
    });
  });
  document.querySelectorAll("[data-share]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      post("/api/me/coupons/" + encodeURIComponent(btn.getAttribute("data-share")) + "/share").then(function (res) {
        toast(res.ok ? "把这个链接发给好友：" + res.body.share_url : (res.body.message || "分享失败"));
      });
    });
  });
  document.querySelectorAll("[data-gift]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      post("/api/coupons/claim/" + encodeURIComponent(btn.getAttribute("data-gift"))).then(function (res) {
        btn.disabled = res.ok;
        setResult(res.ok ? "领取成功，可在“我的优惠券”查看" : (res.body.message || "领取失败"));
      });
    });
  });
})();
