"""Redis accelerator for help-split: refuse the hopeless without touching the database.

Only facts that never become false again are cached: a packet's immutable facts (owner, amount,
expire_time), that it is terminal, that a helper helped it, that a helper's day count reached n.
A cached refusal is therefore always right; a missing key only means "ask the database". Any
Redis failure degrades to the database path — Redis may be flushed or restarted at any moment.

Screening is batched like the commits (`HelpScreen`, a bot/infra/batching.py GroupCommitter): the help
requests that arrive together are checked in ONE round trip — packet facts and terminal state once
per distinct packet, helped/day-count per request, and the help route's rate limits
(bot/infra/ratelimit.py counters, per client IP and per user) — instead of one pipeline per request plus
one Lua call per rate rule. Profiled on the hot packet, the per-request Redis calls were about 40%
of a worker's CPU (redis-py's fixed cost per pipeline, not Redis itself). On one Redis server that
round trip, and the writes after commit, are one script call each (handlers/redpacket/scripts.py); on a
Redis Cluster, non-transactional pipelines.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from redis.exceptions import RedisError

from bot.infra.cache import is_cluster_client
from bot.infra.ratelimit import RateLimiter
from bot.keys import PACKET_INFO_GRACE_S, TERMINAL_TTL_S, Keys
from bot.settings import Limit, Settings
from handlers.redpacket.commit import HelpOutcome
from handlers.redpacket.scripts import REMEMBER_LUA, SCREEN_LUA, RememberWrites, as_pipeline_replies, screen_call
from models.redpacket import RedPacket
from models.redpacket_rules import HelpRules, local_day, next_local_midnight

log = logging.getLogger(__name__)
OWNER_COUNT_NEEDED = "?owner"  # internal: the same-owner count decides (HelpCache._owner_limits)


@dataclass(frozen=True)
class PacketFacts:
    """What never changes about a packet once issued."""

    id: int
    owner_id: int
    amount: int
    expire_time: dt.datetime
    token: str


@dataclass(frozen=True)
class HelpAsk:
    """One help request to screen: the share token, the helper, and the client IP (rate limits)."""

    token: str
    helper_id: int
    ip: str | None = None
    rules: HelpRules | None = None  # the request's live-settings rules (None: the cache's own)


@dataclass(frozen=True)
class Screened:
    """The packet's facts (None: no such packet) and the refusal known without the database."""

    facts: PacketFacts | None
    code: str | None
    retry_after_s: int = 0  # with code "rate_limited"


def help_rules(s: Settings) -> HelpRules:
    rp = s.redpacket
    return HelpRules(rp.old_user_range, rp.new_user_range, rp.daily_help_limit, rp.daily_same_owner_limit)


