"""The batched help screen (handlers/redpacket/cache.py) on a real Redis and every database: many
requests in one round trip — one script call on a Redis server, a pipeline on a Redis Cluster, both
run here with the same expectations — each answered as if screened alone; what is remembered after
commit; Redis down degrades to the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.clock import utcnow
from bot.infra.ratelimit import RateLimiter
from bot.keys import TERMINAL_TTL_S, Keys
from bot.settings import RateLimitSettings
from handlers.redpacket.cache import HelpAsk, HelpCache, PacketFacts
from handlers.redpacket.commit import HelpOutcome
from handlers.redpacket.expiry import expire_overdue
from handlers.redpacket.orders import apply_order_event
from models.enums import PacketStatus
from models.redpacket_rules import HelpRules, local_day, next_local_midnight
from tests.support.config import make_settings
from tests.support.storage import RP, SH, event, issue, users

REDIS_DB = 12
# Redis expires cached packet facts at the packet's expiry + a day by the real clock: the packets of
# these tests are issued now (a fixed date stopped working once it was more than a day old).
NOW = utcnow().replace(microsecond=0)
RULES = HelpRules(RP.old_user_range, RP.new_user_range, 3, 1)  # same-owner limit below the daily one


@pytest.fixture(params=[True, False], ids=["one-script", "pipeline"])
def one_script(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def cache(redis: Any, keys: Keys, one_script: bool, **limits: Any) -> HelpCache:
    cfg = RateLimitSettings(exempt_networks=[], redis_timeout_s=5, **limits)
    return HelpCache(redis, keys, RULES, SH, RateLimiter(redis, keys, cfg), one_script=one_script)


async def test_one_batch_answers_each_request_as_if_alone(orm: str, scratch_redis: tuple[Any, Keys],
                  one_script: bool) -> None:
    redis, keys = scratch_redis
    hc = cache(redis, keys, one_script, help={"per_ip": {"limit": 100}, "per_user": {"limit": 1}})
    p, other = await issue(NOW), await issue(NOW)
    stranger, fresh, helped, busy, greedy, loyal, loyal2 = await users(7)
    day = local_day(NOW, SH)
    await redis.sadd(keys.packet_helpers(p.share_token), str(helped.id))
    await redis.set(keys.helps_today(busy.id, day), 3)
    for u in (loyal, loyal2):  # one help today each; `loyal`'s was for this packet's owner
        await redis.set(keys.helps_today(u.id, day), 1)
    await redis.set(keys.helps_for_owner_today(loyal.id, p.owner_id, day), 1)
    asks = [HelpAsk("no-such-token", stranger.id, "192.0.2.1"), HelpAsk(p.share_token, p.owner_id, "192.0.2.1"),
            HelpAsk(p.share_token, fresh.id, "192.0.2.1"), HelpAsk(p.share_token, helped.id, "192.0.2.2"),
            HelpAsk(p.share_token, busy.id, "192.0.2.3"), HelpAsk(p.share_token, greedy.id, "192.0.2.4"),
            HelpAsk(other.share_token, greedy.id, "192.0.2.4"),  # second request of the same user: over 1
            HelpAsk(p.share_token, loyal.id, None), HelpAsk(p.share_token, loyal2.id, None)]
    out = await hc.screen(asks, NOW)
    assert [s.code for s in out] == ["not_found", "self_help", None, "already_helped", "daily_limit", None,
                                     "rate_limited", "daily_same_owner_limit", None]
    assert out[6].retry_after_s >= 1
    assert out[2].facts == PacketFacts(p.id, p.owner_id, p.amount_fen, p.expire_time, p.share_token)
    assert await redis.exists(keys.packet_info(p.share_token))  # read from the database once, then cached
    again = await hc.screen([HelpAsk(p.share_token, fresh.id, None)], NOW)
    assert again[0].facts == out[2].facts


async def test_terminal_and_expired_packets(orm: str, scratch_redis: tuple[Any, Keys],
                  one_script: bool) -> None:
    redis, keys = scratch_redis
    hc = cache(redis, keys, one_script)
    p, q = await issue(NOW), await issue(NOW)
    (u,) = await users(1)
    await hc.mark_terminal(p.share_token, "split_out")
    late = p.expire_time + dt.timedelta(seconds=1)
    out = await hc.screen([HelpAsk(p.share_token, u.id), HelpAsk(q.share_token, u.id)], late)
    assert [s.code for s in out] == ["split_out", "expired"]  # split out stays split out after its expiry


async def test_a_refund_and_the_sweep_mark_the_packet_terminal(orm: str, scratch_redis: tuple[Any, Keys]) -> None:
    # apply_order_event (webhook and AMQP consumer) and expire_overdue (sweeper and demo) are the
    # only places that tell the cache a packet became terminal: the next ask is refused from Redis
    redis, keys = scratch_redis
    hc = cache(redis, keys, True)
    s = make_settings()
    refunded, overdue = await issue(NOW), await issue(NOW)
    refund = event(type="refunded", order_no=(await refunded.order).order_no)
    assert (await apply_order_event(refund, s, hc, NOW)).invalidated_token == refunded.share_token
    assert await redis.get(keys.packet_terminal(refunded.share_token)) in ("invalid", b"invalid")
    assert await expire_overdue(hc, overdue.expire_time) == [overdue.share_token]
    assert await redis.get(keys.packet_terminal(overdue.share_token)) in ("expired", b"expired")
    (u,) = await users(1)
    out = await hc.screen([HelpAsk(refunded.share_token, u.id), HelpAsk(overdue.share_token, u.id)], NOW)
    assert [a.code for a in out] == ["invalid", "expired"]


async def test_remembered_outcomes_refuse_the_next_batch(orm: str, scratch_redis: tuple[Any, Keys],
                  one_script: bool) -> None:
    redis, keys = scratch_redis
    hc = cache(redis, keys, one_script)
    p = await issue(NOW)
    a, b = await users(2)
    day = local_day(NOW, SH)
    done = HelpOutcome(amount=30, remaining=100, status=PacketStatus.SPLITTING, packet_id=p.id, owner_id=p.owner_id,
                       token=p.share_token, day=day, helps_today=1, helps_for_owner_today=1)
    last = HelpOutcome(amount=100, remaining=0, status=PacketStatus.SPLIT_OUT, last=True, packet_id=p.id,
                       owner_id=p.owner_id, token=p.share_token, day=day, helps_today=2, helps_for_owner_today=1)
    await hc.remember([(a.id, done)], NOW)
    out = await hc.screen([HelpAsk(p.share_token, a.id), HelpAsk(p.share_token, b.id)], NOW)
    assert [s.code for s in out] == ["already_helped", None]
    midnight = next_local_midnight(NOW, SH).timestamp() + 60
    assert await redis.get(keys.helps_today(a.id, day)) == "1"
    assert await redis.get(keys.helps_for_owner_today(a.id, p.owner_id, day)) == "1"
    assert abs(await redis.expiretime(keys.helps_today(a.id, day)) - midnight) <= 1  # gone with the local day
    assert 0 < await redis.ttl(keys.packet_helpers(p.share_token)) <= TERMINAL_TTL_S
    await hc.remember([(b.id, last)], NOW)
    assert await redis.get(keys.packet_terminal(p.share_token)) == "split_out"
    assert [s.code for s in await hc.screen([HelpAsk(p.share_token, a.id)], NOW)] == ["split_out"]


async def test_redis_down_leaves_every_decision_to_the_database(orm: str, one_script: bool) -> None:
    import redis.asyncio as aioredis

    from tests.support.service import free_port

    dead = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/0", decode_responses=True, socket_connect_timeout=1)
    hc = cache(dead, Keys("down"), one_script, help={"per_ip": {"limit": 1}, "per_user": {"limit": 1}})
    p = await issue(NOW)
    (u,) = await users(1)
    out = await hc.screen([HelpAsk(p.share_token, u.id, "192.0.2.9")] * 3 + [HelpAsk("nope", u.id, None)], NOW)
    assert [s.code for s in out] == [None, None, None, "not_found"]  # limits fail open; facts from the database
    assert out[0].facts is not None and out[0].facts.id == p.id
    await dead.aclose()


def test_terminal_marking_is_written_once_per_use_case() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    callers = sorted(p.relative_to(root).as_posix() for d in ("bot", "handlers") for p in (root / d).rglob("*.py")
                     if ".mark_terminal(" in p.read_text(encoding="utf-8"))
    assert set(callers) == {"handlers/redpacket/orders.py", "handlers/redpacket/expiry.py"}
