"""Protection at the HTTP edge, installed by `create_app`: per-route body limits, rate limits and
the graceful-shutdown budget.

Each route declares its policy at the route (`ctx_body_limit`, `ctx_rate`, …: bot/web/policy.py);
`check_route_policy` (create_app) refuses to boot when a route taking a body declares no limit.
Both checks run on Sanic's `http.routing.after` signal — after the route is known, before the
body is read — so a refused request costs no body read:
- body limits (`ctx_body_limit`, tighter than `server.max_body_bytes`) become the stream's size
  limit; a larger Content-Length, or a chunked body growing past it, is answered 413 `too_large`;
- rate limits (`ctx_rate` → `ratelimit.<group>`, bot/infra/ratelimit.py; every admin API route
  via policy.ADMIN_API → `ratelimit.admin`) answer 429 `rate_limited` with `Retry-After` (routes
  declaring `ctx_screened` / `ctx_admitted` count their own, batched with their other Redis checks).
  The client IP is `request.remote_addr` when `server.proxies_count` trusted proxies add
  X-Forwarded-For (nginx in front: 1), else the peer address.

Shutdown (SIGTERM): /readyz turns 503 and the server keeps accepting for `server.shutdown_delay_s`
(`begin_draining`), then stops accepting, lets requests in flight finish for up to
`server.graceful_shutdown_s`, then runs the features' `stop` (consumers; outbox sends in flight
get `outbox.drain_s`, then their claims are handed back) and closes the shared resources
(bot/app.py `stop_resources`). Send SIGTERM to the main process (Docker, Kubernetes, systemd
`KillMode=mixed`); a signal to every process of the group is tolerated too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import signal
from typing import Any

from sanic import Request, Sanic, json
from sanic.exceptions import ServiceUnavailable
from sanic.response import HTTPResponse

from bot.infra.ratelimit import RateLimited, Verdict, limiter_of
from bot.web.policy import ADMIN_GROUP, RoutePolicyError, resolve_all, route_policy
from bot.web.session import current_user, require_user

USER_GROUPS = ("help", "draw")  # groups whose per-user rule counts the session's user
RATE_LIMITED_MESSAGE = "请求过于频繁，请稍后再试"


def client_ip(request: Request) -> str:
    trusts = getattr(request.app.ctx, "trusts_proxy", None)  # read once: three config lookups cost 6 µs
    if trusts is None:
        cfg = request.app.config
        trusts = request.app.ctx.trusts_proxy = bool(cfg.PROXIES_COUNT or cfg.REAL_IP_HEADER or cfg.FORWARDED_SECRET)
    if trusts:
        return request.remote_addr or request.ip
    return request.ip  # no proxy trusted: Sanic's forwarded-header parsing could only find nothing


def admin_token_of(request: Request) -> str | None:
    """A digest of the admin token when the request carries the right one, else None: the admin
    API's per-token identity (no token in a Redis key; a wrong guess makes no counter)."""
    expected = request.app.ctx.settings.admin.token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return None
    return hashlib.sha256(expected.encode()).hexdigest()[:16]


def _user_of(request: Request, group: str) -> str | None:
    if group == ADMIN_GROUP:
        return admin_token_of(request)
    if group not in USER_GROUPS:
        return None
    user = current_user(request)
    return str(user.id) if user else None


async def on_routed(request: Request, route: Any, **_: Any) -> None:
    """The body limit and the rate limit of the route just matched (http.routing.after)."""
    policy = route_policy(request.app, route)
    if policy.readiness and getattr(request.app.ctx, "draining", False):
        raise ServiceUnavailable("shutting down")
    body_limit = policy.body_limit
    stream = getattr(request, "stream", None)
    if body_limit is not None and stream is not None:
        stream.request_max_size = min(stream.request_max_size, body_limit)
    group = policy.rate
    if group is None:
        return
    verdict = await limiter_of(request.app).check(group, client_ip(request), _user_of(request, group))
    if not verdict.allowed:
        request.ctx.refusal = "rate_limited"
        raise RateLimited(verdict.retry_after_s)


def refuse(request: Request, verdict: Verdict) -> None:
    """Raise the 429 of a refused verdict (a route that counts its own limits)."""
    if not verdict.allowed:
        request.ctx.refusal = "rate_limited"
        raise RateLimited(verdict.retry_after_s)


