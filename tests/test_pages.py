"""H5 pages over HTTP against the real service: every help-page state, escaping, CSP, the OAuth
round trip for a visitor without a session, and no private data of another user on a page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from bot.web.pages import clock, content_security_policy
from handlers.redpacket.pageview import page_state
from models.money import yuan
from tests.support import fakewx
from tests.support.pagekit import expire, help_once, refund, shared_packet, tiny_packet, uid
from tests.support.pagekit import page_state as state_of
from tests.support.service import Phone, Service, login

REDIS_DB = 15
WECHAT_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI"


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=REDIS_DB)
    yield s
    s.stop()


@pytest.mark.parametrize(("status", "is_owner", "mine", "reason", "expected"), [
    ("splitting", False, None, None, "can_help"),
    ("to_share", False, None, None, "can_help"),
    ("splitting", False, 45, "already_helped", "helped"),
    ("split_out", False, 45, "split_out", "helped"),
    ("splitting", True, None, None, "owner"),
    ("split_out", True, None, None, "split_out"),
    ("split_out", False, None, "split_out", "split_out"),
    ("expired", False, None, "expired", "expired"),
    ("invalid", False, None, "invalid", "invalid"),
    ("splitting", False, None, "daily_limit", "daily_limit"),
    ("splitting", False, None, "daily_same_owner_limit", "daily_limit"),
])
def test_page_state_table(status: str, is_owner: bool, mine: int | None, reason: str | None, expected: str) -> None:
    assert page_state(status, is_owner, mine, reason) == expected


def test_formatting() -> None:
    assert (yuan(0), yuan(5), yuan(1234), yuan(-30)) == ("0.00", "0.05", "12.34", "-0.30")
    assert (clock(0), clock(59), clock(3 * 3600 + 12 * 60 + 5), clock(-4)) == ("00:00:00", "00:00:59", "03:12:05",
                                                                              "00:00:00")


def test_csp_lists_only_http_origins_of_page_images() -> None:
    csp = content_security_policy(False, ["http://127.0.0.1:8080/a.png", "https://cdn.example/x.png",
                                          "http://evil.example;script-src:*/x.png", "data:x", ""])
    assert "img-src 'self' data: https: http://127.0.0.1:8080;" in csp
    assert "evil" not in csp and "res.wx.qq.com" not in csp
    path_injection = content_security_policy(False, ["http://a.example/x'; script-src *"])
    assert "img-src 'self' data: https: http://a.example;" in path_injection and "script-src *" not in path_injection
    assert "script-src 'self' https://res.wx.qq.com;" in content_security_policy(True, [])


def _follow_oauth(base: str, fake: fakewx.FakeWeChat, path: str, openid: str) -> tuple[Phone, httpx.Response]:
    """A browser without a session: page → /oauth/login → WeChat authorize → callback → page."""
    phone = Phone(base_url=base, timeout=30, follow_redirects=False)
    r = phone.get(path)
    assert r.status_code == 302
    assert urlparse(r.headers["location"]).path == "/oauth/login"
    assert parse_qs(urlparse(r.headers["location"]).query)["next"] == [path]
    r = phone.get(r.headers["location"])
    authorize = httpx.get(r.headers["location"].split("#")[0], cookies={"wxuser": openid}, follow_redirects=False)
    r = phone.get(authorize.headers["location"])
    assert r.status_code == 302 and r.headers["location"] == path
    return phone, phone.get(path)


def test_visitor_without_session_goes_through_oauth_and_lands_back(svc: Service, fake: fakewx.FakeWeChat) -> None:
    s = shared_packet(svc)
    phone, page = _follow_oauth(svc.base, fake, f"/p/{s.token}", uid("o-visitor"))
    assert page.status_code == 200 and state_of(page.text) == "can_help"
    _, me = _follow_oauth(svc.base, fake, "/me", uid("o-visitor"))
    assert me.status_code == 200 and "我的购物红包" in me.text


def _state_for(phone: Phone, token: str) -> tuple[str, str]:
    r = phone.get(f"/p/{token}")
    assert r.status_code == 200, r.text
    return state_of(r.text), r.text


def test_every_state_renders(svc: Service) -> None:
    s = shared_packet(svc)
    assert _state_for(login(svc.base, uid("o-v")), s.token)[0] == "can_help"
    helper, r = help_once(svc, s.token)
    amount = r.json()["helper_amount"]
    state, text = _state_for(helper, s.token)
    assert state == "helped" and f'id="my-amount">{yuan(amount)}<' in text
    state, text = _state_for(s.owner, s.token)
    assert state == "owner" and f'src="/api/share/{s.token}/poster.png?v=' in text
    other = shared_packet(svc)
    state, text = _state_for(helper, other.token)  # daily_help_limit is 1
    assert state == "daily_limit" and "今天的帮拆次数已用完" in text
    tiny = tiny_packet(svc)
    help_once(svc, tiny.token)
    assert _state_for(login(svc.base, uid("o-v")), tiny.token)[0] == "split_out"
    gone = shared_packet(svc)
    expire(svc, gone.packet["id"])
    state, text = _state_for(login(svc.base, uid("o-v")), gone.token)
    assert state == "expired" and "红包已过期" in text and "data-left-s" not in text
    refunded = shared_packet(svc)
    refund(svc, refunded)
    assert _state_for(login(svc.base, uid("o-v")), refunded.token)[0] == "invalid"


def test_unknown_token_is_a_404_page(svc: Service) -> None:
    r = login(svc.base, uid("o-v")).get("/p/no-such-token")
    assert r.status_code == 404 and "红包不存在" in r.text
    assert "Content-Security-Policy" in r.headers


def test_hostile_nickname_is_text_everywhere(svc: Service) -> None:
    s = shared_packet(svc, uid("o-xss"))
    for phone in (login(svc.base, uid("o-v")), s.owner):
        text = phone.get(f"/p/{s.token}").text
        assert "<script>alert(2)" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text
    me = s.owner.get("/me").text
    assert "<script>alert" not in me


def test_hostile_goods_name_is_text(svc: Service) -> None:
    s = shared_packet(svc, goods_name='"><script>alert(3)</script>')
    text = login(svc.base, uid("o-v")).get(f"/p/{s.token}").text
    assert "<script>alert(3)" not in text and "&#34;&gt;&lt;script&gt;alert(3)" in text


def _scripts(html: str) -> list[str]:
    return re.findall(r"<script\b([^>]*)>", html)


def test_csp_and_no_inline_or_foreign_script(svc: Service) -> None:
    s = shared_packet(svc)
    phone = login(svc.base, uid("o-v"))
    for path in (f"/p/{s.token}", "/me"):
        r = phone.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self';" in csp and "unsafe" not in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Cache-Control"] == "no-store"
        assert _scripts(r.text) == [f' src="/static/fx.js?v={_asset_v(r.text)}"']
    r = phone.get(f"/p/{s.token}", headers={"User-Agent": WECHAT_UA})
    assert "script-src 'self' https://res.wx.qq.com;" in r.headers["Content-Security-Policy"]
    assert ' src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"' in _scripts(r.text)


def _asset_v(html: str) -> str:
    m = re.search(r"/static/fx\.js\?v=([0-9a-f]+)", html)
    assert m
    return m.group(1)


def test_static_assets_are_ours_and_self_contained(svc: Service) -> None:
    js = httpx.get(f"{svc.base}/static/fx.js")
    css = httpx.get(f"{svc.base}/static/fx.css")
    assert js.status_code == css.status_code == 200
    assert "javascript" in js.headers["content-type"] and "text/css" in css.headers["content-type"]
    assert not re.search(r"https?://", css.text) and "@import" not in css.text
    assert not re.search(r"https?://", js.text) and ".innerHTML" not in js.text


def test_no_private_data_of_another_user(svc: Service) -> None:
    a = shared_packet(svc, goods_name="甲的私有商品-" + uid("g"))
    b = login(svc.base, uid("o-b"))
    helper, r = help_once(svc, a.token)
    assert r.status_code == 200
    me_b = b.get("/me").text
    assert a.packet["goods_name"] not in me_b and a.token not in me_b
    page_b = b.get(f"/p/{a.token}").text
    assert state_of(page_b) == "can_help"
    public_avatar = f"/avatar/{a.owner_openid}.png"  # the fake WeChat names avatars by openid; WeChat does not
    assert a.owner_openid not in page_b.replace(public_avatar, "") and a.order_no not in page_b
    assert 'id="my-amount">--<' in page_b  # the helper's own amount is shown only to the helper
    assert a.packet["goods_name"] in a.owner.get("/me").text
