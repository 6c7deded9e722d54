"""Request rate limits: fixed windows counted in Redis, per client IP and per user.

Contract:
- a rule allows `limit` requests per `window_s` to one (route group, subject, identity); the
  subject is "ip" (the client address, seen through `server.proxies_count` trusted proxies) or
  "user" (the session's user on help and draw, the sender's openid on the WeChat callbacks, a
  digest of the admin token on the admin API — counted only when it is the right token, so that
  guesses make no counters);
- counting is one Lua call on one key (WINDOW_LUA: INCR, PEXPIRE on the first hit or on a counter
  found without expiry, PTTL), so a counter never lives without its expiry (no user is banned
  forever) and a Redis Cluster sees a single-slot script; the window opens with the first request
  and is never extended. One EVALSHA per rule costs about what a bare INCR does (a MULTI pipeline
  measured ~1.6x that); a request under two rules sends both in one non-transactional pipeline
  (one round trip, no task per rule);
- refused requests still count, so a flood stays refused until its window ends; the refusal is a
  `Verdict` carrying the seconds left in the longest exceeded window (for `Retry-After`);
- the help route counts its rules inside its batched Redis screen (handlers/redpacket/cache.py: `plan`,
  `queue`, `verdict_from` — the same Lua, one pipeline for every request of a batch), and a WeChat
  callback counts its sender in the pipeline that claims the delivery (bot/wechat/callbacks.py); every
  per-IP rule and the other groups are counted by `check` from the routing signal
  (bot/web/protection.py);
- Redis down, failing or slower than `ratelimit.redis_timeout_s`: every request passes (fail open).
  That is logged at most once per LOG_EVERY_S per process, and Redis is not asked again for
  BACKOFF_S, so an outage adds no latency to the requests it lets through. A slow count is left to
  finish in the background, never cancelled (cancelling redis-py mid-command breaks connections).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisClusterException, RedisError

from bot.keys import Keys
from bot.settings import Limit, RateLimitSettings

log = logging.getLogger(__name__)

# `by` hits (default 1) on a window counter (`key`, window `ms`) -> count after them, ms left in the
# window. A Lua function, so that scripts counting many windows at once (bot/wechat/admission.py) count the
# same way.
WINDOW_FN_LUA = """
local function window(key, ms, by)
  by = tonumber(by or 1)
  local n = redis.call('INCRBY', key, by)
  local ttl = redis.call('PTTL', key)
  if n == by or ttl < 0 then
    redis.call('PEXPIRE', key, ms)
    ttl = tonumber(ms)
  end
  return n, ttl