async def refuse_anonymous(request: Request, group: str) -> None:
    """A request to a `ctx_screened` route without a session: count its client IP as the routing
    signal would, then answer 401 (`require_user`) or 429."""
    if current_user(request) is None:
        refuse(request, await limiter_of(request.app).check(group, client_ip(request), None))
        require_user(request)


async def rate_limited(request: Request, e: RateLimited) -> HTTPResponse:
    headers = {"Retry-After": str(e.retry_after_s)}
    rid = getattr(request.ctx, "request_id", "")
    if rid:
        headers["X-Request-Id"] = rid
    return json({"error": "rate_limited", "message": RATE_LIMITED_MESSAGE}, status=429, headers=headers)


async def begin_draining(app: Sanic) -> None:
    """SIGTERM received (before_server_stop): /readyz answers 503 and the listener stays open for
    `server.shutdown_delay_s` — requests already on the wire are read and become in-flight ones
    (Sanic closes connections it sees idle, unread bytes and all), and a balancer polling /readyz
    takes this instance out. Background jobs stop taking new work now (sends in flight continue;
    `stop` drains them after the requests). Repeat SIGTERM/SIGINT are ignored from here on: Sanic
    restores the default handlers once its loop stops, and a signal to the whole process group
    (systemd's default KillMode) plus the one the main process forwards would cut the drain short."""
    app.ctx.draining = True
    jobs = getattr(app.ctx, "jobs", None)  # bot/jobs/runner.py: claim no more outbox work, stop consuming
    if jobs is not None:
        jobs.stop.set()
    if os.environ.get("SANIC_WORKER_PROCESS") != "true":  # served in-process (demo, test client): no balancer,
        return  # and the host process keeps its own signal handling
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    await asyncio.sleep(app.ctx.settings.server.shutdown_delay_s)


def check_route_policy(app: Sanic) -> None:
    """Resolve every route's declared policy (bot/web/policy.py) and refuse to boot, naming every
    offender, when a POST/PUT/PATCH/DELETE route declares no body limit or a declaration is wrong
    (an unknown `ctx_*` key, a rate group that does not exist). Call once the routes are in place."""
    problems = resolve_all(app)
    if problems:
        raise RoutePolicyError("route policy: fix these routes' ctx_* declarations "
                               "(docs/architecture.md, Route policy):\n  " + "\n  ".join(problems))


def install(app: Sanic) -> None:
    s = app.ctx.settings
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = s.server.graceful_shutdown_s
    if s.server.proxies_count:
        app.config.PROXIES_COUNT = s.server.proxies_count
    app.signal("http.routing.after")(on_routed)
    app.exception(RateLimited)(rate_limited)
    app.before_server_stop(begin_draining)


def defer_manager_shutdown() -> None:
    """Make Sanic's main process stop its workers from its monitor loop, not from the signal handler.

    Sanic 25.12's `WorkerManager.shutdown_signal` terminates the workers inside the SIGTERM
    handler, which writes to the multiprocessing manager connection the interrupted monitor loop
    may be in the middle of using (`_sync_states`): seen under load as TypeError / AttributeError
    tracebacks and exit code 1 after the workers had drained cleanly. Here the handler only wakes
    the monitor loop (as Sanic's own handler does too); `run` terminates the workers once the loop
    has returned. A second signal still kills at once. Call before `Sanic.serve`."""
    from sanic.exceptions import ServerKilled
    from sanic.log import logger
    from sanic.worker.manager import WorkerManager

    def shutdown_signal(self: Any, signum: int, _frame: Any) -> None:
        if self._shutting_down or getattr(self, "_stop_requested", False):
            logger.info("Shutdown interrupted. Killing.")
            with contextlib.suppress(ServerKilled):
                self.kill()
            return
        logger.info("Received signal %s. Shutting down.", signal.Signals(signum).name)
        self._stop_requested = True
        self.monitor_publisher.send(None)

    def run(self: Any) -> None:
        self.start()
        self.monitor()
        if getattr(self, "_stop_requested", False):
            self.shutdown()
        self.join()
        self.terminate()
        self.cleanup()

    WorkerManager.shutdown_signal = shutdown_signal  # type: ignore[method-assign]
    WorkerManager.run = run  # type: ignore[method-assign]
