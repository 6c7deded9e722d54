"""Callback admission (bot/wechat/admission.py) on the real Redis (db 4): the per-IP and per-sender
counts and the dedupe claims of a batch in one round trip — one script call on a Redis server, a
pipeline on a Redis Cluster, both run here with the same expectations — the verdict order, claims
given back when a delivery is refused, fail open when Redis is down, and batching under concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
import redis.asyncio as aioredis

from bot.infra.ratelimit import RateLimiter
from bot.keys import Keys
from bot.settings import RateLimitSettings
from bot.wechat.admission import (
    DUPLICATE,
    HANDLE,
    IP_LIMITED,
    REPLAYED,
    SENDER_LIMITED,
    Admitter,
    CallbackAdmission,
    Delivery,
)
from tests.support.service import free_port

REDIS_DB = 4
NOW = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)


def limiter(client: Any, keys: Keys, per_ip: int = 1000, per_user: int = 1000) -> RateLimiter:
    cfg = RateLimitSettings.model_validate({"exempt_networks": [], "callbacks": {
        "per_ip": {"limit": per_ip, "window_s": 30}, "per_user": {"limit": per_user, "window_s": 30}}})
    return RateLimiter(client, keys, cfg)


@pytest.fixture(params=[True, False], ids=["one-script", "pipeline"])
def one_script(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def delivery(keys: Keys, n: int, ip: str = "198.51.100.1", sender: str = "o-a", *, nonce: str | None = None,
             body: str | None = None) -> Delivery:
    """Message `n` as WeChat delivers it: a fresh (timestamp, nonce) unless `nonce` is given, its body's digest."""
    nonce_key = f"{keys.p}:nonce:wxmp:1764849600:{nonce or uuid.uuid4().hex}"
    return Delivery(keys.dedupe("wxmp", f"gh:{n}"), ip, sender, nonce_key, body or f"digest-of-message-{n}")


async def test_a_batch_claims_each_delivery_once(rl: tuple[Any, Keys], one_script: bool) -> None:
    client, keys = rl
    adm = Admitter(client, limiter(client, keys), one_script=one_script)
    first, again = delivery(keys, 1), delivery(keys, 1)
    got = await adm.admit([first, delivery(keys, 2), again], NOW)
    assert [a.status for a in got] == [HANDLE, HANDLE, DUPLICATE]  # the same delivery twice in one batch
    assert [a.status for a in await adm.admit([first], NOW)] == [DUPLICATE]  # and in a later one
    assert 0 < await client.ttl(first.key) <= 600


async def test_over_the_ip_limit_is_refused_first_and_gives_the_claim_back(rl: tuple[Any, Keys],
                                                                           one_script: bool) -> None:
    client, keys = rl
    adm = Admitter(client, limiter(client, keys, per_ip=2, per_user=1), one_script=one_script)
    got = await adm.admit([delivery(keys, i, sender=f"o-{i}") for i in range(3)], NOW)
    assert [a.status for a in got] == [HANDLE, HANDLE, IP_LIMITED]
    assert 1 <= got[2].retry_after_s <= 30
    assert await client.exists(delivery(keys, 2).key) == 0  # not handled: WeChat's retry may be
    other_ip = await adm.admit([delivery(keys, 3, ip="198.51.100.2", sender="o-3")], NOW)
    assert other_ip[0].status == HANDLE


async def test_a_counter_hit_by_many_deliveries_counts_each_in_order_and_keeps_its_window(
        rl: tuple[Any, Keys], one_script: bool) -> None:
    """One IP's deliveries in a batch (the script counts them with one INCRBY): each gets the count
    it would have had alone, the next batch goes on from there, the window is never extended."""
    client, keys = rl
    lim = limiter(client, keys, per_ip=5)
    adm = Admitter(client, lim, one_script=one_script)
    first = await adm.admit([delivery(keys, i, sender=f"o-{i}") for i in range(4)], NOW)
    assert [a.status for a in first] == [HANDLE] * 4
    [(ip_key, _rule)] = lim.plan("callbacks", "198.51.100.1", None)
    assert int(await client.get(ip_key)) == 4  # noqa: PLR2004
    ttl = await client.pttl(ip_key)
    assert 0 < ttl <= 30_000  # noqa: PLR2004
    second = await adm.admit([delivery(keys, i, sender=f"o-{i}") for i in range(4, 8)], NOW)
    assert [a.status for a in second] == [HANDLE, IP_LIMITED, IP_LIMITED, IP_LIMITED]
    assert int(await client.get(ip_key)) == 8 and 0 < await client.pttl(ip_key) <= ttl  # noqa: PLR2004