end
"""
# KEYS[1] window counter; ARGV[1] window ms. -> {count after this request, ms left in the window}
WINDOW_LUA = WINDOW_FN_LUA + """
local n, ttl = window(KEYS[1], ARGV[1])
return {n, ttl}
"""
BACKOFF_S = 1.0  # after a Redis failure, let requests through without asking for this long
LOG_EVERY_S = 10.0
REDIS_FAILURES = (RedisError, RedisClusterException, OSError, TimeoutError)
GROUPS = ("help", "draw", "oauth", "callbacks", "admin", "poster")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_s: int = 0


ALLOW = Verdict(True)


class RateLimited(Exception):
    """Raised at the HTTP edge; answered 429 `rate_limited` with `Retry-After`."""

    def __init__(self, retry_after_s: int):
        super().__init__(f"rate limited, retry after {retry_after_s}s")
        self.retry_after_s = retry_after_s


def verdict_of(hits: list[tuple[int, int, int]]) -> Verdict:
    """(count after this request, ms left in its window, limit) per rule -> one verdict.

    Refused when any count exceeds its limit; Retry-After is the longest such window's rest,
    rounded up to whole seconds and never below 1."""
    waits = [ttl_ms for count, ttl_ms, limit in hits if count > limit]
    if not waits:
        return ALLOW
    return Verdict(False, max(1, math.ceil(max(waits) / 1000)))


class RateLimiter:
    def __init__(self, redis: Any, keys: Keys, cfg: RateLimitSettings,
                 clock: Callable[[], float] = time.monotonic):
        self.redis, self.keys, self.cfg, self.clock = redis, keys, cfg, clock
        self.exempt = [ipaddress.ip_network(n) for n in cfg.exempt_networks]
        self._window = redis.register_script(WINDOW_LUA)
        self._late: set[asyncio.Future[Any]] = set()  # counts still running past the timeout
        self._skip_until = -math.inf
        self._logged_at = -math.inf

    def is_exempt(self, ip: str) -> bool:
        if not self.exempt:
            return False
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(addr in net for net in self.exempt)

    def plan(self, group: str, ip: str | None, user: str | None) -> list[tuple[str, Limit]]:
        """The window counters one request of `group` hits: none when limits are off, the IP is
        exempt, or Redis failed less than BACKOFF_S ago."""
        if not self.cfg.enabled or (ip and self.is_exempt(ip)) or self.clock() < self._skip_until:
            return []
        rules = getattr(self.cfg, group)
        wanted = [("ip", ip, rules.per_ip), ("user", user, rules.per_user)]
        return [(self.keys.rate(group, subject, who), rule) for subject, who, rule in wanted
                if who and rule is not None and rule.limit > 0]

    @staticmethod
    def queue(pipe: Any, todo: list[tuple[str, Limit]]) -> None:
        """Add `todo`'s counts to a non-transactional pipeline (EVAL: no script cache to miss)."""
        for key, rule in todo:
            pipe.eval(WINDOW_LUA, 1, key, rule.window_s * 1000)

    @staticmethod
    def verdict_from(todo: list[tuple[str, Limit]], replies: list[Any]) -> Verdict:
        """The verdict from `queue`'s replies, in order."""
        return verdict_of([(int(r[0]), int(r[1]), rule.limit) for (_k, rule), r in zip(todo, replies, strict=True)])

    async def check(self, group: str, ip: str | None, user: str | None) -> Verdict:
        """Count this request against the group's per-IP and per-user rules; the verdict."""
        return (await self.check_many(group, [(ip, user)]))[0]

    async def check_many(self, group: str, who: list[tuple[str | None, str | None]]) -> list[Verdict]:
        """`check` for many requests of one group — (ip, user) each — in one round trip."""
        plans = [self.plan(group, ip, user) for ip, user in who]
        if not any(plans):
            return [ALLOW] * len(who)
        counting = asyncio.ensure_future(self._count([hit for plan in plans for hit in plan]))
        done, _ = await asyncio.wait({counting}, timeout=self.cfg.redis_timeout_s)
        if not done:  # too slow: let it finish on its own — cancelling redis-py mid-command breaks connections
            self._late.add(counting)
            counting.add_done_callback(self._forget)
            self.failed(TimeoutError(f"no answer in {self.cfg.redis_timeout_s}s"))
            return [ALLOW] * len(who)
        try:
            replies = counting.result()
        except REDIS_FAILURES as e:
            self.failed(e)
            return [ALLOW] * len(who)
        out, at = [], 0
        for plan in plans:
            out.append(self.verdict_from(plan, replies[at:at + len(plan)]))
            at += len(plan)
        return out

    def _forget(self, task: asyncio.Future[Any]) -> None:
        self._late.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: a late failure was already reported as the timeout

    async def _count(self, todo: list[tuple[str, Limit]]) -> list[Any]:
        """One round trip: EVALSHA for one rule, a non-transactional pipeline for more."""
        if len(todo) == 1:
            key, rule = todo[0]
            return [await self._window(keys=[key], args=[rule.window_s * 1000])]
        async with self.redis.pipeline(transaction=False) as pipe:
            self.queue(pipe, todo)
            return list(await pipe.execute())

    def failed(self, e: BaseException) -> None:
        """Redis did not count: fail open, and do not ask again for BACKOFF_S."""
        now = self.clock()
        self._skip_until = now + BACKOFF_S
        if now - self._logged_at >= LOG_EVERY_S:
            self._logged_at = now
            log.warning("rate limits not enforced (fail open), redis unavailable: %r", e)


def limiter_of(app: Any) -> RateLimiter:
    """The process's limiter, made on first use from the app's Redis client and settings."""
    limiter = getattr(app.ctx, "limiter", None)
    if limiter is None or limiter.redis is not app.ctx.redis:
        limiter = app.ctx.limiter = RateLimiter(app.ctx.redis, app.ctx.keys, app.ctx.settings.ratelimit)
    return limiter
