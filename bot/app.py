"""The Sanic application: resources made in before_server_start, closed after stop, the features
(bot/feature.py, listed in main.py) composed in one place, errors translated at one boundary.

Names no feature: what the campaigns are comes in as `features`."""

from __future__ import annotations

import asyncio
import json as stdjson
import logging
from collections.abc import Sequence
from typing import Any

import httpx
import ujson
from sanic import Request, Sanic, json
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse

from bot.errors import MESSAGES, ErrorCode, FissionError
from bot.feature import Composition, Feature, compose
from bot.infra import cache, db, logs
from bot.infra.unavailable import is_unavailable
from bot.jobs import notices, runner
from bot.keys import Keys
from bot.settings import Settings
from bot.web import docs, edge, internal, metrics, protection, session_epochs
from bot.web.session import Sessions
from bot.wechat import callbacks, oauth

log = logging.getLogger("fission")

SANIC_CODES = {400: ErrorCode.INVALID_BODY, 401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN,
               404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED, 413: ErrorCode.TOO_LARGE,
               503: ErrorCode.UNAVAILABLE}


HEALTHY = b'{"status":"ok"}'


RETRY_AFTER_S = 2  # a 503's advice: dependencies restart or fail over in seconds


def error_json(code: ErrorCode | str, message: str, status: int, request_id: str = "") -> HTTPResponse:
    """The error body of API.md; every 503 says when to come back (Retry-After)."""
    headers = {"X-Request-Id": request_id} if request_id else {}
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_S)
    return json({"error": str(code), "message": message}, status=status, headers=headers or None)


def dumps(obj: Any, **kw: Any) -> str:
    """Compact JSON with Chinese as UTF-8, not \\u escapes. ujson (Sanic's own JSON library, a
    few microseconds less per answer) writes what it can; the standard library writes the rest
    (integers past 64 bits, lone surrogates, keywords ujson lacks) or raises as it always did."""
    try:
        return ujson.dumps(obj, ensure_ascii=False, escape_forward_slashes=False, **kw)
    except (TypeError, ValueError, OverflowError):
        return stdjson.dumps(obj, ensure_ascii=False, separators=(",", ":"), **kw)


async def start_resources(app: Sanic) -> None:
    """Shared resources, then each feature's `start` in order, then the background jobs."""
    s: Settings = app.ctx.settings
    await db.connect(s.database)
    app.ctx.redis = cache.connect(s.redis)
    app.ctx.http = httpx.AsyncClient(timeout=httpx.Timeout(s.wechat.timeout_s))
    await callbacks.start(app)
    for feature in app.ctx.composed.features:
        if feature.start is not None:
            await feature.start(app)
    await runner.start(app)


async def stop_resources(app: Sanic) -> None:
    """The reverse: background jobs, the features' `stop` in reverse order, shared resources."""
    await runner.stop(app)
    for feature in reversed(app.ctx.composed.features):
        if feature.stop is not None:
            await feature.stop(app)
    await callbacks.stop(app)
    await app.ctx.http.aclose()
    await app.ctx.redis.aclose()
    await db.close()


def install_errors(app: Sanic) -> None:
    @app.exception(FissionError)
    async def fission_error(request: Request, e: FissionError) -> HTTPResponse:
        return error_json(e.code, e.message, e.status, getattr(request.ctx, "request_id", ""))

    @app.exception(SanicException)
    async def sanic_error(request: Request, e: SanicException) -> HTTPResponse:
        status = getattr(e, "status_code", 500) or 500
        code = SANIC_CODES.get(status, ErrorCode.INTERNAL if status >= 500 else ErrorCode.INVALID_BODY)
        if status >= 500:
            log.error("request %s failed: %s", getattr(request.ctx, "request_id", "-"), e)
        return error_json(code, MESSAGES.get(code, str(e)), status, getattr(request.ctx, "request_id", ""))

    @app.exception(Exception)
    async def unexpected(request: Request, e: Exception) -> HTTPResponse:
        rid = getattr(request.ctx, "request_id", "-")
        if is_unavailable(e):  # the one place a dependency being away becomes 503, not 500
            log.warning("request %s %s %s: dependency unavailable: %r", rid, request.method, request.path, e)
            await db.drop_pooled_connections()
            return error_json(ErrorCode.UNAVAILABLE, MESSAGES[ErrorCode.UNAVAILABLE], 503, rid)
        if db.is_lock_conflict(e):  # rolled back behind another transaction's lock: nothing written, come back
            log.warning("request %s %s %s: lock conflict: %r", rid, request.method, request.path, e)
            return error_json(ErrorCode.BUSY, MESSAGES[ErrorCode.BUSY], 503, rid)
        log.exception("request %s %s %s failed", rid, request.method, request.path)
        return error_json(ErrorCode.INTERNAL, MESSAGES[ErrorCode.INTERNAL], 500, rid)


