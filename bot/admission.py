"""Callback admission: the rate limits and the once-per-delivery claim of WeChat/WeCom messages,
batched — the deliveries that arrive together are admitted in ONE Redis pipeline.

For each delivery the batch counts the client IP's and the sender's window (bot/ratelimit.py)
and claims the delivery's dedupe key (`SET NX EX`). Profiled under load, one pipeline per message
plus the per-IP count on the routing signal were ~25% of a worker's CPU: redis-py's fixed cost per
round trip, not Redis itself. A batch pays it once (`CallbackAdmission`, a bot/batching.py
GroupCommitter; nothing here writes to the database, so there is nothing to bisect). On one Redis
server the batch is ONE script call (ADMIT_LUA: every count and claim, in the pipeline's order):
redis-py packs and parses one command instead of three per message, and Redis hashes no script
text per message (EVAL). A Redis Cluster keeps the pipeline: a batch's keys sit in many slots.

Verdicts, in this order: over the per-IP limit → 429 (`ip_limited`); over the sender's limit →
answered `success` and not handled (`sender_limited`: an HTTP error would only make WeChat retry
the same message three more times); a claim already taken → `duplicate`, answered `success`.
A refused delivery gives its claim back, so a later retry of it may be handled. The per-IP count
happens after the signature check: a forged request is refused for its signature, which costs
less than counting it. Redis down or failing: every delivery is handled (limits fail open, no
dedupe) — every handler is idempotent, and refusing service would be worse than a double answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from bot.batching import GroupCommitter
from bot.cache import is_cluster_client
from bot.keys import CALLBACK_DEDUPE_TTL_S
from bot.ratelimit import ALLOW, REDIS_FAILURES, WINDOW_FN_LUA, RateLimiter, Verdict

log = logging.getLogger(__name__)
GROUP = "callbacks"
HANDLE, DUPLICATE, SENDER_LIMITED, IP_LIMITED = "handle", "duplicate", "sender_limited", "ip_limited"
# KEYS: ARGV[1] window counters, then the dedupe keys; ARGV[2] the claims' ttl s, ARGV[3…] each
# counter's window ms and its number of hits. -> {count after its hits, ms left} per counter, then
# 1 (claimed) / 0 per dedupe key.
ADMIT_LUA = WINDOW_FN_LUA + """
local counters, out = tonumber(ARGV[1]), {}
for i = 1, counters do
  local n, ttl = window(KEYS[i], ARGV[1 + 2 * i], ARGV[2 + 2 * i])
  out[#out + 1] = n
  out[#out + 1] = ttl
end
for i = counters + 1, #KEYS do
  out[#out + 1] = redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[2]) and 1 or 0
end
return out
"""


@dataclass(frozen=True)
class Delivery:
    """One callback delivery to admit: its dedupe key, the client IP and the sender (openid/userid)."""

    key: str
    ip: str | None
    sender: str


@dataclass(frozen=True)
class Admission:
    status: str
    retry_after_s: int = 0  # with IP_LIMITED


ADMITTED = Admission(HANDLE)


class Admitter:
    """Builds and reads the batch's pipeline."""

    def __init__(self, redis: Any, limiter: RateLimiter, *, one_script: bool | None = None):
        """`one_script`: a batch in one script call (default: unless `redis` is a Redis Cluster)."""
        self.redis, self.limiter = redis, limiter
        self.cluster = not one_script if one_script is not None else is_cluster_client(redis)
        self._admit = None if self.cluster else redis.register_script(ADMIT_LUA)

    async def _pipeline(self, batch: list[Delivery], plans: list[tuple[list[Any], list[Any]]]) -> list[Any]:
        """Per delivery: its IP's and sender's counts, then its claim."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for d, (per_ip, per_sender) in zip(batch, plans, strict=True):
                self.limiter.queue(pipe, per_ip)
                self.limiter.queue(pipe, per_sender)
                pipe.set(d.key, "1", nx=True, ex=CALLBACK_DEDUPE_TTL_S)
            return list(await pipe.execute())

    async def _script(self, batch: list[Delivery], plans: list[tuple[list[Any], list[Any]]]) -> list[Any]:
        """The same counts and claims in one script call, its replies laid out as `_pipeline`'s. A
        counter that several deliveries hit (WeChat's servers are a few IPs) is counted once by
        their number; each delivery's count is recovered in batch order, as if counted alone."""
        hits: dict[str, list[Any]] = {}  # counter key -> [rule, deliveries hitting it]
        for per_ip, per_sender in plans:
            for key, rule in (*per_ip, *per_sender):
                hits.setdefault(key, [rule, 0])[1] += 1
        keys = list(hits)
        flat = await self._admit(keys=keys + [d.key for d in batch],  # type: ignore[misc]
                                 args=[len(keys), CALLBACK_DEDUPE_TTL_S,
                                       *[x for k in keys for x in (hits[k][0].window_s * 1000, hits[k][1])]])
        counted = {k: [int(flat[2 * i]) - hits[k][1], flat[2 * i + 1]] for i, k in enumerate(keys)}
        replies: list[Any] = []
        claims = 2 * len(keys)
        for i, (per_ip, per_sender) in enumerate(plans):
            for key, _rule in (*per_ip, *per_sender):
                counted[key][0] += 1  # this delivery's count: the one before it, plus one
                replies.append(list(counted[key]))
            replies.append(flat[claims + i])
        return replies

    async def admit(self, batch: list[Delivery], _now: dt.datetime) -> list[Admission]:
        plans = [(self.limiter.plan(GROUP, d.ip, None), self.limiter.plan(GROUP, None, d.sender)) for d in batch]
        try:
            replies = await (self._pipeline if self.cluster else self._script)(batch, plans)
        except REDIS_FAILURES as e:
            log.warning("callback limits and dedupe skipped, redis unavailable: %s", e)
            if any(a or b for a, b in plans):
                self.limiter.failed(e)
            return [ADMITTED] * len(batch)
        out, release, at = [], [], 0
        for d, (per_ip, per_sender) in zip(batch, plans, strict=True):
            by_ip = self._verdict(per_ip, replies, at)
            by_sender = self._verdict(per_sender, replies, at + len(per_ip))
            at += len(per_ip) + len(per_sender)
            claimed = bool(replies[at])
            at += 1
            admission = self._decide(by_ip, by_sender, claimed)
            if claimed and admission.status != HANDLE:
                release.append(d.key)  # not handled: a later retry of it may be
            out.append(admission)
        if release:
            await self._release(release)
        return out

    def _verdict(self, plan: list[Any], replies: list[Any], at: int) -> Verdict:
        return self.limiter.verdict_from(plan, replies[at:at + len(plan)]) if plan else ALLOW

    @staticmethod
    def _decide(by_ip: Verdict, by_sender: Verdict, claimed: bool) -> Admission:
        if not by_ip.allowed:
            return Admission(IP_LIMITED, by_ip.retry_after_s)
        if not by_sender.allowed:
            return Admission(SENDER_LIMITED)
        return ADMITTED if claimed else Admission(DUPLICATE)

    async def _release(self, keys: list[str]) -> None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.delete(key)  # one key per command: keys of a batch may sit in different cluster slots
                await pipe.execute()
        except REDIS_FAILURES as e:
            log.warning("could not release %d callback claims: %s", len(keys), e)

    async def release(self, key: str) -> None:
        """Give a claim back (its handler failed: WeChat's retry should run it again)."""
        await self._release([key])


class CallbackAdmission(GroupCommitter[Delivery, Admission]):
    """One admission pipeline per batch of deliveries, per worker process."""

    def __init__(self, admitter: Admitter, *, max_batch: int = 256):
        super().__init__("callback-admission", admitter.admit, (), lambda _d: ADMITTED, max_batch=max_batch)
        self.admitter = admitter
