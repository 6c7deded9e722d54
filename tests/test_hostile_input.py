"""Hostile bodies and path parameters against the real service (PostgreSQL, Redis, two workers):
whatever arrives, the answer is a 4xx — never a 500 — and one caller's bad input never fails
another caller's request.

The POST/PUT/PATCH routes are enumerated from the app itself, so a route added later is fuzzed
without touching this file. Requests carry what a real client would (the admin bearer token, a
signed-in user's cookie, a correct webhook signature over the generated body, a correctly signed
WeChat query) so the hostile body reaches the code behind the guards.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.infra.signing import sign
from main import build_app
from tests.support import fakewx
from tests.support.config import make_settings
from tests.support.paykit import WINDOW, admin_client, send_notice, uid
from tests.support.service import Service, alogin, login
from tests.support.wxclient import sha1_sig

REDIS_DB = 2
BODY_METHODS = {"POST", "PUT", "PATCH"}
SIGNED = {"/api/orders/events": "orders", "/api/payments/notify": "payments"}
PARAM_RE = re.compile(r"<(\w+):(\w+)>")
NONE_ONLY = [{"name": "谢谢参与", "kind": "none", "weight": 1}]


def app_routes() -> list[tuple[str, str]]:
    """(method, path pattern) of every route the app serves, from the app itself."""
    app = build_app(make_settings(), name="fission_routes_probe")
    return [(m, "/" + r.path) for r in app.router.routes for m in sorted(set(r.methods) - {"HEAD", "OPTIONS"})]


def concrete(path: str, str_value: str = "x") -> str:
    return PARAM_RE.sub(lambda m: "1" if m.group(2) == "int" else str_value, path)


ALL_ROUTES = app_routes()
ROUTES = [(m, p) for m, p in ALL_ROUTES if m in BODY_METHODS]


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=REDIS_DB, campaign={"controls_cache_s": 0})  # a resume seen at once
    yield s
    s.stop()


def lottery_product(svc: Service) -> str:
    """A product code whose payments give one lottery chance (its own activity: the fuzzer may have
    disabled or changed activity 1)."""
    product = uid("LOT")[:20]
    with admin_client(svc) as admin:
        act = admin.post("/admin/api/activities", json={
            "name": "支付抽奖", **WINDOW, "frequency": 0, "win_limit": 0,
            "prizes": [{"name": "保温杯", "kind": "goods", "weight": 1, "stock": 1000}] + NONE_ONLY}).json()
        r = admin.post("/admin/api/pay-configs", json={"product_code": product, "min_amount": 100,
                                                       "kind": "lottery", "activity_id": act["id"], **WINDOW})
        assert r.status_code == 200, r.text
    return product


@pytest.fixture(scope="module")
def cookie(svc: Service) -> str:
    """The cookies of a signed-in user and a signed-in admin (admin page), and the page's form token."""
    with closing(login(svc.base, uid("o-fuzz"))) as phone:
        user = str(phone.cookies.get("fx_session"))
    with httpx.Client(base_url=svc.base, timeout=30) as admin:
        admin.post("/admin/login", data={"token": svc.config["admin"]["token"]})
        (name, value), = ((k, v) for k, v in admin.cookies.items() if k != "fx_session")
        page = admin.get("/admin", headers={"Cookie": f"{name}={value}"}).text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf, page[:500]
    return f"fx_session={user}; {name}={value}|{csrf.group(1)}"


# the routes a fuzzed request can pause the campaign or change its live settings through: the
# admin API's and the admin page's forms (a page form pausing it failed the draws after it)
SETTINGS_ROUTES = ("/admin/api/campaign/settings", "/admin/settings")
PAUSE_ROUTES = ("/admin/api/campaign/pause", "/admin/campaign/pause", *SETTINGS_ROUTES)
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/xml", "text/plain"]


