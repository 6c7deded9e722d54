"""Revocable sessions: a per-user session epoch, `POST /api/logout`.

A session cookie (bot/web/session.py) carries the user's `session_epoch` (users table) from when it
was signed. A request's cookie counts only while that epoch is still the user's (`check_session`,
request middleware): bumping it voids every cookie signed before, in every process and host at
once. It is bumped by `POST /api/logout` (every device of the user signs out) and when an admin
blacklists the user (handlers/admin/api.py `block_openid`: the API, the admin page, WeCom's `block`).
Cookies signed before epochs existed count as epoch 0.

The epoch is read from Redis (`{p}:u:{id}:epoch`), the database answering a miss; the reads of
the requests of a moment are one MGET (a bot/infra/batching.py ReadBatcher). A bump writes the database
first, then raises the cached value (SET_MAX_LUA: never lowered, so a reader that filled the key
from an older read cannot undo the bump — readers fill only a missing key). Redis down: the
database answers every read (no request is let through on a stale epoch); database down too: 503.
Static files are not checked (they need no session).
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Blueprint, Request, Sanic, json
from sanic.response import HTTPResponse
from tortoise.expressions import F

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra.batching import ReadBatcher
from bot.infra.cache import is_cluster_client
from bot.infra.ratelimit import REDIS_FAILURES
from bot.keys import Keys
from bot.web import policy
from bot.web.policy import SERVER_MAX_BODY
from bot.web.session import SESSION_COOKIE, current_user
from models.user import User

log = logging.getLogger(__name__)
bp = Blueprint("session", url_prefix="/api")
EPOCH_TTL_S = 86400  # a cached epoch; the database keeps the truth (and heals a missed raise within this)
SET_MAX_LUA = """
local cur = redis.call('GET', KEYS[1])
if not cur or tonumber(cur) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 1
"""
UNCHECKED_PREFIXES = ("pages.static", "docs_ui", "openapi.")


def epoch_key(keys: Keys, user_id: int) -> str:
    return f"{keys.p}:u:{{{user_id}}}:epoch"


class SessionEpochs:
    """The users' current session epochs, per worker process: batched reads, bumps."""

    def __init__(self, redis: Any, keys: Keys):
        self.redis, self.keys = redis, keys
        self.cluster = is_cluster_client(redis)
        self._set_max = redis.register_script(SET_MAX_LUA)
        self._reads: ReadBatcher[int, int] = ReadBatcher(self._read_many, 0)

    async def current(self, user_id: int) -> int:
        """The user's epoch (0 for an unknown user)."""
        return await self._reads.get(user_id, utcnow())

    async def _read_many(self, user_ids: list[int], _now: Any) -> dict[int, int]:
        names = [epoch_key(self.keys, u) for u in user_ids]
        try:
            cached = await self._cached(names)
        except REDIS_FAILURES as e:
            log.warning("session epochs read from the database, redis unavailable: %s", e)
            return await _from_db(user_ids)
        found = {u: int(v) for u, v in zip(user_ids, cached, strict=True) if v is not None}
        missing = [u for u in user_ids if u not in found]
        if missing:
            fresh = await _from_db(missing)
            found.update(fresh)
            await self._fill({epoch_key(self.keys, u): fresh.get(u, 0) for u in missing})
        return found

    async def _cached(self, names: list[str]) -> list[Any]:
        if not self.cluster:
            return list(await self.redis.mget(names))
        async with self.redis.pipeline(transaction=False) as pipe:  # a cluster's MGET wants one slot
            for name in names:
                pipe.get(name)
            return list(await pipe.execute())

    async def prime(self, user_id: int, epoch: int) -> None:
        """At sign-in, where the epoch was just read: the user's next requests find it cached."""
        await self._fill({epoch_key(self.keys, user_id): epoch})

    async def _fill(self, values: dict[str, int]) -> None:
        """Cache what the database said, only where nothing is cached (a bump's value stays)."""
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for name, epoch in values.items():
                    pipe.set(name, epoch, nx=True, ex=EPOCH_TTL_S)
                await pipe.execute()
        except REDIS_FAILURES as e:
            log.warning("session epochs not cached: %s", e)

    async def bump(self, openid: str) -> None:
        """Void every session of `openid` signed so far (no-op for an unknown openid)."""
        await User.filter(openid=openid).update(session_epoch=F("session_epoch") + 1)
        row = await User.filter(openid=openid).first().values("id", "session_epoch")
        if row is None:
            return
        try:
            await self._set_max(keys=[epoch_key(self.keys, row["id"])], args=[row["session_epoch"], EPOCH_TTL_S])
        except REDIS_FAILURES as e:  # the cached value would void nothing: drop it, or say so loudly
            log.error("session epoch of user %s not raised in redis: %s", row["id"], e)
            raise FissionError(ErrorCode.UNAVAILABLE, "会话缓存不可用，请重试") from e


async def _from_db(user_ids: list[int]) -> dict[int, int]:
    # a database that is away raises through: the error boundary (bot/app.py) answers 503 and
    # drops the pooled connections a restart killed, as for every other request
    rows = await User.filter(id__in=user_ids).values_list("id", "session_epoch")
    return {int(u): int(e) for u, e in rows}


def epochs_of(app: Sanic) -> SessionEpochs:
    """The process's epochs, made on first use from the app's Redis client."""
    epochs = getattr(app.ctx, "session_epochs", None)
    if epochs is None or epochs.redis is not app.ctx.redis:
        epochs = app.ctx.session_epochs = SessionEpochs(app.ctx.redis, app.ctx.keys)
    return epochs


async def check_session(request: Request) -> None:
    """Request middleware of every route that may read a session (`attach`): a session cookie
    signed under an older epoch counts as no session."""
    if not request.cookies.get(SESSION_COOKIE):
        return
    user = current_user(request)
    if user is not None and user.epoch < await epochs_of(request.app).current(user.id):
        request.ctx.session_user = None


@bp.post("/logout", ctx_body_limit=SERVER_MAX_BODY)
async def logout(request: Request) -> HTTPResponse:
    """Sign out everywhere: the user's epoch is bumped (every cookie of theirs stops counting, in
    every process) and this browser's cookie is cleared. Without a session: just the clearing."""
    user = current_user(request)
    if user is not None:
        await epochs_of(request.app).bump(user.openid)
    resp = json({"logged_out": user is not None})
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


def attach(app: Sanic) -> None:
    """The session check on every route but those that declare `ctx_sessionless` (bot/web/policy.py)
    and the static files and API documentation: attached to routes by name, once every route is
    there (the HEAD/OPTIONS twins included), so a webhook, a callback or a probe does not pay for
    it. A route added later gets no check: call this last."""
    free = policy.sessionless(app)
    names = [r.name for r in app.router.routes
             if not free(r) and not (r.name or "").split(".", 1)[-1].startswith(UNCHECKED_PREFIXES)]
    app.register_named_middleware(check_session, names, "request")
