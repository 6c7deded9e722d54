"""`GET /api/share/{token}/poster.png` — the Moments share poster (SPEC §1.5), cached per what it shows.

What a poster shows changes with the packet's `version` (bumped on share, help, expiry,
invalidation) and with its countdown line. The countdown is drawn at an epoch-aligned *moment*:
10-minute buckets, 1-minute buckets in the final hour, each drawn at the bucket's end (capped at
`expire_time`), so a poster never shows more time than is left — it under-states by less than
one bucket. A terminal packet has one moment forever ("已结束").

ETag = `"p{id}-v{version}-{moment}"`. Caching, from the hot end:
- `current` (Redis, per packet, `POSTER_CURRENT_TTL_S` = 1 s): the header line (id, version,
  status, expiry, moment, ETag) and the PNG, so a request is answered with one Redis read — a
  revalidation (`If-None-Match`) reads only the header and answers 304. The database is read at
  most about once a second per packet; a poster may therefore lag a change of its packet by
  that second. Expiry and the moment are judged at each request's own `now`.
- per (packet, version, moment) (Redis, until the moment has passed; a day once terminal): the
  PNG every process shares, so a poster is rendered once per version and moment.
A poster drawn with a placeholder because an image fetch failed *transiently* carries the ETag
suffix `-d` and is kept only `POSTER_DEGRADED_TTL_S`, so the real picture replaces it soon.

The route needs no session: WeChat's servers fetch the JS-SDK share image without cookies, and
the share token is unguessable (and case-exact on every database). Every cache key uses the token
as stored, never as asked; a request the `current` entry cannot answer (a database read, maybe a
render) is counted per client IP (`ratelimit.poster`, 429 past it). Rendering (CPU-bound) runs
in a worker thread; concurrent misses for one key in a process share a single render, and the
requests for one poster in flight together share one Redis read (request coalescing: nothing is
kept after the read returns, so this is no per-process cache — a shared poster going viral costs
Redis one read per overlap, not one per request).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from redis.exceptions import RedisError
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, raw

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra import cache
from bot.infra.ratelimit import limiter_of
from bot.keys import POSTER_CURRENT_TTL_S, POSTER_DEGRADED_TTL_S, POSTER_TERMINAL_TTL_S, Keys
from bot.web.protection import client_ip, refuse
from handlers.redpacket.imagefetch import Fetched, ImageSource, image_client
from handlers.redpacket.share import share_links
from imaging.poster import PosterInput, render
from models.enums import PacketStatus
from models.redpacket import RedPacket
from models.redpacket_rules import effective_status

log = logging.getLogger(__name__)
T = TypeVar("T")

bp = Blueprint("poster", url_prefix="/api")

BUCKET_S = 600
FINAL_HOUR_S = 3600
FINAL_HOUR_BUCKET_S = 60
MOMENT_GRACE_S = 60
TERMINAL_MOMENT = "end"
HEAD_FIELDS = ("id", "version", "status", "expire_time")
HEADER_MAX_BYTES = 255  # the `current` entry's header line is well under this
CACHE_CONTROL = "public, no-cache"  # keep it, but revalidate: the ETag says when it changed


@dataclass(frozen=True, slots=True)
class Moment:
    """The instant a poster's countdown is drawn at, its label in keys/ETags and its cache TTL."""

    label: str
    render_now: dt.datetime
    ttl_s: int


@dataclass(frozen=True, slots=True)
class Head:
    """What decides a poster's identity: one packet row's id, version, status and expiry."""

    id: int
    token: str
    version: int
    live: bool
    expire_time: dt.datetime


def poster_moment(live: bool, expire_time: dt.datetime, now: dt.datetime) -> Moment:
    """Pure: the countdown moment for a packet at `now` (see the module docstring)."""
    if not live:
        return Moment(TERMINAL_MOMENT, expire_time, POSTER_TERMINAL_TTL_S)
    step = FINAL_HOUR_BUCKET_S if (expire_time - now).total_seconds() <= FINAL_HOUR_S else BUCKET_S
    start = int(now.timestamp()) // step * step
    end = dt.datetime.fromtimestamp(start + step, dt.UTC)
    return Moment(f"t{start}s{step}", min(end, expire_time), step + MOMENT_GRACE_S)