def _send(svc: Service, cookie: str, method: str, path: str, body: bytes,
          content_type: str = "application/json") -> httpx.Response:
    cookies, _, csrf = cookie.partition("|")
    if content_type.endswith("urlencoded") and csrf:
        body = f"csrf={csrf}&".encode() + body  # the admin page's forms reach their handlers
    headers = {"Authorization": f"Bearer {svc.config['admin']['token']}", "Cookie": cookies,
               "Content-Type": content_type}
    params: dict[str, str] = {}
    if path in SIGNED:
        headers["X-Fission-Signature"] = sign(body, svc.config[SIGNED[path]]["secret"])
    if path.startswith("/wechat/"):
        ts, nonce = str(int(time.time())), uid("n")
        params = {"timestamp": ts, "nonce": nonce, "signature": sha1_sig(svc.config["wechat"]["token"], ts, nonce)}
    if path == "/api/logout":  # it voids the session it is sent with: spend a throwaway one, not the fuzzer's
        with closing(login(svc.base, uid("o-out"))) as phone:
            headers["Cookie"] = f"fx_session={phone.cookies.get('fx_session')}"
    r = httpx.request(method, svc.base + path, content=body, headers=headers, params=params, timeout=30)
    admin = {"Authorization": headers.get("Authorization", "")}
    if path in SETTINGS_ROUTES and method == "POST":  # a fuzzed change may pause or tighten (the API or the
        httpx.post(svc.base + "/admin/api/campaign/settings", json={"from_version": 1}, headers=admin,  # page's
                   timeout=30)  # form): back to config's values
    if path in PAUSE_ROUTES:  # paused, helps and draws answer 503 by design: resume
        httpx.post(svc.base + "/admin/api/campaign/resume", headers=admin, timeout=30)
    return r


def _nested(depth: int, open_: str, close: str) -> bytes:
    return (open_ * depth + close * depth).encode()


