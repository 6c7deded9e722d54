"""Bounded fetch of the remote images a poster shows (owner avatar, goods thumbnail).

Contract: `ImageSource.get(url)` never raises. It answers `Fetched(data, degraded)`:
- `data` is the image bytes, or None when there is nothing to draw (no URL, a scheme other than
  http/https, a host that resolves to a non-public address, a redirect, a 4xx, a compressed or
  otherwise encoded body, a body over the size cap) — the renderer then draws a placeholder;
- `degraded` is True only for a transient failure (timeout, connection error, 5xx): the caller
  should not keep what it draws with that placeholder for long.
The whole download is bounded by `timeout_s` (a slow drip cannot hold it) and streamed, stopping
at `max_bytes` without reading the rest. Good bytes are kept in Redis by URL digest, and so is
"this URL gives nothing usable", for a while; Redis failures only cost a refetch.

The URL is someone else's choice (an order event's thumbnail, a WeChat avatar), so the fetch is
pinned (bot/infra/netguard.py): the host is resolved once, every address is checked public (unless the
host is in `images.allow_hosts`), and the connection goes to the checked address — no second DNS
lookup, no redirect followed, no proxy from the environment. The body is asked for and accepted
only as `identity`: a `Content-Encoding: gzip, gzip` bomb (253 bytes on the wire, 50 MiB inflated)
is refused unread, and the size cap counts the bytes as they arrive.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from redis.exceptions import RedisError

from bot.infra.netguard import Refused, Resolver, pin, system_resolver
from bot.keys import SOURCE_IMAGE_MISS_TTL_S, SOURCE_IMAGE_TTL_S, Keys
from imaging.decode import MAX_IMAGE_BYTES

log = logging.getLogger(__name__)

TRANSIENT_STATUS_MIN = 500


class TooLarge(Exception):
    """The body is over the size cap."""


class Unusable(Exception):
    """The URL answered, but with nothing we will draw (4xx)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    data: bytes | None
    degraded: bool = False


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout_s: float = 2.0
    max_bytes: int = MAX_IMAGE_BYTES


def image_client(timeout_s: float) -> httpx.AsyncClient:
    """The client for image fetches: no redirects, no proxy or netrc from the environment, and no
    kept connections (the pool is keyed by address, and two names may share one)."""
    return httpx.AsyncClient(timeout=httpx.Timeout(timeout_s), follow_redirects=False, trust_env=False,
                             limits=httpx.Limits(max_keepalive_connections=0))


async def download(http: httpx.AsyncClient, url: str, max_bytes: int, allow_hosts: Iterable[str] = (),
                   resolver: Resolver = system_resolver) -> bytes:
    """The body of GET `url` from a checked address; raises Refused (bot/infra/netguard.py), TooLarge past
    `max_bytes`, Unusable on 3xx/4xx or an encoded body, httpx errors or OSError else."""
    target = await pin(url, allow_hosts, resolver)
    headers = {**target.headers, "Accept": "image/*", "Accept-Encoding": "identity"}
    async with http.stream("GET", target.url, headers=headers, extensions=target.extensions,
                           follow_redirects=False) as r:
        if r.status_code >= TRANSIENT_STATUS_MIN:
            raise httpx.HTTPStatusError(f"HTTP {r.status_code}", request=r.request, response=r)
        if r.status_code != httpx.codes.OK:
            raise Unusable(f"HTTP {r.status_code}")
        encoding = r.headers.get("content-encoding", "").strip().lower()
        if encoding not in ("", "identity"):
            raise Unusable(f"Content-Encoding {encoding[:40]!r} (asked for identity)")
        declared = r.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise TooLarge(f"declared {declared} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in r.aiter_raw():
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"over {max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


class ImageSource:
    """Fetches poster images through a Redis cache of bytes (`redis` must return bytes)."""

    def __init__(self, http: httpx.AsyncClient, redis: Any, keys: Keys, limits: FetchLimits | None = None,
                 allow_hosts: Iterable[str] = (), resolver: Resolver = system_resolver):
        self.http, self.redis, self.keys = http, redis, keys
        self.limits = limits or FetchLimits()
        self.allow_hosts, self.resolver = frozenset(h.lower() for h in allow_hosts), resolver

    async def get(self, url: str) -> Fetched:
        if not url.startswith(("http://", "https://")):
            return Fetched(None)
        key = self.keys.source_image(hashlib.sha256(url.encode()).hexdigest()[:40])
        cached = await self._cached(key)
        if cached is not None:
            return Fetched(cached or None)
        fetched = await self._fetch(url)
        if not fetched.degraded:
            await self._store(key, fetched.data or b"")
        return fetched

    async def _fetch(self, url: str) -> Fetched:
        try:
            data = await asyncio.wait_for(download(self.http, url, self.limits.max_bytes, self.allow_hosts,
                                                   self.resolver), self.limits.timeout_s)
            return Fetched(data)
        except Refused as e:
            log.warning("poster image %s refused: %s", url, e)
            return Fetched(None)
        except (TooLarge, Unusable, httpx.InvalidURL) as e:
            log.info("poster image %s unusable: %s", url, e)
            return Fetched(None)
        except (TimeoutError, OSError, httpx.HTTPError) as e:
            log.warning("poster image %s not fetched: %r", url, e)
            return Fetched(None, degraded=True)

    async def _cached(self, key: str) -> bytes | None:
        try:
            value = await self.redis.get(key)
        except RedisError as e:
            log.warning("redis unavailable for poster images: %s", e)
            return None
        return bytes(value) if value is not None else None

    async def _store(self, key: str, data: bytes) -> None:
        try:
            await self.redis.set(key, data, ex=SOURCE_IMAGE_TTL_S if data else SOURCE_IMAGE_MISS_TTL_S)
        except RedisError as e:
            log.warning("redis unavailable for poster images: %s", e)
