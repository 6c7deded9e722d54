"""The H5 pages in a real browser: headless Chromium (Debian's package, scripts/install_browser.sh)
driven by Playwright at a 375x812 phone viewport, against the real service and the fake WeChat.

A phone logs in through the fake OAuth (cookie `wxuser=<openid>` on the fake's host), opens a
help page, presses help and sees its amount and the new remaining in place. Every page state is
saved as a screenshot under test-artifacts/. A hostile nickname renders as text: no dialog fires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from models.money import yuan
from tests.support import fakewx
from tests.support.browserkit import Phone
from tests.support.config import ROOT
from tests.support.pagekit import (
    Shared,
    expire,
    help_once,
    refund,
    shared_packet,
    tiny_packet,
    uid,
)
from tests.support.service import Service

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")  # requirements-dev.txt
expect = sync_api.expect

REDIS_DB = 9
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(ROOT) / "test-artifacts"


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=REDIS_DB)
    yield s
    s.stop()


def _visible_state(page: Any, state: str) -> None:
    page.wait_for_selector(f'#action .state[data-for="{state}"]', state="visible")


def test_press_help_and_see_amount_and_remaining(browser: Any, svc: Service, fake: fakewx.FakeWeChat) -> None:
    s = shared_packet(svc, goods_thumbnail_url=f"{fake.url}/thumb/cup.png", goods_name="【官方旗舰店】保温杯 316不锈钢")
    help_once(svc, s.token)  # one friend helped already: the list is not empty
    phone = Phone(browser, fake, uid("o-helper"))
    page = phone.open(svc, f"/p/{s.token}")
    assert phone.state() == "can_help"
    before = page.inner_text("#countdown .clock")
    page.wait_for_timeout(1500)
    assert page.inner_text("#countdown .clock") != before  # the countdown is live
    phone.shot("help-can_help")
    drawn_by_server = page.inner_text("#helpers .helper-time")
    page.click("#help-btn")
    _visible_state(page, "helped")
    mine = page.inner_text("#my-amount")
    view = page.request.get(f"{svc.base}/api/share/{s.token}").json()
    assert view["my_help"] is not None and mine == yuan(view["my_help"])
    assert page.inner_text("#remaining") == yuan(view["remaining"]) == yuan(s.packet["amount"] - view["split_amount"])
    expect(page.locator("#helpers li")).to_have_count(2)
    assert page.inner_text("#helper-count") == "2"
    assert page.locator("#helpers .helper-time").nth(1).inner_text() == drawn_by_server  # same clock, same tz
    phone.shot("help-helped")
    page.reload()
    assert phone.state() == "helped" and page.inner_text("#my-amount") == mine
    assert phone.dialogs == []
    phone.close()


def test_owner_sees_poster_and_my_packets(browser: Any, svc: Service, fake: fakewx.FakeWeChat) -> None:
    s = shared_packet(svc, goods_thumbnail_url=f"{fake.url}/thumb/cup.png",
                      goods_name="【官方旗舰店】华为平板电脑 MatePad 11.5英寸")
    help_once(svc, s.token)
    svc.order_event(openid=s.owner_openid, goods_name="无线蓝牙耳机 降噪版")  # a second packet, not shared yet
    phone = Phone(browser, fake, s.owner_openid)
    page = phone.open(svc, f"/p/{s.token}")
    assert phone.state() == "owner"
    # a string predicate would need 'unsafe-eval', which the page's CSP rightly refuses
    page.wait_for_function("() => document.getElementById('poster').complete")
    assert page.evaluate("document.getElementById('poster').naturalWidth") == 750
    phone.shot("help-owner")
    page = phone.open(svc, "/me")
    assert page.locator(".reminder").count() >= 1 and page.locator("article.item").count() == 2
    phone.shot("me")
    page.click("button.share-btn >> text=去分享")
    page.wait_for_url(f"{svc.base}/p/*")
    assert phone.state() == "owner"
    phone.close()


def _shot_state(browser: Any, svc: Service, fake: fakewx.FakeWeChat, s: Shared, state: str) -> None:
    phone = Phone(browser, fake, uid("o-viewer"))
    phone.open(svc, f"/p/{s.token}")
    assert phone.state() == state
    _visible_state(phone.page, state)
    phone.shot(f"help-{state}")
    phone.close()


def test_terminal_states(browser: Any, svc: Service, fake: fakewx.FakeWeChat) -> None:
    tiny = tiny_packet(svc)
    help_once(svc, tiny.token)
    _shot_state(browser, svc, fake, tiny, "split_out")
    gone = shared_packet(svc)
    expire(svc, gone.packet["id"])
    _shot_state(browser, svc, fake, gone, "expired")
    refunded = shared_packet(svc)
    refund(svc, refunded)
    _shot_state(browser, svc, fake, refunded, "invalid")


def test_daily_limit_in_place_and_on_load(browser: Any, svc: Service, fake: fakewx.FakeWeChat) -> None:
    first, second = shared_packet(svc), shared_packet(svc)
    phone = Phone(browser, fake, uid("o-helper"))
    other_tab = phone.ctx.new_page()
    phone.open(svc, f"/p/{first.token}")
    other_tab.goto(f"{svc.base}/p/{second.token}")
    phone.page.click("#help-btn")
    _visible_state(phone.page, "helped")
    other_tab.click("#help-btn")  # the page still offers help; the API refuses: limit shown in place
    _visible_state(other_tab, "daily_limit")
    assert "今天" in other_tab.inner_text("#limit-title")
    phone.open(svc, f"/p/{second.token}")
    assert phone.state() == "daily_limit"
    phone.shot("help-daily_limit")
    phone.close()


def test_hostile_nickname_renders_as_text(browser: Any, svc: Service, fake: fakewx.FakeWeChat) -> None:
    s = shared_packet(svc, uid("o-xss"))
    phone = Phone(browser, fake, uid("o-xss-helper"))  # its own nickname is hostile too
    page = phone.open(svc, f"/p/{s.token}")
    assert page.inner_text("#owner-name") == fakewx.XSS_NICK
    page.click("#help-btn")
    _visible_state(page, "helped")
    expect(page.locator("#helpers li")).to_have_count(1)  # redrawn from the API
    assert page.inner_text("#helpers .helper-name") == fakewx.XSS_NICK
    page.wait_for_timeout(500)
    phone.shot("help-hostile_nickname")
    assert phone.dialogs == []
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], #action script, #helpers script').length") == 0
    phone.close()


def test_wechat_share_config_signs_the_page_without_fragment(browser: Any, svc: Service,
                                                              fake: fakewx.FakeWeChat) -> None:
    s = shared_packet(svc)
    phone = Phone(browser, fake, s.owner_openid, wx_stub=True)
    page = phone.open(svc, f"/p/{s.token}")
    assert "#" in page.url  # OAuth left WeChat's #wechat_redirect on the URL: it must not be signed
    page.wait_for_function("() => window.__wx.shared !== null")
    calls = page.evaluate("window.__wx")
    cfg = calls["config"]
    page_url = f"{svc.base}/p/{s.token}"
    signed = f"jsapi_ticket=jsapi-ticket&noncestr={cfg['nonceStr']}&timestamp={cfg['timestamp']}&url={page_url}"
    assert cfg["signature"] == hashlib.sha1(signed.encode()).hexdigest()  # the fake's ticket
    assert {"updateAppMessageShareData", "updateTimelineShareData"} <= set(cfg["jsApiList"])
    assert calls["shared"]["link"] == calls["timeline"]["link"] == f"{svc.base}/p/{s.token}"
    assert calls["shared"]["imgUrl"] == f"{svc.base}/api/share/{s.token}/poster.png"
    assert "快来帮TA拆" in calls["shared"]["title"] and calls["shared"]["desc"]
    assert phone.errors == [] and phone.dialogs == []
    phone.close()


@pytest.mark.parametrize("case", ["no_signing_endpoint", "no_wx_object"])
def test_page_works_without_share_config(browser: Any, svc: Service, fake: fakewx.FakeWeChat, case: str) -> None:
    s = shared_packet(svc)
    phone = Phone(browser, fake, uid("o-helper"), wx_stub=case == "no_signing_endpoint")
    phone.page.route("**/api/wechat/jssdk*", lambda route: route.fulfill(
        status=404, content_type="application/json", body='{"error": "not_found", "message": "不存在"}'))
    page = phone.open(svc, f"/p/{s.token}")
    if case == "no_signing_endpoint":
        assert page.evaluate("window.__wx") == {"config": None, "shared": None, "timeline": None}
    page.click("#help-btn")
    _visible_state(page, "helped")
    assert phone.errors == [] and phone.dialogs == []
    phone.close()
