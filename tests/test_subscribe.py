"""Subscribe messages (订阅通知) as a second channel: consent stored from the page and from WeChat's
popup/change events (out-of-order words never win), no consent → no bizsend, `both` sends the
subscribe message once even when the template message fails and the row is retried, a 43101
records the refusal — through the real service (PostgreSQL), signed callbacks and the fake WeChat."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from bot.jobs.subscribe_delivery import subscribe_data
from bot.jobs.subscribe_settings import SubscribeTemplate
from models.subscription import ConsentSource, ConsentStatus, Subscription, record_consent
from tests.support import fakewx
from tests.support.config import make_settings
from tests.support.pagekit import help_once, shared_packet
from tests.support.service import Service, login
from tests.support.wxclient import fixture_xml, mp_server

BIZSEND = "/cgi-bin/message/subscribe/bizsend"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
SUBSCRIBE = {
    "channels": {"issued": "subscribe", "helped": "both"},
    "templates": {
        "issued": {"template_id": "SUB_ISSUED", "data": {"thing1": "{keyword2}", "amount2": "{keyword1}",
                                                         "thing3": "{first}"}},
        "helped": {"template_id": "SUB_HELPED", "data": {"thing1": "{first}", "amount2": "{keyword1}",
                                                         "time3": "{keyword3}"}}}}


# ---- pure pieces ------------------------------------------------------------------------------


def test_data_is_filled_from_the_notice_and_cut_to_wechats_limits() -> None:
    t = SubscribeTemplate(template_id="T", data={"thing1": "{first}", "amount2": "{keyword1}", "phrase3": "已{remark}"})
    long = "一位好友帮你拆了红包，快去看看吧，还能继续分享哦"  # 24 characters; a thing holds 20
    out = subscribe_data(t, {"first": long, "keyword1": "¥1.23"})
    assert out == {"thing1": long[:19] + "…", "amount2": "¥1.23", "phrase3": "已"}
    assert len(out["thing1"]) == 20


def test_config_is_checked_as_a_whole() -> None:
    with pytest.raises(ValidationError) as e:
        make_settings(wechat={"subscribe": {"channels": {"helped": "both", "shared": "subscribe"},
                                            "templates": {"issued": {"template_id": "X", "data": {"a": "{who}"}}}}})
    text = str(e.value)
    assert "data.a uses ['who']" in text
    assert make_settings().wechat.subscribe.channel("helped") == "template"  # default: as before
    with pytest.raises(ValidationError) as e:
        make_settings(wechat={"subscribe": {"channels": {"helped": "both", "shared": "subscribe"}}})
    assert "unknown notice kind 'shared'" in str(e.value) and "templates.helped is not set" in str(e.value)


async def test_an_older_word_never_overwrites_a_newer_one(orm: str) -> None:
    t0 = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert await record_consent("o1", "T", ConsentStatus.REJECT, ConsentSource.CHANGE, t0 + dt.timedelta(seconds=60))
    assert not await record_consent("o1", "T", ConsentStatus.ACCEPT, ConsentSource.POPUP, t0)  # a late retry
    assert (await Subscription.get(openid="o1", template_id="T")).status == ConsentStatus.REJECT
    assert await record_consent("o1", "T", ConsentStatus.ACCEPT, ConsentSource.PAGE, t0 + dt.timedelta(hours=1))
    assert (await Subscription.get(openid="o1", template_id="T")).status == ConsentStatus.ACCEPT
    assert await Subscription.all().count() == 1


# ---- the service ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=6, outbox={"poll_interval_s": 0.2, "backoff_base_s": 0.2,
                                                         "backoff_max_s": 0.5},
                wechat={"subscribe": SUBSCRIBE})
    yield s
    s.stop()


def outbox(svc: Service, key: str) -> tuple[str, str]:
    out = subprocess.run(["psql", svc.db_url, "-tAc", f"SELECT status, coalesce(last_error, '') FROM outbox "
                                                        f"WHERE key = '{key}'"],
                         capture_output=True, text=True, check=True).stdout.strip()
    status, _, note = out.partition("|")
    return status, note


def settled(svc: Service, key: str, timeout_s: float = 30) -> tuple[str, str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status, note = outbox(svc, key)
        if status in ("sent", "dead"):
            return status, note
        time.sleep(0.1)
    raise AssertionError(f"outbox {key} did not settle: {outbox(svc, key)}")


def bizsends(fake: fakewx.FakeWeChat, openid: str) -> list[dict[str, Any]]:
    return [c.body for c in fake.calls_to(BIZSEND) if c.body.get("touser") == openid]


def popup(svc: Service, openid: str, at: int, **statuses: str) -> None:
    items = "".join(f"<List><TemplateId><![CDATA[{t}]]></TemplateId><SubscribeStatusString><![CDATA[{s}]]>"
                    f"</SubscribeStatusString><PopupScene>1</PopupScene></List>" for t, s in statuses.items())
    xml = (f"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
           f"<CreateTime>{at}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
           f"<Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent>{items}"
           f"</SubscribeMsgPopupEvent></xml>")
    r = mp_server(svc.base, svc.config).post_raw(xml)
    assert r.status_code == 200 and r.text in ("success", "")


def my_words(svc: Service, openid: str) -> dict[str, str | None]:
    with closing(login(svc.base, openid)) as phone:
        return {t["template_id"]: t["status"] for t in phone.get("/api/me/subscriptions").json()["templates"]}


def test_no_subscription_no_send(svc: Service, fake: fakewx.FakeWeChat) -> None:
    openid = "o-nosub-" + uuid.uuid4().hex[:6]
    packet = svc.order_event(openid=openid).json()["packet"]
    assert settled(svc, f"packet:{packet['id']}:issued") == ("sent", "skipped: no subscription to SUB_ISSUED")
    assert bizsends(fake, openid) == [] and my_words(svc, openid) == {"SUB_ISSUED": None, "SUB_HELPED": None}


def test_the_fixture_events_are_stored_and_the_later_word_wins(svc: Service) -> None:
    mp = mp_server(svc.base, svc.config)
    assert mp.post_raw(fixture_xml("event_subscribe_msg_change.xml")).status_code == 200  # at …468: reject
    assert mp.post_raw(fixture_xml("event_subscribe_msg_popup.xml")).status_code == 200  # at …440: older
    assert my_words(svc, "otFpruAK8D-E6EfStSYonYSBZ8_4") == {"SUB_ISSUED": "reject", "SUB_HELPED": "reject"}


def test_a_popup_accept_then_issue_sends_one_subscribe_message(svc: Service, fake: fakewx.FakeWeChat) -> None:
    openid = "o-sub-" + uuid.uuid4().hex[:6]
    popup(svc, openid, int(time.time()), SUB_ISSUED="accept")
    packet = svc.order_event(openid=openid, goods_name="保温杯 500ml").json()["packet"]
    assert settled(svc, f"packet:{packet['id']}:issued") == ("sent", "")
    (body,) = bizsends(fake, openid)
    assert body["template_id"] == "SUB_ISSUED" and body["page"].endswith("/me")
    fen = int(packet["amount"])
    assert body["data"] == {"thing1": {"value": "保温杯 500ml"}, "amount2": {"value": f"¥{fen // 100}.{fen % 100:02d}"},
                            "thing3": {"value": "恭喜获得购物红包，分享给好友帮拆就能到账"}}
    assert not [c for c in fake.calls_to(TEMPLATE_SEND) if c.body.get("touser") == openid]  # channel: subscribe


def test_both_sends_the_subscribe_message_once_across_a_retry(svc: Service, fake: fakewx.FakeWeChat) -> None:
    shared = shared_packet(svc)
    with closing(login(svc.base, shared.owner_openid)) as phone:  # the page posts the open tag's result
        details = json.dumps({"SUB_HELPED": json.dumps({"status": "accept"})})
        r = phone.post("/api/me/subscriptions", json={"subscribeDetails": details})
        assert r.status_code == 200 and {"kind": "helped", "template_id": "SUB_HELPED", "status": "accept"} in r.json()[
            "templates"]
    fake.inject(TEMPLATE_SEND, fakewx.Fault(errcode=45009))  # the template fails once, after the bizsend
    _, r = help_once(svc, shared.token)
    assert r.status_code == 200, r.text
    keys = subprocess.run(["psql", svc.db_url, "-tAc", "SELECT key FROM outbox WHERE kind = 'helped' AND "
                                                       f"payload->>'packet_id' = '{shared.packet['id']}'"],
                          capture_output=True, text=True, check=True).stdout.split()
    assert len(keys) == 1
    assert settled(svc, keys[0]) == ("sent", "skipped: subscribe message already sent")
    assert len(bizsends(fake, shared.owner_openid)) == 1  # retried row, one subscribe message
    helped = [c for c in fake.calls_to(TEMPLATE_SEND) if c.body.get("touser") == shared.owner_openid
              and c.body.get("template_id") == "T_HELPED"]
    assert len(helped) == 2 and len({c.body["client_msg_id"] for c in helped}) == 1  # WeChat drops the repeat


def test_a_refusal_from_wechat_is_recorded_and_skipped(svc: Service, fake: fakewx.FakeWeChat) -> None:
    openid = "o-ref-" + uuid.uuid4().hex[:6]
    popup(svc, openid, int(time.time()), SUB_ISSUED="accept")
    fake.refusing.add(openid)
    packet = svc.order_event(openid=openid).json()["packet"]
    assert settled(svc, f"packet:{packet['id']}:issued") == ("sent", "skipped: user refused subscribe template "
                                                                     "SUB_ISSUED")
    assert my_words(svc, openid)["SUB_ISSUED"] == "reject"
    fake.refusing.discard(openid)
    packet = svc.order_event(openid=openid).json()["packet"]  # refused: no more sends until they accept again
    assert settled(svc, f"packet:{packet['id']}:issued")[1] == "skipped: no subscription to SUB_ISSUED"
    assert len(bizsends(fake, openid)) == 1


def test_the_page_api_refuses_what_it_cannot_store(svc: Service) -> None:
    assert httpx.post(f"{svc.base}/api/me/subscriptions", json={"templates": {"SUB_ISSUED": "accept"}},
                      timeout=30).status_code == 401
    openid = "o-api-" + uuid.uuid4().hex[:6]
    with closing(login(svc.base, openid)) as phone:
        for body in ({"templates": {"SUB_ISSUED": "accept", "EVIL": "accept"}}, {"templates": {"SUB_ISSUED": "yes"}},
                     {"templates": []}, {"subscribeDetails": "{not json"}, [1]):
            r = phone.post("/api/me/subscriptions", json=body)
            assert r.status_code == 400 and r.json()["error"] == "invalid_body", body
        assert phone.post("/api/me/subscriptions", content=b"{oops").status_code == 400
        assert "'EVIL' is not a subscribe template" in phone.post(
            "/api/me/subscriptions", json={"templates": {"EVIL": "accept"}}).json()["message"]
    assert my_words(svc, openid) == {"SUB_ISSUED": None, "SUB_HELPED": None}  # nothing stored


# ---- the page's open tag, in Chromium ----------------------------------------------------------

WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN")
# WeChat's JS-SDK, as far as the page uses it: once configured with the open tag, the user taps the
# subscribe button and accepts SUB_ISSUED — WeChat fires "success" on the tag with its answer.
WX_TAPS_ACCEPT = """
window.wx = {
  config: function (c) { window.__wxcfg = c; },
  ready: function (f) {
    setTimeout(function () {
      f();
      var tag = document.getElementById("subscribe-tag");
      if (!tag || (window.__wxcfg.openTagList || []).indexOf("wx-open-subscribe") < 0) { return; }
      var answer = {SUB_ISSUED: JSON.stringify({status: "accept"}), SUB_HELPED: JSON.stringify({status: "reject"})};
      tag.dispatchEvent(new CustomEvent("success", {detail: {subscribeDetails: JSON.stringify(answer)}}));
    }, 0);
  },
  error: function () {}, updateAppMessageShareData: function () {}, updateTimelineShareData: function () {}
};
"""


@pytest.mark.slow
def test_the_page_posts_the_open_tags_answer(svc: Service, fake: fakewx.FakeWeChat) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.support.adminkit import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing: run scripts/install_browser.sh")
    openid = "o-tag-" + uuid.uuid4().hex[:6]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 375, "height": 812}, user_agent=WECHAT_UA, locale="zh-CN")
        ctx.add_cookies([{"name": "wxuser", "value": openid, "url": fake.url}])
        ctx.add_init_script(WX_TAPS_ACCEPT)
        page, errors = ctx.new_page(), []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{svc.base}/me")
        assert set(str(page.get_attribute("#subscribe-tag", "template")).split(",")) == {"SUB_ISSUED", "SUB_HELPED"}
        page.wait_for_selector("#subscribe-done", state="visible")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "me-subscribed.png"), full_page=True)
        assert errors == []
        browser.close()
    assert my_words(svc, openid) == {"SUB_ISSUED": "accept", "SUB_HELPED": "reject"}
    packet = svc.order_event(openid=openid).json()["packet"]
    assert settled(svc, f"packet:{packet['id']}:issued") == ("sent", "")
    assert [b["template_id"] for b in bizsends(fake, openid)] == ["SUB_ISSUED"]