def etag_of(head: Head, moment: Moment, degraded: bool = False) -> str:
    return f'"p{head.id}-v{head.version}-{moment.label}{"-d" if degraded else ""}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of an If-None-Match header against one strong ETag."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(t.strip().removeprefix("W/") == etag for t in if_none_match.split(","))


def head_of(row: dict[str, Any], token: str, now: dt.datetime) -> Head:
    """`row` has the packet's id, version, status and expire_time."""
    status = effective_status(PacketStatus(row["status"]), row["expire_time"], now)
    return Head(int(row["id"]), token, int(row["version"]), status.live, row["expire_time"])


def pack_current(row: dict[str, Any], label: str, etag: str) -> bytes:
    """The header line of the `current` entry: id, version, status, expiry, moment, ETag."""
    expire_ts = row["expire_time"].timestamp()
    return f"{int(row['id'])} {int(row['version'])} {int(row['status'])} {expire_ts!r} {label} {etag}".encode()


def unpack_current(header: bytes) -> tuple[dict[str, Any], str, str]:
    pk, version, status, expire_ts, label, etag = header.decode().split(" ")
    row = {"id": int(pk), "version": int(version), "status": int(status),
           "expire_time": dt.datetime.fromtimestamp(float(expire_ts), dt.UTC)}
    return row, label, etag


