"""Credentials shared through Redis by every process and host: access tokens and jsapi tickets.

Contract:
- one value per key, cached until shortly before WeChat's `expires_in`;
- one refresher at a time: the refresher holds `SET lock NX PX`; everyone else polls for the new
  value for at most `wait_s`, takes over when the lock vanishes without a value (the refresher
  failed), and raises `CredentialTimeout` at the deadline — never an unbounded loop;
- `invalidate(cred, value)` deletes the cached value only while it is still `value`
  (compare-and-delete), so a late report about an old token never throws away a newer one.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

# KEYS[1] key; ARGV[1] expected value. 1 when deleted.
CAD_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

Fetch = Callable[[], Awaitable[tuple[str, int]]]  # -> (value, expires_in seconds)


class CredentialTimeout(Exception):
    """No value could be obtained within the wait budget (another refresher is slow or failing)."""


@dataclass(frozen=True)
class Credential:
    key: str
    lock_key: str
    fetch: Fetch


class CredentialCache:
    def __init__(self, redis: Any, *, lock_ttl_s: float = 10.0, wait_s: float = 10.0, poll_s: float = 0.05,
                 margin_s: int = 300):
        self.redis = redis
        self.lock_ttl_ms = int(lock_ttl_s * 1000)
        self.wait_s, self.poll_s, self.margin_s = wait_s, poll_s, margin_s
        self._cad = redis.register_script(CAD_LUA)

    async def get(self, cred: Credential) -> str:
        """The cached value, or a fresh one fetched by exactly one caller across the deployment."""
        value = await self.redis.get(cred.key)
        if value:
            return str(value)
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            owner = uuid.uuid4().hex
            if await self.redis.set(cred.lock_key, owner, nx=True, px=self.lock_ttl_ms):
                return await self._refresh(cred, owner)
            value = await self._wait_for(cred, deadline)
            if value:
                return value
        raise CredentialTimeout(cred.key)

    async def invalidate(self, cred: Credential, value: str) -> bool:
        """Forget `value` if it is still the cached one; True when it was deleted."""
        return bool(await self._cad(keys=[cred.key], args=[value]))

    async def _refresh(self, cred: Credential, owner: str) -> str:
        try:
            # a refresher may have finished between our GET and our SET NX
            value = await self.redis.get(cred.key)
            if value:
                return str(value)
            value, expires_in = await cred.fetch()
            await self.redis.set(cred.key, value, ex=max(60, int(expires_in) - self.margin_s))
            return value
        finally:
            await self._cad(keys=[cred.lock_key], args=[owner])

    async def _wait_for(self, cred: Credential, deadline: float) -> str | None:
        """Poll until the value appears (returned), the lock vanishes without one (None), or the deadline."""
        while time.monotonic() < deadline:
            await asyncio.sleep(self.poll_s)
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.get(cred.key)
                pipe.exists(cred.lock_key)
                value, locked = await pipe.execute()
            if value:
                return str(value)
            if not locked:
                return None
        return None
