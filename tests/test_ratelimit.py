"""Rate limits and body limits: the limiter on the real Redis (db 4), then the
real service — 429 with Retry-After per user and per client IP (through one trusted proxy), the
callbacks' per-openid limit answered `success`, 413 before the body is read, and fail open when
Redis is down."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from bot.infra.ratelimit import ALLOW, RateLimiter, Verdict, verdict_of
from bot.keys import Keys
from bot.settings import RateLimitSettings
from bot.web import protection
from tests.support import fakewx
from tests.support.service import Phone, Service, _state_of, free_port
from tests.support.wxclient import fixture_xml, mp_server, unique_msg_id

REDIS_DB = 4
USER_LIMIT = 3
OAUTH_LIMIT = 6
SENDER_LIMIT = 2
HTTP_LIMITS = {
    "exempt_networks": [],
    "help": {"per_ip": {"limit": 1000}, "per_user": {"limit": USER_LIMIT, "window_s": 30}},
    "draw": {"per_ip": {"limit": 1000}, "per_user": {"limit": USER_LIMIT, "window_s": 30}},
    "oauth": {"per_ip": {"limit": OAUTH_LIMIT, "window_s": 30}},
    "callbacks": {"per_ip": {"limit": 1000}, "per_user": {"limit": SENDER_LIMIT, "window_s": 30}},
}


def limits(**over: Any) -> RateLimitSettings:
    return RateLimitSettings.model_validate({"exempt_networks": [], **over})


# ---- the limiter ----------------------------------------------------------------------------


@pytest.mark.parametrize(("hits", "expected"), [
    ([], ALLOW),
    ([(3, 5000, 3)], ALLOW),  # the limit-th request passes
    ([(4, 4001, 3)], Verdict(False, 5)),  # rounded up
    ([(4, 10, 3)], Verdict(False, 1)),  # never 0
    ([(2, 9000, 3), (7, 2000, 5)], Verdict(False, 2)),  # only exceeded rules set the wait
    ([(9, 9000, 3), (7, 2000, 5)], Verdict(False, 9)),  # the longest exceeded window
])
def test_verdict(hits: list[tuple[int, int, int]], expected: Verdict) -> None:
    assert verdict_of(hits) == expected


async def test_per_user_window_refuses_past_limit_with_retry_after(rl: tuple[Any, Keys]) -> None:
    client, keys = rl
    lim = RateLimiter(client, keys, limits(help={"per_ip": {"limit": 100}, "per_user": {"limit": 3, "window_s": 7}}))
    got = [await lim.check("help", "198.51.100.1", "42") for _ in range(5)]
    assert [v.allowed for v in got] == [True, True, True, False, False]
    assert 1 <= got[3].retry_after_s <= 7
    assert (await lim.check("help", "198.51.100.1", "43")).allowed  # another user, same IP
    key = keys.rate("help", "user", "42")
    assert await client.get(key) == "5"  # refused presses count too
    assert 0 < await client.pttl(key) <= 7000  # never a counter without its expiry


async def test_a_batch_is_counted_in_order_in_one_go(rl: tuple[Any, Keys]) -> None:
    client, keys = rl
    lim = RateLimiter(client, keys, limits(draw={"per_ip": {"limit": 2}, "per_user": {"limit": 1, "window_s": 9}}))
    got = await lim.check_many("draw", [("192.0.2.7", "1"), ("192.0.2.7", "2"), ("192.0.2.7", "1"),
                                        ("192.0.2.8", None)])
    assert [v.allowed for v in got] == [True, True, False, True]  # the 3rd: over both rules
    assert 1 <= got[2].retry_after_s <= 60  # the longer of the two exceeded windows (per IP: 60 s)


async def test_per_ip_window_and_its_end(rl: tuple[Any, Keys]) -> None:
    client, keys = rl
    lim = RateLimiter(client, keys, limits(oauth={"per_ip": {"limit": 2, "window_s": 1}}))
    assert [(await lim.check("oauth", "2001:db8::1", None)).allowed for _ in range(3)] == [True, True, False]
    assert (await lim.check("oauth", "2001:db8::2", None)).allowed
    await asyncio.sleep(1.1)
    assert (await lim.check("oauth", "2001:db8::1", None)).allowed  # a new window


async def test_a_counter_without_expiry_heals(rl: tuple[Any, Keys]) -> None:
    client, keys = rl
    key = keys.rate("oauth", "ip", "192.0.2.9")
    await client.set(key, 100)  # e.g. restored from a dump without its TTL
    lim = RateLimiter(client, keys, limits(oauth={"per_ip": {"limit": 2, "window_s": 5}}))
    v = await lim.check("oauth", "192.0.2.9", None)
    assert not v.allowed and v.retry_after_s == 5
    assert 0 < await client.pttl(key) <= 5000


async def test_exempt_networks_disabled_and_zero_limits(rl: tuple[Any, Keys]) -> None:
    client, keys = rl
    cfg = {"oauth": {"per_ip": {"limit": 1}}, "help": {"per_ip": {"limit": 0}, "per_user": {"limit": 0}}}
    lim = RateLimiter(client, keys, limits(exempt_networks=["10.0.0.0/8"], **cfg))
    assert all([(await lim.check("oauth", "10.1.2.3", None)).allowed for _ in range(5)])
    assert all([(await lim.check("help", "192.0.2.1", "1")).allowed for _ in range(5)])
    off = RateLimiter(client, keys, limits(enabled=False, **cfg))
    assert all([(await off.check("oauth", "192.0.2.1", None)).allowed for _ in range(5)])
    assert not [k async for k in client.scan_iter(match=f"{keys.p}:*")]  # nothing was even counted


async def test_fails_open_and_backs_off_when_redis_is_down(caplog: pytest.LogCaptureFixture) -> None:
    down = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/{REDIS_DB}", decode_responses=True)
    lim = RateLimiter(down, Keys("x"), limits(oauth={"per_ip": {"limit": 1}}))
    with caplog.at_level(logging.WARNING, logger="bot.infra.ratelimit"):
        assert all([(await lim.check("oauth", "192.0.2.1", None)).allowed for _ in range(20)])
    warnings = [r for r in caplog.records if "fail open" in r.getMessage()]
    assert len(warnings) == 1  # logged, not once per request
    await down.aclose()


async def test_fails_open_quickly_when_redis_hangs() -> None:
    silent = socket.socket()  # accepts connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    hung = aioredis.from_url(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", decode_responses=True)
    lim = RateLimiter(hung, Keys("x"), limits(redis_timeout_s=0.2, oauth={"per_ip": {"limit": 1}}))
    started = time.monotonic()
    assert (await lim.check("oauth", "192.0.2.1", None)).allowed
    assert (await lim.check("oauth", "192.0.2.1", None)).allowed  # backing off: Redis not asked
    assert time.monotonic() - started < 1.0
    silent.close()


# ---- the service ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=REDIS_DB, ratelimit=HTTP_LIMITS, server={"proxies_count": 1})
    yield s
    s.stop()


@contextmanager
def phone(base: str, ip: str, openid: str | None = None) -> Iterator[Phone]:
    """A phone behind our one trusted proxy (X-Forwarded-For: ip), logged in when `openid` is given."""
    with Phone(base_url=base, timeout=30, follow_redirects=False, headers={"X-Forwarded-For": ip}) as c:
        if openid:
            r = c.get("/oauth/login", params={"next": "/me"})
            r = c.get("/oauth/callback", params={"code": "code-" + openid, "state": _state_of(r.headers["location"])})
            assert r.status_code == 302, r.text
        yield c


def test_help_per_user_limit_answers_429_with_retry_after(svc: Service) -> None:
    ip = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    with phone(svc.base, ip, "orl-" + uuid.uuid4().hex[:8]) as me, \
            phone(svc.base, ip, "orl-" + uuid.uuid4().hex[:8]) as friend:
        codes = [me.post("/api/share/no-such-token/help").status_code for _ in range(USER_LIMIT)]
        assert codes == [404] * USER_LIMIT
        r = me.post("/api/share/no-such-token/help")
        assert r.status_code == 429
        assert r.json() == {"error": "rate_limited", "message": protection.RATE_LIMITED_MESSAGE}
        assert 1 <= int(r.headers["retry-after"]) <= 30
        assert r.headers["x-request-id"]
        assert friend.post("/api/share/no-such-token/help").status_code == 404  # same IP, own window


def test_draw_per_user_limit(svc: Service) -> None:
    with phone(svc.base, "192.0.2.60", "orl-" + uuid.uuid4().hex[:8]) as me:
        codes = [me.post("/api/payments/no-such-order/draw").status_code for _ in range(USER_LIMIT + 1)]
        assert 429 not in codes[:USER_LIMIT] and codes[-1] == 429
        assert me.post("/api/payments/no-such-order/claim").status_code == 429  # claim shares the draw window


def test_oauth_per_ip_limit_sees_the_forwarded_client(svc: Service) -> None:
    with phone(svc.base, "198.51.100.77") as a, phone(svc.base, "198.51.100.78") as b:
        codes = [a.get("/oauth/login").status_code for _ in range(OAUTH_LIMIT + 2)]
        assert codes == [302] * OAUTH_LIMIT + [429, 429]
        assert b.get("/oauth/login").status_code == 302  # another client behind the same proxy


def test_callback_sender_limit_answers_success_without_handling(svc: Service) -> None:
    mp = mp_server(svc.base, svc.config)
    sender = "orl-" + uuid.uuid4().hex[:8]
    replies = [mp.send(fixture_xml("text_help.xml", FromUserName=sender, MsgId=unique_msg_id()))
               for _ in range(SENDER_LIMIT + 1)]
    assert [r.status for r in replies] == [200] * (SENDER_LIMIT + 1)
    assert all(r.fields.get("MsgType") == "text" for r in replies[:SENDER_LIMIT])
    assert replies[-1].body == "success"
    other = mp.send(fixture_xml("text_help.xml", FromUserName=sender + "x", MsgId=unique_msg_id()))
    assert other.fields.get("MsgType") == "text"


def test_callback_ip_limit_answers_429_and_counts_only_signed_deliveries(fake: fakewx.FakeWeChat) -> None:
    """Message callbacks count their client IP after the signature check (bot/wechat/admission.py)."""
    tight = {"exempt_networks": [], "callbacks": {"per_ip": {"limit": 2}, "per_user": {"limit": 100}}}
    s = Service(fake.url, workers=1, redis_db=REDIS_DB, ratelimit=tight, server={"proxies_count": 1})
    try:
        mp = mp_server(s.base, s.config)

        def post(ip: str, *, forged: bool = False) -> httpx.Response:
            xml = fixture_xml("text_help.xml", FromUserName="orl-" + uuid.uuid4().hex[:8], MsgId=unique_msg_id())
            params, body = mp.signed(xml, signature="0" * 40 if forged else None)
            return httpx.post(f"{s.base}/wechat/mp", params=params, content=body, timeout=10,
                              headers={"X-Forwarded-For": ip})

        assert [post("192.0.2.70", forged=True).status_code for _ in range(3)] == [403] * 3
        codes = [post("192.0.2.70").status_code for _ in range(4)]
        assert codes == [200, 200, 429, 429]
        refused = post("192.0.2.70")
        assert refused.json()["error"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1
        assert post("192.0.2.71").status_code == 200  # another client
    finally:
        s.stop()


def test_body_limits_refuse_before_reading(svc: Service) -> None:
    mp = mp_server(svc.base, svc.config)
    params, _ = mp.signed("<xml/>")
    big = b"<xml>" + b"a" * (64 * 1024) + b"</xml>"
    r = httpx.post(f"{svc.base}/wechat/mp", params=params, content=big, timeout=10)
    assert r.status_code == 413 and r.json()["error"] == "too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(80):
            yield b"a" * 1024

    r = httpx.post(f"{svc.base}/wechat/mp", params=params, content=chunks(), timeout=10)  # chunked, no length
    assert r.status_code == 413
    r = httpx.post(f"{svc.base}/wechat/mp", params=params, content=b"<xml>" + b"a" * 60_000 + b"</xml>", timeout=10)
    assert r.status_code != 413  # under 64 KB: read and judged on its merits
    with phone(svc.base, "192.0.2.50", "orl-" + uuid.uuid4().hex[:8]) as me:
        r = me.post("/api/share/no-such-token/help", content=b"x" * 8192)
        assert r.status_code == 413 and r.json()["error"] == "too_large"
        assert me.post("/api/share/no-such-token/help", content=b"{}").status_code == 404


def test_service_fails_open_when_redis_is_down(fake: fakewx.FakeWeChat) -> None:
    tight = {"exempt_networks": [], "help": {"per_ip": {"limit": 1}, "per_user": {"limit": 1}},
             "oauth": {"per_ip": {"limit": 1}}}
    s = Service(fake.url, workers=1, redis_url=f"redis://127.0.0.1:{free_port()}/{REDIS_DB}", ratelimit=tight)
    try:
        with phone(s.base, "127.0.0.1", "orl-" + uuid.uuid4().hex[:8]) as me:  # two OAuth requests: over 1
            codes = [me.post("/api/share/no-such-token/help").status_code for _ in range(4)]
        assert codes == [404] * 4
    finally:
        s.stop()


def test_help_without_a_session_is_still_counted_per_ip(fake: fakewx.FakeWeChat) -> None:
    """The help route counts its limits itself (batched with its Redis checks); a request with no
    session never reaches that batch, and must still count against its client IP."""
    tight = {"exempt_networks": [], "help": {"per_ip": {"limit": 2}, "per_user": {"limit": 100}}}
    s = Service(fake.url, workers=1, redis_db=REDIS_DB, ratelimit=tight, server={"proxies_count": 1})
    try:
        with phone(s.base, "192.0.2.99") as anon, phone(s.base, "192.0.2.98") as other:
            codes = [anon.post("/api/share/no-such-token/help").status_code for _ in range(4)]
            assert codes == [401, 401, 429, 429]
            assert other.post("/api/share/no-such-token/help").status_code == 401
    finally:
        s.stop()


def test_without_a_trusted_proxy_a_forwarded_header_is_not_the_client(fake: fakewx.FakeWeChat) -> None:
    """No `server.proxies_count`: the peer address is counted, whatever X-Forwarded-For claims, so a
    client cannot dodge its per-IP limit by writing a new header on every request."""
    tight = {"exempt_networks": [], "callbacks": {"per_ip": {"limit": 2}, "per_user": {"limit": 100}}}
    s = Service(fake.url, workers=1, redis_db=REDIS_DB, ratelimit=tight)
    try:
        mp = mp_server(s.base, s.config)
        codes = []
        for i in range(4):
            xml = fixture_xml("text_help.xml", FromUserName="orl-" + uuid.uuid4().hex[:8], MsgId=unique_msg_id())
            params, body = mp.signed(xml)
            codes.append(httpx.post(f"{s.base}/wechat/mp", params=params, content=body, timeout=10,
                                    headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code)
        assert codes == [200, 200, 429, 429]
    finally:
        s.stop()
