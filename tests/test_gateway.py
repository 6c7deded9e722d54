"""bot.wechat.gateway / bot.wechat.token against the fake WeChat server and a real Redis: the shared token,
token errors (exactly one refetch and one retry), failures classified for the outbox, WeCom
invaliduser, jsapi ticket, QR codes, and one token fetch when two processes send 50 messages."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from bot.keys import Keys
from bot.wechat.gateway import WxErrcode, WxGateway, WxGatewayError, send_custom_text
from bot.wechat.token import Credential, CredentialCache
from tests.support import dbs, fakewx
from tests.support.config import ROOT, make_settings

REDIS_DB = 11
TEMPLATE = "/cgi-bin/message/template/send"


def gateway(fake_url: str, redis: Any, keys: Keys, http: httpx.AsyncClient, **wecom: Any) -> WxGateway:
    s = make_settings(server={"port": 8000}, wechat={"api_base": fake_url}, wecom={"api_base": fake_url, **wecom})
    return WxGateway(http, redis, keys, s)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # a small pool, as the fake's listen backlog is 5 connections
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0), limits=httpx.Limits(max_connections=8)) as c:
        yield c


@pytest.fixture
def gw(fake_wechat: fakewx.FakeWeChat, scratch_redis: tuple[Any, Keys], http: httpx.AsyncClient) -> WxGateway:
    return gateway(fake_wechat.url, *scratch_redis, http)


async def send(gw: WxGateway, key: str = "packet:1:issued") -> int:
    return await gw.send_template("o-owner", "T_ISSUED", {"first": "你好"}, key=key, url="http://x/me")


async def test_token_is_fetched_once_and_shared_by_gateways(
        fake_wechat: fakewx.FakeWeChat, scratch_redis: tuple[Any, Keys], http: httpx.AsyncClient) -> None:
    a, b = gateway(fake_wechat.url, *scratch_redis, http), gateway(fake_wechat.url, *scratch_redis, http)
    await asyncio.gather(*[send(g, f"k{i}") for i, g in enumerate([a, b] * 10)])
    assert fake_wechat.tokens_issued == 1
    sends = fake_wechat.calls_to(TEMPLATE)
    assert len(sends) == 20 and {c.query["access_token"] for c in sends} == {"tok-1"}
    body = sends[0].body
    assert body["touser"] == "o-owner" and body["template_id"] == "T_ISSUED" and body["url"] == "http://x/me"
    assert body["data"] == {"first": {"value": "你好"}}


async def test_40001_once_refetches_once_and_retries_once(fake_wechat: fakewx.FakeWeChat, gw: WxGateway) -> None:
    await send(gw, "warm")  # tok-1 cached
    fake_wechat.inject(TEMPLATE, fakewx.Fault(errcode=40001))
    await send(gw, "packet:7:helped:9")
    sends = [c for c in fake_wechat.calls_to(TEMPLATE) if c.body["client_msg_id"] == "packet:7:helped:9"]
    assert [c.query["access_token"] for c in sends] == ["tok-1", "tok-2"]
    assert sends[0].body == sends[1].body  # the very same message, same client_msg_id
    assert fake_wechat.tokens_issued == 2 and len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 2
    await send(gw, "after")
    assert fake_wechat.calls_to(TEMPLATE)[-1].query["access_token"] == "tok-2"


async def test_42001_on_wecom_refetches_once(fake_wechat: fakewx.FakeWeChat, gw: WxGateway) -> None:
    fake_wechat.inject("/cgi-bin/message/send", fakewx.Fault(errcode=42001))
    res = await gw.wecom_send_text(["boss"], "预算告警")
    assert res.invalid_users == ()
    sends = fake_wechat.calls_to("/cgi-bin/message/send")
    assert [c.query["access_token"] for c in sends] == ["tok-1", "tok-2"]
    assert len(fake_wechat.calls_to("/cgi-bin/gettoken")) == 2
    assert sends[1].body["touser"] == "boss" and sends[1].body["agentid"] == 1000005
    assert sends[1].body["text"] == {"content": "预算告警"}


async def test_token_error_twice_is_one_retry_not_a_loop(fake_wechat: fakewx.FakeWeChat, gw: WxGateway) -> None:
    fake_wechat.inject(TEMPLATE, fakewx.Fault(errcode=40001), fakewx.Fault(errcode=40001))
    with pytest.raises(WxGatewayError) as e:
        await send(gw)
    assert e.value.errcode == WxErrcode.INVALID_CREDENTIAL and e.value.retryable
    assert len(fake_wechat.calls_to(TEMPLATE)) == 2 and fake_wechat.tokens_issued == 2


async def test_invalidate_deletes_only_the_failed_token(scratch_redis: tuple[Any, Keys], gw: WxGateway) -> None:
    redis, _ = scratch_redis
    await redis.set(gw.mp.credential.key, "tok-new")
    assert not await gw.credentials.invalidate(gw.mp.credential, "tok-old")
    assert await redis.get(gw.mp.credential.key) == "tok-new"
    assert await gw.credentials.invalidate(gw.mp.credential, "tok-new")
    assert await redis.get(gw.mp.credential.key) is None


@pytest.mark.parametrize(("fault", "errcode", "retryable"), [
    (fakewx.Fault(errcode=45009), WxErrcode.API_FREQ_LIMIT, True),
    (fakewx.Fault(errcode=-1), WxErrcode.SYSTEM_BUSY, True),
    (fakewx.Fault(status=500), WxErrcode.HTTP_STATUS, True),
    (fakewx.Fault(delay_s=2.5), WxErrcode.TIMEOUT, True),
    (fakewx.Fault(errcode=43101), WxErrcode.USER_REFUSED, False),
    (fakewx.Fault(errcode=40003), WxErrcode.INVALID_OPENID, False),
])
async def test_failures_are_classified_and_never_retried_here(
        fake_wechat: fakewx.FakeWeChat, gw: WxGateway, fault: fakewx.Fault, errcode: int, retryable: bool) -> None:
    await send(gw, "warm")
    fake_wechat.inject(TEMPLATE, fault)
    t0 = time.monotonic()
    with pytest.raises(WxGatewayError) as e:
        await send(gw, "x")
    assert (e.value.errcode, e.value.retryable) == (errcode, retryable)
    assert len(fake_wechat.calls_to(TEMPLATE)) == 2 and fake_wechat.tokens_issued == 1
    assert time.monotonic() - t0 < 2.4  # the 2 s client timeout, not the fake's 2.5 s delay


async def test_token_endpoint_failure_is_retryable(fake_wechat: fakewx.FakeWeChat, gw: WxGateway) -> None:
    fake_wechat.inject("/cgi-bin/stable_token", fakewx.Fault(errcode=40125))
    with pytest.raises(WxGatewayError) as e:
        await send(gw)
    assert e.value.retryable and e.value.errcode == 40125
    assert fake_wechat.calls_to(TEMPLATE) == []
    await send(gw)  # the lock was released: the next call fetches
    assert fake_wechat.tokens_issued == 1


class InvalidUserFake(fakewx.FakeWeChat):
    """The fake, answering WeCom message/send with errcode 0 and `invaliduser` set."""

    invalid: str = ""

    def start(self) -> None:
        fake = self

        class Handler(fakewx._Handler):
            owner = fake

            def do_POST(self) -> None:
                if not self.path.startswith("/cgi-bin/message/send"):
                    return super().do_POST()
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                fake.record(fakewx.Call("POST", "/cgi-bin/message/send", {}, body, time.time()))
                return self._send({"errcode": 0, "errmsg": "ok", "invaliduser": fake.invalid, "msgid": "m1"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def invaliduser_fake() -> Iterator[InvalidUserFake]:
    srv = InvalidUserFake()
    srv.start()
    yield srv
    srv.stop()


async def test_wecom_invaliduser_is_watched(invaliduser_fake: InvalidUserFake, scratch_redis: tuple[Any, Keys],
                                            http: httpx.AsyncClient) -> None:
    gw = gateway(invaliduser_fake.url, *scratch_redis, http)
    invaliduser_fake.invalid = "ghost"
    res = await gw.wecom_send_text(["boss", "ghost"], "告警")
    assert res.invalid_users == ("ghost",)
    invaliduser_fake.invalid = "boss|ghost"
    with pytest.raises(WxGatewayError) as e:
        await gw.wecom_send_text(["boss", "ghost"], "告警")
    assert not e.value.retryable and e.value.errcode == WxErrcode.WECOM_INVALID_USER


async def test_jsapi_ticket_is_cached_like_the_token(fake_wechat: fakewx.FakeWeChat, gw: WxGateway,
                                                     scratch_redis: tuple[Any, Keys], http: httpx.AsyncClient) -> None:
    other = gateway(fake_wechat.url, *scratch_redis, http)
    assert await asyncio.gather(gw.jsapi_ticket(), other.jsapi_ticket(), gw.jsapi_ticket()) == ["jsapi-ticket"] * 3
    calls = fake_wechat.calls_to("/cgi-bin/ticket/getticket")
    assert len(calls) == 1 and calls[0].query == {"type": "jsapi", "access_token": "tok-1"}


async def test_qrcode_and_custom_text(fake_wechat: fakewx.FakeWeChat, gw: WxGateway) -> None:
    qr = await gw.create_qrcode("share-token-abc", 3600)
    assert qr.ticket == "qr-ticket" and qr.image_url.endswith("ticket=qr-ticket")
    assert fake_wechat.calls_to("/cgi-bin/qrcode/create")[0].body == {
        "expire_seconds": 3600, "action_name": "QR_STR_SCENE",
        "action_info": {"scene": {"scene_str": "share-token-abc"}}}

    class Deps:
        wxgateway = gw

    await send_custom_text(Deps(), "o-late", "稍等，结果来了")
    assert fake_wechat.calls_to("/cgi-bin/message/custom/send")[0].body == {
        "touser": "o-late", "msgtype": "text", "text": {"content": "稍等，结果来了"}}


async def test_lock_holder_that_dies_is_taken_over(scratch_redis: tuple[Any, Keys]) -> None:
    """A refresher that crashed leaves its lock; waiters take over once it expires, within their budget."""
    redis, keys = scratch_redis
    fetched: list[int] = []

    async def fetch() -> tuple[str, int]:
        fetched.append(1)
        return "fresh", 7200

    cred = Credential(keys.access_token("x"), keys.access_token_lock("x"), fetch)
    await redis.set(cred.lock_key, "dead-owner", px=300)
    cache = CredentialCache(redis, wait_s=2, poll_s=0.02)
    assert await asyncio.gather(*[cache.get(cred) for _ in range(10)]) == ["fresh"] * 10
    assert fetched == [1]


def _burst_in_subprocesses(fake_url: str, prefix: str, n_each: int) -> list[subprocess.Popen[bytes]]:
    start_at = time.time() + 2.0
    return [subprocess.Popen([sys.executable, "-m", "tests.test_gateway", fake_url, f"{dbs.REDIS}/{REDIS_DB}",
                              prefix, str(n_each), str(start_at), f"p{i}"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(2)]


def test_one_token_fetch_when_two_processes_send_50_at_once(fake_wechat: fakewx.FakeWeChat) -> None:
    fake_wechat.inject("/cgi-bin/stable_token", fakewx.Fault(delay_s=0.5))  # a slow fetch widens the race
    prefix = "t" + uuid.uuid4().hex[:10]
    procs = _burst_in_subprocesses(fake_wechat.url, prefix, 25)
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode()[-2000:] for o in outs]
    assert fake_wechat.tokens_issued == 1
    sends = fake_wechat.calls_to(TEMPLATE)
    assert len(sends) == 50 and {c.query["access_token"] for c in sends} == {"tok-1"}
    assert len({c.body["client_msg_id"] for c in sends}) == 50
    subprocess.run(["redis-cli", "-u", f"{dbs.REDIS}/{REDIS_DB}", "DEL", f"{prefix}:token:{{mp:wxtest0000000001}}"],
                   capture_output=True, check=False)


async def _burst(argv: list[str]) -> None:
    """Subprocess side: wait for the shared start time, then send n template messages at once."""
    fake_url, redis_url, prefix, n_s, start_at_s, tag = argv
    n, start_at = int(n_s), float(start_at_s)
    redis = aioredis.from_url(redis_url, decode_responses=True)
    # all n sends start at once (the token race is in Redis); the pool spares the fake's small backlog
    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=8)) as http:
        gw = gateway(fake_url, redis, Keys(prefix), http)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        await asyncio.gather(*[send(gw, f"{tag}-{i}") for i in range(n)])
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(_burst(sys.argv[1:7]))