HOSTILE_BODIES = st.one_of(
    st.integers(1, 200_000).map(lambda n: _nested(n, "[", "]")),
    st.integers(1, 50_000).map(lambda n: _nested(n, '{"a":', "}")[:-n] + b"1" + b"}" * n),
    st.integers(1, 20_000).map(lambda n: b'{"x":' + b"[" * n + b'"\\u0000"' + b"]" * n + b"}"),
    st.sampled_from([b'{"name":"a\\u0000b"}', b'["\\u0000"]', b'{"\\u0000":1}', b'{"name":"\\ud800"}',
                     b'{"openid":"\\udfff x"}', b'["\\ud83d"]', b'{"event_id":"\\udc00"}', b"\x00",
                     b'{"a":"\x00"}', b"\xff\xfe\xfd", b'{"a":"\xed\xa0\x80"}', b'{"a":"\xc3"}',
                     b'{"stock":1e999}', b'{"value":-1e999}', b'{"weight":NaN}', b'{"threshold":Infinity}']),
    st.integers(1, 30).map(lambda k: b'{"amount":' + b"9" * (10 ** (k % 5) + k) + b"}"),
    st.integers(100, 9000).map(lambda n: b'{"value":' + b"1" * n + b"}"),
    st.binary(max_size=512),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"openid=%00", b"openid=o%00x&reason=%00", b"openid=%ED%A0%80", b"token=%00",
                     b"openid=" + b"A" * 5000, b"reason=%FF%FE&openid=oabc", b"a=1&" * 2000]),
    st.integers(1, 5000).map(lambda n: b"<xml>" + b"<a>" * n + b"</a>" * n + b"</xml>"),
    st.sampled_from([b"<xml><ToUserName>\x00</ToUserName></xml>", b"<xml><![CDATA[\x00]]></xml>",
                     b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>', b"<xml>&#0;</xml>", b"<xml>&#xD800;</xml>"]),
)


@given(body=HOSTILE_BODIES, route=st.sampled_from(ROUTES), content_type=st.sampled_from(CONTENT_TYPES))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_body_on_any_route_gets_a_500(svc: Service, cookie: str, body: bytes, route: tuple[str, str],
                                          content_type: str) -> None:
    """Attack: an unauthenticated or signed-in caller posts ~1,000+ nested arrays (RecursionError in
    the input guard), NUL bytes, lone surrogates, numbers past float/int range, or invalid UTF-8 to
    any route that takes a body. Each used to be able to end in a 500 (which also feeds the error-
    spike alert); every one must be a 4xx."""
    method, pattern = route
    r = _send(svc, cookie, method, concrete(pattern), body, content_type)
    assert r.status_code < 500, (method, pattern, content_type, body[:120], r.status_code, r.text[:300])


def test_every_body_route_is_fuzzed() -> None:
    """The enumeration is real: the signed webhooks, the WeChat callbacks, the admin API and the
    user routes are all among the fuzzed routes."""
    paths = {p for _m, p in ROUTES}
    assert {"/api/orders/events", "/api/payments/notify", "/wechat/mp", "/wechat/work",
            "/admin/api/activities", "/api/share/<token:str>/help"} <= paths


def test_the_fuzzer_gets_past_the_guards(svc: Service, cookie: str) -> None:
    """The credentials the fuzzer sends are accepted, so its bodies reach the handlers: the admin
    page's form is past its CSRF check, the signed webhook past its signature, the admin API and
    a user route past their sign-in checks."""
    form = _send(svc, cookie, "POST", "/admin/blacklist", b"openid=o-fuzz-ok&reason=x",
                 "application/x-www-form-urlencoded")
    assert form.status_code == 303 and "expired" not in form.headers["location"], form.headers
    assert _send(svc, cookie, "POST", "/api/orders/events", b"{}").status_code == 400
    assert _send(svc, cookie, "POST", "/admin/api/activities", b"{}").status_code == 400
    assert _send(svc, cookie, "POST", "/api/payments/nope/claim", b"").status_code == 404


def test_the_reported_nul_order_no_is_400(svc: Service, cookie: str) -> None:
    """Attack, as reported: a signed-in user's `GET /api/payments/%00/offer` reached PostgreSQL
    with a NUL in the order number and ended in a 500."""
    for path in ("/api/payments/%00/offer", "/api/payments/%00/claim", "/pay/%00"):
        r = _send(svc, cookie, "POST" if path.endswith("claim") else "GET", path, b"")
        assert r.status_code == 400, (path, r.status_code, r.text[:200])


CONTROL = ["%00", "a%00b", "%01", "%1F", "%7F", "%0A", "%0D%0A", "%C2%85"]


@pytest.mark.parametrize("value", CONTROL)
def test_control_characters_in_any_path_parameter_are_400(svc: Service, cookie: str, value: str) -> None:
    """Attack: NUL and other control characters in a path parameter (`/api/payments/%00/offer`)
    used to reach PostgreSQL, which cannot hold a NUL in text: an unauthenticated 500. Every route
    with a string parameter, whatever its method, answers 400 at the edge."""
    checked = 0
    for method, pattern in ALL_ROUTES:
        if ":str>" in pattern:
            r = _send(svc, cookie, method, concrete(pattern, value), b"")
            assert r.status_code == 400, (method, pattern, value, r.status_code, r.text[:200])
            checked += 1
    assert checked >= 10


async def test_a_nul_order_no_does_not_fail_other_users_draws(svc: Service) -> None:
    """Attack: draws are committed in batches across users; a `/api/payments/%00/draw` in a batch
    made the batch's statement fail on PostgreSQL, so the batch was bisected and retried as if it
    had raced (every other user's draw in it delayed), and the NUL draw itself ended 503 after its
    retries. Now it is refused (400) before it joins a batch and every real draw succeeds."""
    product = lottery_product(svc)
    buyers = [(uid("o-buyer"), uid("ord")) for _ in range(12)]
    for openid, order in buyers:
        assert send_notice(svc, order, openid, product=product).status_code == 200
    phones = [await alogin(svc.base, openid) for openid, _ in buyers]
    attacker = await alogin(svc.base, uid("o-attacker"))
    try:
        for _round in range(3):
            real = [p.post(f"/api/payments/{order}/draw") for p, (_o, order) in zip(phones, buyers, strict=True)]
            bad = [attacker.post(f"/api/payments/{v}/draw") for v in ("%00", "a%00", "%00b", "x%00y") * 3]
            results = await asyncio.gather(*real, *bad)
            real_r, bad_r = results[:len(real)], results[len(real):]
            if _round == 0:
                assert all(r.status_code == 200 for r in real_r), [(r.status_code, r.text[:100]) for r in real_r]
            else:  # one chance each: later rounds are refused for that, never failed
                assert all(r.status_code == 409 for r in real_r), [(r.status_code, r.text[:100]) for r in real_r]
            assert {r.status_code for r in bad_r} == {400}, [(r.status_code, r.text[:100]) for r in bad_r]
    finally:
        for p in [*phones, attacker]:
            await p.aclose()