class Posters:
    """Posters through Redis (`redis` must return bytes): a `current` entry per packet answers a
    request in one read for `POSTER_CURRENT_TTL_S`; behind it, one entry per (version, moment)
    shared by every process; behind that, the renderer, run once per key per process."""

    def __init__(self, redis: Any, keys: Keys, images: ImageSource, public_url: str):
        self.redis, self.keys, self.images, self.public_url = redis, keys, images, public_url
        self._inflight: dict[str, asyncio.Future[Any]] = {}

    async def serve(self, token: str, now: dt.datetime, asked: str | None,
                    on_miss: Callable[[], Awaitable[None]] | None = None) -> tuple[str, bytes | None]:
        """(ETag, PNG) of the packet's poster at `now`; PNG None when `asked` (If-None-Match)
        matches. Raises NOT_FOUND for an unknown token. `on_miss` is awaited (and may raise, e.g.
        a rate limit) before a request that the `current` entry cannot answer reads the database."""
        hit = await self._from_current(token, now, asked)
        if hit is not None:
            return hit
        if on_miss is not None:
            await on_miss()
        etag, png = await self._once(f"refresh:{token}", lambda: self._refresh(token, now))
        return (etag, None) if etag_matches(asked, etag) else (etag, png)

    async def _once(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` once for concurrent callers with the same `key` in this process (when the
        `current` entry lapses, the requests then in flight share one refresh, not one each; the
        requests for one poster in flight together share one Redis read). Nothing is kept once
        `work` is done: this coalesces, it does not cache."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(work())
            self._inflight[key] = task
            task.add_done_callback(lambda _t: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _from_current(self, token: str, now: dt.datetime, asked: str | None) -> tuple[str, bytes | None] | None:
        """The answer from the `current` entry, if it holds this moment's poster. A revalidation
        reads only the header line first (and the rest only when the client's copy is stale)."""
        key = self.keys.poster_current(token)
        raw = await self._get(key, header_only=bool(asked))
        if not raw:
            return None
        header, _, png = raw.partition(b"\n")
        row, label, etag = unpack_current(header)
        head = head_of(row, token, now)
        if poster_moment(head.live, head.expire_time, now).label != label:
            return None
        if etag_matches(asked, etag):
            return etag, None
        if asked:
            full = await self._get(key)
            header, _, png = (full or b"").partition(b"\n")
            return (etag, png) if png and header.endswith(etag.encode()) else None
        return etag, png

    async def _refresh(self, token: str, now: dt.datetime) -> tuple[str, bytes]:
        """Read the packet, find or render its poster, and make it the `current` entry."""
        rows = await RedPacket.filter(share_token=token).values(*HEAD_FIELDS, "share_token")
        if not rows:
            raise FissionError(ErrorCode.NOT_FOUND)
        stored = str(rows[0]["share_token"])  # every cache key is the stored spelling, never the asked one
        head = head_of(rows[0], stored, now)
        moment = poster_moment(head.live, head.expire_time, now)
        etag, png = await self._versioned(head, moment, now)
        entry = pack_current(rows[0], moment.label, etag) + b"\n" + png
        await self._set(self.keys.poster_current(stored), entry, POSTER_CURRENT_TTL_S)
        return etag, png

    async def _versioned(self, head: Head, moment: Moment, now: dt.datetime) -> tuple[str, bytes]:
        """(ETag, PNG) for `head` at `moment`: from Redis, else rendered once per process."""
        key = self.keys.poster(head.token, head.version, moment.label)
        value = await self._get(key)
        if value:
            etag, _, png = value.partition(b"\n")
            return etag.decode(), png
        return await self._once(key, lambda: self._build(head.token, now))

    async def _build(self, token: str, now: dt.datetime) -> tuple[str, bytes]:
        """Render from a fresh read of the packet; stored under the version it actually shows."""
        p = await RedPacket.filter(share_token=token).select_related("owner").first()
        if p is None:
            raise FissionError(ErrorCode.NOT_FOUND)
        token = p.share_token  # the stored spelling
        head = head_of({f: getattr(p, f) for f in HEAD_FIELDS}, token, now)
        moment = poster_moment(head.live, head.expire_time, now)
        avatar, thumb = await asyncio.gather(self.images.get(p.owner.avatar), self.images.get(p.goods_thumbnail_url))
        png = await asyncio.to_thread(render, self._input(p, avatar, thumb, moment))
        degraded = avatar.degraded or thumb.degraded
        etag = etag_of(head, moment, degraded)
        ttl_s = POSTER_DEGRADED_TTL_S if degraded else moment.ttl_s
        await self._set(self.keys.poster(token, head.version, moment.label), etag.encode() + b"\n" + png, ttl_s)
        return etag, png

    def _input(self, p: RedPacket, avatar: Fetched, thumb: Fetched, moment: Moment) -> PosterInput:
        return PosterInput(
            goods_name=p.goods_name, amount_fen=int(p.amount_fen),
            remaining_fen=max(0, int(p.amount_fen) - int(p.split_fen)),
            owner_nickname=p.owner.nickname, owner_avatar=avatar.data, goods_thumbnail=thumb.data,
            share_url=share_links(self.public_url, p.share_token)["share_url"],
            expire_time=p.expire_time, now=moment.render_now)

    async def _get(self, key: str, header_only: bool = False) -> bytes | None:
        """One Redis read of `key` (its header line only: `header_only`), shared by the requests in
        flight for it: a viral poster costs one 70 KB read per moment of overlap, not one per request."""
        return await self._once(("head:" if header_only else "read:") + key, lambda: self._read(key, header_only))

    async def _read(self, key: str, header_only: bool) -> bytes | None:
        try:
            value = await (self.redis.getrange(key, 0, HEADER_MAX_BYTES) if header_only else self.redis.get(key))
        except RedisError as e:
            log.warning("redis unavailable for posters: %s", e)
            return None
        return bytes(value) if value else None

    async def _set(self, key: str, value: bytes, ttl_s: int) -> None:
        try:
            await self.redis.set(key, value, ex=ttl_s)
        except RedisError as e:
            log.warning("redis unavailable for posters: %s", e)

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        await self.redis.aclose()


async def start(app: Sanic) -> None:
    s = app.ctx.settings
    blobs = cache.connect(s.redis, decode=False)  # a second client, on the same Redis, returning bytes
    app.ctx.image_http = image_client(s.wechat.timeout_s)
    images = ImageSource(app.ctx.image_http, blobs, app.ctx.keys, allow_hosts=s.images.allow_hosts)
    app.ctx.posters = Posters(blobs, app.ctx.keys, images, s.server.public_url)


async def stop(app: Sanic) -> None:
    await app.ctx.posters.aclose()
    await app.ctx.image_http.aclose()


@bp.get("/share/<token:str>/poster.png")
async def poster_png(request: Request, token: str) -> HTTPResponse:
    posters: Posters = request.app.ctx.posters

    async def count_miss() -> None:  # a miss costs a database read and maybe a render: limited per IP
        refuse(request, await limiter_of(request.app).check("poster", client_ip(request), None))

    etag, png = await posters.serve(token[:64], utcnow(), request.headers.get("if-none-match"), count_miss)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if png is None:
        return HTTPResponse(status=304, headers=headers)
    return raw(png, content_type="image/png", headers=headers)
