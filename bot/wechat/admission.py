"""Callback admission: the rate limits and the once-per-delivery claim of WeChat/WeCom messages,
batched — the deliveries that arrive together are admitted in ONE Redis pipeline.

For each delivery the batch counts the client IP's and the sender's window (bot/infra/ratelimit.py),
records its request's (timestamp, nonce) → body digest (`SET NX GET EX`, bot/wechat/callback_guard.py)
and claims the delivery's dedupe key (`SET NX EX`). Profiled under load, one pipeline per message
plus the per-IP count on the routing signal were ~25% of a worker's CPU: redis-py's fixed cost per
round trip, not Redis itself. A batch pays it once (`CallbackAdmission`, a bot/infra/batching.py
GroupCommitter; nothing here writes to the database, so there is nothing to bisect). On one Redis
server the batch is ONE script call (ADMIT_LUA: every count and claim, in the pipeline's order):
redis-py packs and parses one command instead of three per message, and Redis hashes no script
text per message (EVAL). A Redis Cluster keeps the pipeline: a batch's keys sit in many slots.

Verdicts, in this order: a (timestamp, nonce) already used with another body → 403
(`replayed`, never claimed); over the per-IP limit → 429 (`ip_limited`); over the sender's limit →
answered `success` and not handled (`sender_limited`: an HTTP error would only make WeChat retry
the same message three more times); a claim already taken → `duplicate`, answered `success`.
A refused delivery gives its claim back, so a later retry of it may be handled. The per-IP count
happens after the signature check: a forged request is refused for its signature, which costs
less than counting it. Redis down or failing: every delivery is handled (fail open: no limits, no
dedupe, no nonce memory — a replay within the timestamp's window then gets through like a retry)
— every handler is idempotent, and refusing service would be worse than a double answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from bot.infra.batching import GroupCommitter
from bot.infra.cache import is_cluster_client
from bot.infra.ratelimit import (
    REDIS_FAILURES,
    WINDOW_FN_LUA,
    RateLimiter,
    Verdict,
    verdict_of,
)
from bot.keys import CALLBACK_DEDUPE_TTL_S
from bot.settings import Limit
from bot.wechat.callback_guard import NONCE_TTL_S

log = logging.getLogger(__name__)
GROUP = "callbacks"
HANDLE, DUPLICATE, SENDER_LIMITED, IP_LIMITED = "handle", "duplicate", "sender_limited", "ip_limited"
REPLAYED = "replayed"  # its (timestamp, nonce) came before with another body: refused 403
CLAIMED, SEEN, NONCE_REUSED = 1, 0, -1  # a delivery's claim, as the script answers it
# KEYS: the window counters, then the dedupe keys, then the nonce keys (one of each per delivery).
# ARGV[1] window counters, ARGV[2] the claims' ttl s, ARGV[3] the nonces' ttl s, ARGV[4…] each
# counter's window ms and its number of hits, then each delivery's body digest.
# -> {count after its hits, ms left} per counter, then per delivery 1 (claimed) / 0 (claimed
# before) / -1 (its nonce was used with another body: not claimed).
ADMIT_LUA = WINDOW_FN_LUA + """
local counters, out = tonumber(ARGV[1]), {}
local n = (#KEYS - counters) / 2
for i = 1, counters do
  local c, ttl = window(KEYS[i], ARGV[2 + 2 * i], ARGV[3 + 2 * i])
  out[#out + 1] = c
  out[#out + 1] = ttl
end
local digests = 3 + 2 * counters
for i = 1, n do
  local digest = ARGV[digests + i]
  local seen = redis.call('SET', KEYS[counters + n + i], digest, 'NX', 'GET', 'EX', ARGV[3])
  if seen and seen ~= digest then
    out[#out + 1] = -1
  else
    out[#out + 1] = redis.call('SET', KEYS[counters + i], '1', 'NX', 'EX', ARGV[2]) and 1 or 0
  end
end
return out
"""


@dataclass(frozen=True)
class Delivery:
    """One callback delivery to admit: its dedupe key, the client IP, the sender (openid/userid),
    and its request's (timestamp, nonce) key and body digest (bot/wechat/callback_guard.py)."""

    key: str
    ip: str | None
    sender: str
    nonce_key: str
    digest: str


@dataclass(frozen=True)
class Admission:
    status: str
    retry_after_s: int = 0  # with IP_LIMITED


ADMITTED = Admission(HANDLE)
Plans = tuple[list[tuple[str, Limit]], list[tuple[str, Limit]]]  # a delivery's (per-IP, per-sender) counters
# their hits (bot.infra.ratelimit.verdict_of), claim
Counted = tuple[list[tuple[int, int, int]], list[tuple[int, int, int]], int]


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
                pipe.set(d.nonce_key, d.digest, nx=True, get=True, ex=NONCE_TTL_S)
                pipe.set(d.key, "1", nx=True, ex=CALLBACK_DEDUPE_TTL_S)
            replies = list(await pipe.execute())
        out, at, release = [], 0, []
        for d, (per_ip, per_sender) in zip(batch, plans, strict=True):
            n_ip, n_sender = len(per_ip), len(per_sender)
            seen, claimed = replies[at + n_ip + n_sender:at + n_ip + n_sender + 2]
            claim = NONCE_REUSED if _other_body(seen, d.digest) else CLAIMED if claimed else SEEN
            if claim == NONCE_REUSED and claimed:
                release.append(d.key)  # claimed beside a refused nonce: a pipeline is not conditional
            out.append((_hits(per_ip, replies[at:at + n_ip]),
                        _hits(per_sender, replies[at + n_ip:at + n_ip + n_sender]), claim))
            at += n_ip + n_sender + 2
        if release:
            await self._release(release)
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
        flat = await self._admit(keys=keys + [d.key for d in batch] + [d.nonce_key for d in batch],  # type: ignore[misc]
                                 args=[len(keys), CALLBACK_DEDUPE_TTL_S, NONCE_TTL_S,
                                       *[x for k in keys for x in (hits[k][0].window_s * 1000, hits[k][1])],
                                       *[d.digest for d in batch]])
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
        return [(each(per_ip), each(per_sender), int(flat[claims + i])) for i, (per_ip, per_sender) in enumerate(plans)]

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
        for d, (ip_hits, sender_hits, claim) in zip(batch, counted, strict=True):
            admission = self._decide(verdict_of(ip_hits), verdict_of(sender_hits), claim)
            if claim == CLAIMED and admission.status != HANDLE:
                release.append(d.key)  # not handled: a later retry of it may be
            out.append(admission)
        if release:
            await self._release(release)
        return out

    @staticmethod
    def _decide(by_ip: Verdict, by_sender: Verdict, claim: int) -> Admission:
        if claim == NONCE_REUSED:
            return Admission(REPLAYED)
        if not by_ip.allowed:
            return Admission(IP_LIMITED, by_ip.retry_after_s)
        if not by_sender.allowed:
            return Admission(SENDER_LIMITED)
        return ADMITTED if claim == CLAIMED else Admission(DUPLICATE)

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


def _other_body(seen: str | bytes | None, digest: str) -> bool:
    """A nonce's `SET … GET` answer: it was recorded before, with another body's digest."""
    if seen is None:
        return False
    return (seen.decode() if isinstance(seen, bytes) else seen) != digest


class CallbackAdmission(GroupCommitter[Delivery, Admission]):
    """One admission pipeline per batch of deliveries, per worker process."""

    def __init__(self, admitter: Admitter, *, max_batch: int = 256):
        super().__init__("callback-admission", admitter.admit, (), lambda _d: ADMITTED, max_batch=max_batch)
        self.admitter = admitter