class HelpCache:
    def __init__(self, redis: Any, keys: Keys, rules: HelpRules, tz: ZoneInfo,
                 limiter: RateLimiter | None = None, *, one_script: bool | None = None) -> None:
        """`one_script`: a batch's reads, and its writes after commit, as one script call each
        (handlers/redpacket/scripts.py; default: unless `redis` is a Redis Cluster) — else pipelines."""
        self.redis, self.keys, self.rules, self.tz, self.limiter = redis, keys, rules, tz, limiter
        self.scripts = not is_cluster_client(redis) if one_script is None else one_script
        if self.scripts:
            self._screen_script = redis.register_script(SCREEN_LUA)
            self._remember_script = redis.register_script(REMEMBER_LUA)

    @staticmethod
    def _facts(token: str, h: dict[str, str]) -> PacketFacts:
        return PacketFacts(int(h["id"]), int(h["owner"]), int(h["amount"]),
                           dt.datetime.fromtimestamp(float(h["exp"]), dt.UTC), token)

    async def _facts_from_db(self, tokens: list[str]) -> dict[str, PacketFacts]:
        rows = await RedPacket.filter(share_token__in=tokens).values(
            "id", "owner_id", "amount_fen", "expire_time", "share_token")
        found = {r["share_token"]: PacketFacts(int(r["id"]), int(r["owner_id"]), int(r["amount_fen"]),
                                               r["expire_time"], r["share_token"]) for r in rows}
        for facts in found.values():
            await self._store_facts(facts)
        return found

    async def _store_facts(self, f: PacketFacts) -> None:
        key = self.keys.packet_info(f.token)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hset(key, mapping={"id": f.id, "owner": f.owner_id, "amount": f.amount,
                                        "exp": f.expire_time.timestamp()})
                pipe.expireat(key, int(f.expire_time.timestamp()) + PACKET_INFO_GRACE_S)
                await pipe.execute()
        except RedisError as e:
            log.warning("redis unavailable, packet facts not cached: %s", e)

    async def precheck(self, token: str, helper_id: int, now: dt.datetime) -> tuple[PacketFacts | None, str | None]:
        """One request's screen: (facts, refusal); (None, "not_found") for an unknown token."""
        s = (await self.screen([HelpAsk(token, helper_id)], now))[0]
        return s.facts, s.code

    async def screen(self, asks: list[HelpAsk], now: dt.datetime) -> list[Screened]:
        """Every ask's facts and the refusal known without the database, in one Redis round trip
        (plus one for same-owner counts, only when some helper already helped today).

        Order per ask: its rate limits, unknown token, then SPEC §1.3's order — terminal states
        first (a split-out packet stays split out after its expiry), expiry, self-help, the cached
        helped / daily-count facts. Redis failing: no refusal from Redis, limits fail open."""
        day = local_day(now, self.tz)
        tokens = list(dict.fromkeys(a.token for a in asks))
        plans = [self.limiter.plan("help", a.ip, str(a.helper_id)) if self.limiter else [] for a in asks]
        replies = await self._read(tokens, asks, plans, day)
        if replies is None:
            packets: dict[str, tuple[dict[str, str], Any]] = {}
            per_ask: list[tuple[Any, Any, list[Any]]] = [(None, None, [])] * len(asks)
        else:
            packets = {t: (replies[2 * i], replies[2 * i + 1]) for i, t in enumerate(tokens)}
            rest = replies[2 * len(tokens):]
            per_ask, at = [], 0
            for plan in plans:
                per_ask.append((rest[at], rest[at + 1], rest[at + 2:at + 2 + len(plan)]))
                at += 2 + len(plan)
        known = {t: self._facts(t, info) for t, (info, _term) in packets.items() if info}
        missing = [t for t in tokens if t not in known]
        if missing:
            known.update(await self._facts_from_db(missing))
        out = [self._decide(a, known.get(a.token), packets.get(a.token, (None, None))[1], helped, n_day,
                            plan, counts, now)
               for a, plan, (helped, n_day, counts) in zip(asks, plans, per_ask, strict=True)]
        return await self._owner_limits(asks, out, day)

    async def _read(self, tokens: list[str], asks: list[HelpAsk], plans: list[list[tuple[str, Limit]]],
                    day: dt.date) -> list[Any] | None:
        k = self.keys
        try:
            if self.scripts:
                keys, args = screen_call([(k.packet_info(t), k.packet_terminal(t)) for t in tokens], [
                    (k.packet_helpers(a.token), k.helps_today(a.helper_id, day), str(a.helper_id), plan)
                    for a, plan in zip(asks, plans, strict=True)])
                return as_pipeline_replies(await self._screen_script(keys=keys, args=args), len(tokens))
            async with self.redis.pipeline(transaction=False) as pipe:
                for t in tokens:
                    pipe.hgetall(k.packet_info(t))
                    pipe.get(k.packet_terminal(t))
                for a, plan in zip(asks, plans, strict=True):
                    pipe.sismember(k.packet_helpers(a.token), str(a.helper_id))
                    pipe.get(k.helps_today(a.helper_id, day))
                    RateLimiter.queue(pipe, plan)
                return list(await pipe.execute())
        except RedisError as e:
            log.warning("redis unavailable for help checks: %s", e)
            if self.limiter and any(plans):
                self.limiter.failed(e)
            return None

    def _decide(self, a: HelpAsk, facts: PacketFacts | None, terminal: Any, helped: Any, n_day: Any,
                plan: list[tuple[str, Limit]], counts: list[Any], now: dt.datetime) -> Screened:
        if plan and counts:
            verdict = RateLimiter.verdict_from(plan, counts)
            if not verdict.allowed:
                return Screened(facts, "rate_limited", verdict.retry_after_s)
        if facts is None:
            return Screened(None, "not_found")
        code = None
        if terminal:
            code = terminal.decode() if isinstance(terminal, bytes) else str(terminal)
        elif now >= facts.expire_time:
            code = "expired"
        elif a.helper_id == facts.owner_id:
            code = "self_help"
        elif helped:
            code = "already_helped"
        elif int(n_day or 0) >= (rules := a.rules or self.rules).daily_help_limit:
            code = "daily_limit"
        elif int(n_day or 0) and rules.daily_same_owner_limit < rules.daily_help_limit:
            code = OWNER_COUNT_NEEDED
        return Screened(facts, code)

    async def _owner_limits(self, asks: list[HelpAsk], out: list[Screened], day: dt.date) -> list[Screened]:
        """Settle the asks whose helper helped today already: over the same-owner limit or not."""
        todo = [i for i, s in enumerate(out) if s.code == OWNER_COUNT_NEEDED]
        if not todo:
            return out
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for i in todo:
                    f = out[i].facts
                    assert f is not None
                    pipe.get(self.keys.helps_for_owner_today(asks[i].helper_id, f.owner_id, day))
                counts = list(await pipe.execute())
        except RedisError:
            counts = [0] * len(todo)
        for i, n in zip(todo, counts, strict=True):
            over = int(n or 0) >= (asks[i].rules or self.rules).daily_same_owner_limit
            out[i] = Screened(out[i].facts, "daily_same_owner_limit" if over else None)
        return out

    async def remember(self, attempts_outcomes: list[tuple[int, HelpOutcome]], now: dt.datetime) -> None:
        """After commit: cache what the database just established (never before it)."""
        midnight = int(next_local_midnight(now, self.tz).timestamp()) + 60
        tokens = {o.token for _h, o in attempts_outcomes if o.token}
        try:
            if self.scripts:
                writes = RememberWrites()
                self._queue_remembered(writes, attempts_outcomes, tokens, midnight)
                if writes.keys:
                    await self._remember_script(keys=writes.keys, args=writes.args)
                return
            async with self.redis.pipeline(transaction=False) as pipe:
                self._queue_remembered(pipe, attempts_outcomes, tokens, midnight)
                await pipe.execute()
        except RedisError as e:
            log.warning("redis unavailable, help facts not cached: %s", e)

    def _queue_remembered(self, pipe: Any, attempts_outcomes: list[tuple[int, HelpOutcome]], tokens: set[str],
                          midnight: int) -> None:
        for helper_id, o in attempts_outcomes:
            self._remember_one(pipe, helper_id, o, midnight)
        for token in tokens:
            pipe.expire(self.keys.packet_helpers(token), TERMINAL_TTL_S)

    def _remember_one(self, pipe: Any, helper_id: int, o: HelpOutcome, midnight: int) -> None:
        if not o.token or o.day is None:
            return
        k = self.keys
        terminal = o.status.wire if o.error is None and o.last else None
        if o.error in ("split_out", "expired", "invalid"):
            terminal = o.error
        if terminal:
            pipe.set(k.packet_terminal(o.token), terminal, ex=TERMINAL_TTL_S)
        if o.error in (None, "already_helped"):
            pipe.sadd(k.packet_helpers(o.token), str(helper_id))
        if o.error in (None, "daily_limit", "daily_same_owner_limit"):
            # SET with EXAT: value and expiry land together; a counter never outlives its day
            pipe.set(k.helps_today(helper_id, o.day), o.helps_today, exat=midnight)
            rules = o.rules or self.rules
            if rules.daily_same_owner_limit < rules.daily_help_limit:  # else never consulted (under these rules)
                pipe.set(k.helps_for_owner_today(helper_id, o.owner_id, o.day), o.helps_for_owner_today,
                         exat=midnight)

    async def mark_terminal(self, token: str, status_wire: str) -> None:
        try:
            await self.redis.set(self.keys.packet_terminal(token), status_wire, ex=TERMINAL_TTL_S)
        except RedisError as e:
            log.warning("redis unavailable, terminal state not cached: %s", e)



def help_cache_of(ctx: Any) -> HelpCache:
    """The process's help cache: the app's (made by the feature's `start`), or, in `main.py worker`
    (which screens no helps but marks packets terminal), one made on first use."""
    cache = getattr(ctx, "help_cache", None)
    if cache is None:
        cache = ctx.help_cache = HelpCache(ctx.redis, ctx.keys, help_rules(ctx.settings), ctx.settings.campaign.tz)
    return cache