def install_health(app: Sanic) -> None:
    @app.get("/healthz", ctx_sessionless=True)
    async def healthz(request: Request) -> HTTPResponse:
        return HTTPResponse(HEALTHY, content_type="application/json")  # constant: balancers ask it all day

    # route policy: 503 while draining (bot/web/protection.py); no session check
    @app.get("/readyz", ctx_readiness=True, ctx_sessionless=True)
    async def readyz(request: Request) -> HTTPResponse:
        problems: dict[str, Any] = {}
        try:
            await asyncio.wait_for(db.ping(), 2)
        except Exception as e:  # any failure means "not ready"; report it, don't raise
            problems["database"] = type(e).__name__
            if is_unavailable(e):
                await db.drop_pooled_connections()
        try:
            await asyncio.wait_for(app.ctx.redis.ping(), 2)
        except Exception as e:
            problems["redis"] = type(e).__name__
        if app.ctx.settings.orders.amqp_url:
            broker = await app.ctx.amqp_probe.problem()
            if broker:
                problems["rabbitmq"] = broker
        if problems:
            return json({"status": "unavailable", "problems": problems}, status=503,
                        headers={"Retry-After": str(RETRY_AFTER_S)})
        # what features report when ready, e.g. the live-settings version in use (handlers/redpacket/feature.py)
        return json({"status": "ok", **{k: await f() for k, f in getattr(app.ctx, "ready_info", {}).items()}})


class AmqpProbe:
    """Whether RabbitMQ answers (a connection opens and closes), asked at most once per `ttl_s`:
    /readyz is polled by every balancer and orchestrator, and a connection per poll costs the broker
    a handshake each. Concurrent callers share the probe in flight. `problem()`: None when the
    broker answered, else the failure's type name."""

    def __init__(self, url: str, ttl_s: float = 1.0, timeout_s: float = 3.0):
        self.url, self.ttl_s, self.timeout_s = url, ttl_s, timeout_s
        self.probes = 0
        self._at = -ttl_s
        self._answer: str | None = None
        self._inflight: asyncio.Task[str | None] | None = None

    async def problem(self) -> str | None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._at < self.ttl_s:
            return self._answer
        if self._inflight is None or self._inflight.get_loop() is not loop:
            self._inflight = loop.create_task(self._probe())
        task = self._inflight
        answer = await asyncio.shield(task)
        if self._inflight is task:
            self._inflight, self._at, self._answer = None, loop.time(), answer
        return answer

    async def _probe(self) -> str | None:
        self.probes += 1
        try:
            await asyncio.wait_for(_amqp_ping(self.url), self.timeout_s)
        except Exception as e:  # any failure means "not ready"; report it, don't raise
            return type(e).__name__
        return None


async def _amqp_ping(url: str) -> None:
    """RabbitMQ answers: a connection opens (AMQP handshake) and closes."""
    import aio_pika

    conn = await aio_pika.connect(url, timeout=2)
    await conn.close()


def create_app(settings: Settings, features: Sequence[Feature], name: str = "fission") -> Sanic:
    composed: Composition = compose(features)
    notices.install(composed.notices)
    app = Sanic(name, dumps=dumps, log_config=logs.sanic_log_config())
    app.config.REQUEST_MAX_SIZE = settings.server.max_body_bytes
    app.config.RESPONSE_TIMEOUT = settings.server.response_timeout_s  # type: ignore[assignment]  # typing: Sanic takes a float
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.ACCESS_LOG = settings.server.access_log
    app.ctx.settings = settings
    app.ctx.composed = composed
    app.ctx.gauges = composed.gauges
    app.ctx.keys = Keys(settings.redis.prefix)
    app.ctx.sessions = Sessions(settings.server)
    app.ctx.amqp_probe = AmqpProbe(settings.orders.amqp_url or "")
    edge.install(app)  # request ids, input guard, request metrics: one middleware each side
    install_errors(app)
    install_health(app)
    protection.install(app)  # body and rate limits, graceful-shutdown budget
    metrics.install(app)
    internal.install(app)  # /metrics and /docs behind server.internal_token
    for bp in (oauth.bp, session_epochs.bp, callbacks.bp):
        app.blueprint(bp)
    for feature in composed.features:
        for bp in feature.blueprints:
            app.blueprint(bp)
    for feature in composed.features:  # after every blueprint: e.g. the audit scope around admin writes
        if feature.install is not None:
            feature.install(app)
    docs.install(app)
    edge.extend(app)
    protection.check_route_policy(app)  # route policy: boot fails on a write route without a body limit
    session_epochs.attach(app)  # last: a session signed under an older epoch counts as none
    app.before_server_start(start_resources)
    app.after_server_stop(stop_resources)
    return app