async def test_over_the_sender_limit_is_not_handled_and_gives_the_claim_back(rl: tuple[Any, Keys],
                                                                             one_script: bool) -> None:
    client, keys = rl
    adm = Admitter(client, limiter(client, keys, per_user=2), one_script=one_script)
    got = await adm.admit([delivery(keys, i) for i in range(3)] + [delivery(keys, 9, sender="o-b")], NOW)
    assert [a.status for a in got] == [HANDLE, HANDLE, SENDER_LIMITED, HANDLE]
    assert await client.exists(delivery(keys, 2).key) == 0
    assert await client.exists(delivery(keys, 1).key) == 1


async def test_redis_down_handles_everything(one_script: bool) -> None:
    down = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/{REDIS_DB}", decode_responses=True)
    keys = Keys("x")
    adm = Admitter(down, limiter(down, keys, per_ip=1, per_user=1), one_script=one_script)
    got = await adm.admit([delivery(keys, 1), delivery(keys, 1)], NOW)
    assert [a.status for a in got] == [HANDLE, HANDLE]
    reused = await adm.admit([delivery(keys, 2, nonce="n"), delivery(keys, 3, nonce="n")], NOW)
    assert [a.status for a in reused] == [HANDLE, HANDLE]  # fail open: no nonce memory either
    await down.aclose()


async def test_concurrent_deliveries_share_pipelines(rl: tuple[Any, Keys], one_script: bool) -> None:
    client, keys = rl
    admission = CallbackAdmission(Admitter(client, limiter(client, keys), one_script=one_script))
    admission.start()
    try:
        items = [delivery(keys, i, sender=f"o-{i % 7}") for i in range(200)] + [delivery(keys, 5)]
        got = await asyncio.gather(*[admission.submit(d) for d in items])
    finally:
        await admission.stop()
    assert [a.status for a in got].count(HANDLE) == 200 and got[-1].status == DUPLICATE  # noqa: PLR2004
    assert admission.requests == 201 and admission.batches < 20  # noqa: PLR2004 - far fewer round trips


async def test_a_used_nonce_with_another_body_is_refused_and_claims_nothing(rl: tuple[Any, Keys],
                                                                           one_script: bool) -> None:
    """Attack: one leaked (timestamp, nonce, signature) reused with other bodies — in plain mode the
    signature does not cover the body — inside the 5-minute window. The second body under a used
    pair is refused (`replayed`) and claims no delivery; the same body again is a retry and goes to
    the delivery claim like any retry (`duplicate` once handled)."""
    client, keys = rl
    adm = Admitter(client, limiter(client, keys), one_script=one_script)
    first, forged = delivery(keys, 1, nonce="leaked"), delivery(keys, 2, nonce="leaked", sender="o-victim")
    got = await adm.admit([first, forged], NOW)
    assert [a.status for a in got] == [HANDLE, REPLAYED]
    assert await client.exists(forged.key) == 0  # nothing claimed: message 2, really sent, is still handled
    later = await adm.admit([delivery(keys, 3, nonce="leaked"), delivery(keys, 1, nonce="leaked")], NOW)
    assert [a.status for a in later] == [REPLAYED, DUPLICATE]
    assert [a.status for a in await adm.admit([delivery(keys, 2)], NOW)] == [HANDLE]
    assert 600 <= await client.ttl(first.nonce_key) <= 605  # noqa: PLR2004 - the whole ±300 s window
