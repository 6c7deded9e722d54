"""Redis accelerator for help-split: refuse the hopeless without touching the database.

Only facts that never become false again are cached: a packet's immutable facts (owner, amount,
expire_time), that it is terminal, that a helper helped it, that a helper's day count reached n.
A cached refusal is therefore always right; a missing key only means "ask the database". Any
Redis failure degrades to the database path — Redis may be flushed or restarted at any moment.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from bot.keys import PACKET_INFO_GRACE_S, TERMINAL_TTL_S, Keys
from handlers.helpsplit import HelpOutcome
from models.redpacket import RedPacket
from models.redpacket_rules import HelpRules, next_local_midnight

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PacketFacts:
    """What never changes about a packet once issued."""

    id: int
    owner_id: int
    amount: int
    expire_time: dt.datetime
    token: str


class HelpCache:
    def __init__(self, redis: Any, keys: Keys, rules: HelpRules, tz: dt.tzinfo):
        self.redis, self.keys, self.rules, self.tz = redis, keys, rules, tz

    @staticmethod
    def _facts(token: str, h: dict[str, str]) -> PacketFacts:
        return PacketFacts(int(h["id"]), int(h["owner"]), int(h["amount"]),
                           dt.datetime.fromtimestamp(float(h["exp"]), dt.UTC), token)

    async def _facts_from_db(self, token: str) -> PacketFacts | None:
        row = await RedPacket.filter(share_token=token).values("id", "owner_id", "amount_fen", "expire_time")
        if not row:
            return None
        r = row[0]
        facts = PacketFacts(int(r["id"]), int(r["owner_id"]), int(r["amount_fen"]), r["expire_time"], token)
        await self._store_facts(facts)
        return facts

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

    async def precheck(self, token: str, helper_id: int, now: dt.datetime,
                       day: dt.date) -> tuple[PacketFacts | None, str | None]:
        """The packet's facts and a refusal known without the database, in one Redis round trip.

        Returns (None, "not_found") for an unknown token and (facts, None) when only the database
        can decide. Terminal states first (a split-out packet stays split out after its expiry),
        then expiry, self-help and the cached helped / daily-count facts — SPEC §1.3's order.
        """
        k = self.keys
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hgetall(k.packet_info(token))
                pipe.get(k.packet_terminal(token))
                pipe.sismember(k.packet_helpers(token), str(helper_id))
                pipe.get(k.helps_today(helper_id, day))
                info, terminal, helped, n_day = await pipe.execute()
        except RedisError as e:
            log.warning("redis unavailable for help checks: %s", e)
            info, terminal, helped, n_day = None, None, None, None
        facts = self._facts(token, info) if info else await self._facts_from_db(token)
        if facts is None:
            return None, "not_found"
        if terminal:
            return facts, str(terminal)
        if now >= facts.expire_time:
            return facts, "expired"
        if helper_id == facts.owner_id:
            return facts, "self_help"
        if helped:
            return facts, "already_helped"
        n = int(n_day or 0)
        if n >= self.rules.daily_help_limit:
            return facts, "daily_limit"
        if n and await self._owner_count(helper_id, facts.owner_id, day) >= self.rules.daily_same_owner_limit:
            return facts, "daily_same_owner_limit"
        return facts, None

    async def _owner_count(self, helper_id: int, owner_id: int, day: dt.date) -> int:
        try:
            return int(await self.redis.get(self.keys.helps_for_owner_today(helper_id, owner_id, day)) or 0)
        except RedisError:
            return 0

    async def remember(self, attempts_outcomes: list[tuple[int, HelpOutcome]], now: dt.datetime) -> None:
        """After commit: cache what the database just established (never before it)."""
        midnight = int(next_local_midnight(now, self.tz).timestamp()) + 60
        tokens = {o.token for _h, o in attempts_outcomes if o.token}
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for helper_id, o in attempts_outcomes:
                    self._remember_one(pipe, helper_id, o, midnight)
                for token in tokens:
                    pipe.expire(self.keys.packet_helpers(token), TERMINAL_TTL_S)
                await pipe.execute()
        except RedisError as e:
            log.warning("redis unavailable, help facts not cached: %s", e)

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
            if self.rules.daily_same_owner_limit < self.rules.daily_help_limit:  # else never consulted
                pipe.set(k.helps_for_owner_today(helper_id, o.owner_id, o.day), o.helps_for_owner_today,
                         exat=midnight)

    async def mark_terminal(self, token: str, status_wire: str) -> None:
        try:
            await self.redis.set(self.keys.packet_terminal(token), status_wire, ex=TERMINAL_TTL_S)
        except RedisError as e:
            log.warning("redis unavailable, terminal state not cached: %s", e)
