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
from bot.ratelimit import (
    REDIS_FAILURES,
    WINDOW_FN_LUA,
    RateLimiter,
    Verdict,
    verdict_of,
)
from bot.settings import Limit

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
Plans = tuple[list[tuple[str, Limit]], list[tuple[str, Limit]]]  # a delivery's (per-IP, per-sender) counters
Counted = tuple[list[tuple[int, int, int]], list[tuple[int, int, int]], bool]  # their hits (bot.ratelimit.verdict_of), claimed


def _hits(plan: list[tuple[str, Limit]], replies: list[Any]) -> list[tuple[int, int, int]]:
    """(count, ms left, limit) per counter, from a pipeline's window-script replies."""
    return [(int(r[0]), int(r[1]), rule.limit) for (_k, rule), r in zip(plan, replies, strict=True)]


class Admitter:
    """Builds and reads the batch's pipeline."""

    def __init__(self, redis: Any, limiter: RateLimiter, *, one_script: bool | None = None):
        """`one_script`: a batch in one script call (default: unless `redis` is a Redis Cluster)."""
        self.redis, self.limiter = redis, limiter
        self.cluster = not one_script if one_script is not None else is_cluster_client(redis)
        self._admit = None if self.cluster else redis.register_script(ADMIT_LUA)

    async def _pipeline(self, batch: list[Delivery], plans: list[Plans]) -> list[Counted]:
        """Per delivery: its IP's and sender's counts, then its claim."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for d, (per_ip, per_sender) in zip(batch, plans, strict=True):
                self.limiter.queue(pipe, per_ip)
                self.limiter.queue(pipe, per_sender)
                pipe.set(d.key, "1", nx=True, ex=CALLBACK_DEDUPE_TTL_S)
            replies = list(await pipe.execute())
        out, at = [], 0
        for per_ip, per_sender in plans:
            n_ip, n_sender = len(per_ip), len(per_sender)
            out.append((_hits(per_ip, replies[at:at + n_ip]), _hits(per_sender, replies[at + n_ip:at + n_ip + n_sender]),
                        bool(replies[at + n_ip + n_sender])))
            at += n_ip + n_sender + 1
        return out

    async def _script(self, batch: list[Delivery], plans: list[Plans]) -> list[Counted]:
        """The same counts and claims in one script call. A counter that several deliveries hit
        (WeChat's servers are a few IPs) is counted once by their number; each delivery's count is
        recovered in batch order, as if counted alone."""
        hits: dict[str, list[Any]] = {}  # counter key -> [rule, deliveries hitting it]
        for per_ip, per_sender in plans:
            for key, rule in (*per_ip, *per_sender):
                hits.setdefault(key, [rule, 0])[1] += 1
        keys = list(hits)
        flat = await self._admit(keys=keys + [d.key for d in batch],  # type: ignore[misc]
                                 args=[len(keys), CALLBACK_DEDUPE_TTL_S,
                                       *[x for k in keys for x in (hits[k][0].window_s * 1000, hits[k][1])]])
        # per counter: [count before this batch's hits, ms left]; each delivery adds its one hit
        counted = {k: [int(flat[2 * i]) - hits[k][1], int(flat[2 * i + 1])] for i, k in enumerate(keys)}

        def each(plan: list[tuple[str, Limit]]) -> list[tuple[int, int, int]]:
            out = []
            for key, rule in plan:
                c = counted[key]
                c[0] += 1
                out.append((c[0], c[1], rule.limit))
            return out

        claims = 2 * len(keys)
        return [(each(per_ip), each(per_sender), bool(flat[claims + i])) for i, (per_ip, per_sender) in enumerate(plans)]

    async def admit(self, batch: list[Delivery], _now: dt.datetime) -> list[Admission]:
        by_ip: dict[str | None, list[tuple[str, Limit]]] = {}  # a batch's deliveries share a few IPs
        plans = []
        for d in batch:
            per_ip = by_ip.get(d.ip)
            if per_ip is None:
                per_ip = by_ip[d.ip] = self.limiter.plan(GROUP, d.ip, None)
            plans.append((per_ip, self.limiter.plan(GROUP, None, d.sender)))
        try:
            counted = await (self._pipeline if self.cluster else self._script)(batch, plans)
        except REDIS_FAILURES as e:
            log.warning("callback limits and dedupe skipped, redis unavailable: %s", e)
            if any(a or b for a, b in plans):
                self.limiter.failed(e)
            return [ADMITTED] * len(batch)
        out, release = [], []
        for d, (ip_hits, sender_hits, claimed) in zip(batch, counted, strict=True):
            admission = self._decide(verdict_of(ip_hits), verdict_of(sender_hits), claimed)
            if claimed and admission.status != HANDLE:
                release.append(d.key)  # not handled: a later retry of it may be
            out.append(admission)
        if release:
            await self._release(release)
        return out

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
