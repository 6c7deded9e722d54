"""Periodic jobs that run once per deployment, not once per worker.

Every worker runs the loop; a Redis lease (one key, compare-and-extend in one Lua call) picks
the single owner. Jobs must still be idempotent: a flushed Redis can hand the lease to two
workers for one period, and that must change nothing.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

from bot.keys import LEASE_TTL_FACTOR, Keys

log = logging.getLogger(__name__)

# KEYS[1] lease key; ARGV[1] owner id; ARGV[2] ttl ms. 1 when the caller holds the lease after the call.
LEASE_LUA = """
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""


class Lease:
    def __init__(self, redis: Any, keys: Keys, name: str, ttl_s: float):
        self.redis, self.key, self.ttl_ms = redis, keys.lease(name), max(1, int(ttl_s * 1000))
        self.owner = uuid.uuid4().hex
        self._script = redis.register_script(LEASE_LUA)

    async def hold(self) -> bool:
        try:
            return bool(await self._script(keys=[self.key], args=[self.owner, self.ttl_ms]))
        except RedisError as e:
            log.warning("lease %s: redis unavailable (%s); running anyway, jobs are idempotent", self.key, e)
            return True


async def run_periodic(name: str, interval_s: float, job: Callable[[], Awaitable[Any]], redis: Any,
                       keys: Keys, stop: asyncio.Event) -> None:
    """Run `job` every interval on whichever worker holds the lease, until `stop` is set."""
    lease = Lease(redis, keys, name, interval_s * LEASE_TTL_FACTOR)
    while not stop.is_set():
        try:
            if await lease.hold():
                await job()
        except Exception:  # a failing run is logged and retried next period; the loop must live on
            log.exception("periodic job %s failed", name)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
        except TimeoutError:
            pass
