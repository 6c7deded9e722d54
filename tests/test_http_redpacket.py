"""The red-packet wire contract through the real service (2 workers, PostgreSQL, Redis, fake WeChat)."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from bot.infra.signing import sign
from tests.support import fakewx
from tests.support.service import Phone, Service, login

ERR_KEYS = {"error", "message"}


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=5, redpacket={"daily_help_limit": 2, "daily_same_owner_limit": 1})
    yield s
    s.stop()


def oid(tag: str = "u") -> str:
    return f"o{tag}-{uuid.uuid4().hex[:10]}"


def issue(svc: Service, owner: str, **kw: object) -> dict:
    r = svc.order_event(openid=owner, **kw)
    assert r.status_code == 200, r.text
    return r.json()["packet"]


def shared(svc: Service, **kw: object) -> tuple[Phone, dict, str]:
    owner = oid("own")
    p = issue(svc, owner, **kw)
    phone = login(svc.base, owner)
    r = phone.post(f"/api/packets/{p['id']}/share")
    assert r.status_code == 200, r.text
    return phone, p, r.json()["share_token"]


def err(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == ERR_KEYS and body["error"] == code, body


def test_health_and_readiness(svc: Service) -> None:
    assert httpx.get(svc.base + "/healthz").json() == {"status": "ok"}
    assert httpx.get(svc.base + "/readyz").status_code == 200


def test_listen_backlog_is_the_configured_one(svc: Service) -> None:
    """Regression: Sanic listened with its default backlog of 100; 200 clients connecting at once
    overflowed it and the dropped connections were retried a second later (ListenOverflows)."""
    with open("/proc/sys/net/core/somaxconn") as f:
        cap = int(f.read())
    out = subprocess.run(["ss", "-Hltn", f"sport = :{svc.port}"], capture_output=True, text=True, check=True).stdout
    backlogs = {int(line.split()[2]) for line in out.splitlines() if line.startswith("LISTEN")}
    assert backlogs == {min(1024, cap)}


def test_order_event_signature_and_body_are_checked(svc: Service) -> None:
    body = json.dumps({"event_id": "x", "type": "confirmed"}).encode()
    url = svc.base + "/api/orders/events"
    err(httpx.post(url, content=body), 401, "bad_signature")
    err(httpx.post(url, content=body, headers={"X-Fission-Signature": "sha256=" + "0" * 64}), 401, "bad_signature")
    secret = svc.config["orders"]["secret"]
    err(httpx.post(url, content=body, headers={"X-Fission-Signature": sign(body, secret)}), 400, "invalid_body")
    junk = b"\xff\xfe not json"
    err(httpx.post(url, content=junk, headers={"X-Fission-Signature": sign(junk, secret)}), 400, "invalid_body")
    big = b"{" + b" " * 2_000_000 + b"}"
    r = httpx.post(url, content=big, headers={"X-Fission-Signature": sign(big, secret)})
    err(r, 413, "too_large")


def test_order_event_issues_once_and_shapes_packet(svc: Service) -> None:
    owner = oid()
    r1 = svc.order_event(event_id="ev-" + owner, order_no="no-" + owner, openid=owner, paid_amount=1990,
                         coupon_price=1990, cashback=300)
    r2 = svc.order_event(event_id="ev-" + owner, order_no="no-" + owner, openid=owner, paid_amount=1990,
                         coupon_price=1990, cashback=300)
    p = r1.json()["packet"]
    assert r1.json()["duplicate"] is False and r2.json()["duplicate"] is True
    assert r2.json()["packet"]["id"] == p["id"]
    assert {"id", "status", "amount", "split_amount", "remaining", "expire_time", "start_time", "end_time",
            "goods_name", "goods_thumbnail_url", "helpers"} <= set(p)
    assert (p["status"], p["amount"], p["split_amount"], p["remaining"]) == ("to_share", 600, 0, 600)
    assert p["expire_time"].endswith("Z") and p["start_time"] is None
    small = svc.order_event(openid=owner, paid_amount=100, coupon_price=100, cashback=4)
    assert small.json() == {"packet": None, "duplicate": False}


def test_oauth_login_redirect_and_state(svc: Service, fake: fakewx.FakeWeChat) -> None:
    c = Phone(base_url=svc.base, follow_redirects=False)
    r = c.get("/oauth/login", params={"next": "/p/abc"})
    loc = r.headers["location"]
    assert r.status_code == 302 and loc.startswith(fake.url + "/connect/oauth2/authorize?")
    assert loc.endswith("#wechat_redirect")
    q = parse_qs(urlparse(loc.split("#")[0]).query)
    assert q["appid"] == [svc.config["wechat"]["appid"]] and q["response_type"] == ["code"]
    assert q["scope"] == ["snsapi_userinfo"] and q["redirect_uri"] == [svc.base + "/oauth/callback"]
    state = q["state"][0]
    err(c.get("/oauth/callback", params={"code": "code-ox", "state": "forged"}), 400, "bad_state")
    err(httpx.get(svc.base + "/oauth/callback", params={"code": "code-ox", "state": state}), 400, "bad_state")
    err(c.get("/oauth/callback", params={"code": "bad-code", "state": state}), 400, "oauth_failed")
    ok = c.get("/oauth/callback", params={"code": "code-" + oid(), "state": state})
    assert ok.status_code == 302 and ok.headers["location"] == "/p/abc"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_open_redirect_is_refused(svc: Service) -> None:
    c = Phone(base_url=svc.base, follow_redirects=False)
    state = parse_qs(urlparse(c.get("/oauth/login", params={"next": "//evil.example/x"}).headers["location"]
                              .split("#")[0]).query)["state"][0]
    r = c.get("/oauth/callback", params={"code": "code-" + oid(), "state": state})
    assert r.headers["location"] == "/me"


def test_user_endpoints_need_a_valid_session(svc: Service) -> None:
    for path in ("/api/packets", "/api/packets/1", "/api/wallet", "/api/reminders"):
        err(httpx.get(svc.base + path), 401, "unauthenticated")
        err(httpx.get(svc.base + path, cookies={"fx_session": "eyJ1IjoxfQ.forged.sig"}), 401, "unauthenticated")
    err(httpx.post(svc.base + "/api/share/whatever/help"), 401, "unauthenticated")


def test_owner_sees_only_own_packets(svc: Service) -> None:
    alice, bob = oid("a"), oid("b")
    pa, pb = issue(svc, alice), issue(svc, bob)
    ca = login(svc.base, alice)
    assert [p["id"] for p in ca.get("/api/packets").json()["packets"]] == [pa["id"]]
    assert ca.get(f"/api/packets/{pa['id']}").json()["helps"] == []
    err(ca.get(f"/api/packets/{pb['id']}"), 404, "not_found")
    err(ca.post(f"/api/packets/{pb['id']}/share"), 404, "not_found")
    err(ca.get("/api/packets/999999999"), 404, "not_found")


def test_share_token_is_unguessable_and_starts_splitting(svc: Service) -> None:
    phone, p, token = shared(svc)
    assert len(token) >= 32 and token != str(p["id"]) and not token.isdigit()  # 24 random bytes
    again = phone.post(f"/api/packets/{p['id']}/share").json()
    assert again["share_token"] == token
    assert again["share_url"] == f"{svc.base}/p/{token}"
    assert again["poster_url"] == f"{svc.base}/api/share/{token}/poster.png"
    d = phone.get(f"/api/packets/{p['id']}").json()
    assert d["status"] == "splitting" and d["start_time"] is not None
    err(httpx.get(svc.base + "/api/share/" + "x" * 43), 404, "not_found")


def test_help_flow_and_every_refusal(svc: Service) -> None:
    owner_phone, p, token = shared(svc)
    anon = httpx.get(f"{svc.base}/api/share/{token}").json()
    assert anon["can_help"] is False and anon["reason"] == "unauthenticated"
    assert owner_phone.get(f"/api/share/{token}").json()["reason"] == "self_help"
    err(owner_phone.post(f"/api/share/{token}/help"), 403, "self_help")
    helper = login(svc.base, oid("h"))
    view = helper.get(f"/api/share/{token}").json()
    assert view["can_help"] is True and view["reason"] is None and view["owner"]["nickname"]
    got = helper.post(f"/api/share/{token}/help").json()
    assert got["owner_amount"] == got["helper_amount"] == got["amount"] and 30 <= got["amount"] <= 80
    assert got["remaining"] == p["amount"] - got["amount"] and got["status"] == "splitting" and not got["last"]
    err(helper.post(f"/api/share/{token}/help"), 409, "already_helped")
    assert helper.get(f"/api/share/{token}").json()["reason"] == "already_helped"
    _o2, _p2, token2 = shared(svc)
    _o3, _p3, token3 = shared(svc)
    assert helper.post(f"/api/share/{token2}/help").status_code == 200  # 2nd help today (limit 2)
    err(helper.post(f"/api/share/{token3}/help"), 429, "daily_limit")
    detail = owner_phone.get(f"/api/packets/{p['id']}").json()
    assert detail["split_amount"] == got["amount"] and len(detail["helps"]) == 1
    assert set(detail["helps"][0]) == {"nickname", "avatar", "amount", "time"}
    wallet = helper.get("/api/wallet").json()
    assert wallet["balance"] == sum(e["amount"] for e in wallet["entries"]) > 0
    assert owner_phone.get("/api/wallet").json()["balance"] == got["amount"]


def test_same_owner_limit(svc: Service) -> None:
    owner = oid("own")
    p1, p2 = issue(svc, owner), issue(svc, owner)
    phone = login(svc.base, owner)
    t1 = phone.post(f"/api/packets/{p1['id']}/share").json()["share_token"]
    t2 = phone.post(f"/api/packets/{p2['id']}/share").json()["share_token"]
    helper = login(svc.base, oid("h"))
    assert helper.post(f"/api/share/{t1}/help").status_code == 200
    err(helper.post(f"/api/share/{t2}/help"), 429, "daily_same_owner_limit")


def test_split_out_and_last_help(svc: Service) -> None:
    _o, p, token = shared(svc, paid_amount=1000, coupon_price=1000, cashback=20)  # 40 fen
    first = login(svc.base, oid("h")).post(f"/api/share/{token}/help").json()
    assert first["last"] is True and first["status"] == "split_out" and first["remaining"] == 0
    assert first["amount"] == p["amount"] == 40
    err(login(svc.base, oid("h")).post(f"/api/share/{token}/help"), 410, "split_out")


def test_refund_invalidates_a_live_packet(svc: Service) -> None:
    owner = oid("own")
    order_no = "rf-" + uuid.uuid4().hex[:12]
    p = issue(svc, owner, order_no=order_no)
    phone = login(svc.base, owner)
    token = phone.post(f"/api/packets/{p['id']}/share").json()["share_token"]
    helped = login(svc.base, oid("h")).post(f"/api/share/{token}/help").json()["amount"]
    assert phone.get("/api/wallet").json()["balance"] == helped
    r = svc.order_event(type="refunded", order_no=order_no, openid=owner)
    assert r.status_code == 200 and r.json()["packet"]["status"] == "invalid"
    err(login(svc.base, oid("h")).post(f"/api/share/{token}/help"), 410, "invalid")
    assert phone.get("/api/wallet").json()["balance"] == 0


def test_reminders_name_waiting_packets(svc: Service) -> None:
    owner = oid("own")
    issue(svc, owner)
    rem = login(svc.base, owner).get("/api/reminders").json()["reminders"]
    assert rem and rem[0]["kind"] == "to_share" and "待分享" in rem[0]["text"]


def test_api_errors_are_json(svc: Service) -> None:
    err(httpx.get(svc.base + "/api/definitely/not/here"), 404, "not_found")
    err(httpx.delete(svc.base + "/api/packets"), 405, "method_not_allowed")


def test_expiry_is_exact_without_a_sweeper(fake: fakewx.FakeWeChat) -> None:
    s = Service(fake.url, workers=1, redis_db=5, redpacket={"ttl_seconds": 2, "sweep_interval_s": 3600})
    try:
        owner = oid("own")
        p = issue(s, owner)
        token = login(s.base, owner).post(f"/api/packets/{p['id']}/share").json()["share_token"]
        helper = login(s.base, oid("h"))
        time.sleep(2.2)
        err(helper.post(f"/api/share/{token}/help"), 410, "expired")
        assert helper.get(f"/api/share/{token}").json()["status"] == "expired"
    finally:
        s.stop()


def test_help_works_with_redis_down(fake: fakewx.FakeWeChat) -> None:
    """Redis is an accelerator: without it helps still commit; /readyz tells the operator."""
    s = Service(fake.url, workers=1, redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        owner = oid("own")
        p = issue(s, owner)
        token = login(s.base, owner).post(f"/api/packets/{p['id']}/share").json()["share_token"]
        helper = login(s.base, oid("h"))
        assert helper.post(f"/api/share/{token}/help").status_code == 200
        err(helper.post(f"/api/share/{token}/help"), 409, "already_helped")
        assert httpx.get(s.base + "/readyz").status_code == 503
    finally:
        s.stop()
