"""The work every HTTP request pays before and after its route, as one request and one response
middleware (installed by `create_app`).

Sanic dispatches two signals around every middleware it runs and awaits each async one, so six
small middlewares cost more than the work inside them; here the request side is one plain
function (request id, latency clock, impossible inputs) and so is the response side (the
request id echoed, the request counted). Order on the request side: the id first, so a refused
input's answer and its log lines carry it.
"""

from __future__ import annotations

import gc
import itertools
import os
import random
import time
from functools import partial
from inspect import isawaitable
from typing import Any

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse, HTTPResponse, empty

from bot.infra import logs
from bot.web import inputguard, metrics, policy

REQUEST_ID_HEADER = "X-Request-Id"
MAX_GIVEN_ID_CHARS = 64


class _Ids:
    """Request ids of this process: a random 64-bit prefix drawn when the process starts (again
    in every forked worker) and a counter. Not secrets — they are echoed and logged — so no
    urandom call and no 128-bit draw per request."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.prefix = f"{random.SystemRandom().getrandbits(64):016x}"
        self.counter = itertools.count()


_IDS = _Ids()
os.register_at_fork(after_in_child=_IDS.reset)


def new_request_id() -> str:
    """32 hex digits, unique across the deployment's processes."""
    return f"{_IDS.prefix}{next(_IDS.counter):016x}"


def request_id_of(request: Request) -> str:
    """The caller's X-Request-Id when it is sane (1–64 ASCII characters), else a fresh one."""
    given = request.headers.get("x-request-id", "")
    return given if 0 < len(given) <= MAX_GIVEN_ID_CHARS and given.isascii() else new_request_id()


def on_request(request: Request) -> HTTPResponse | None:
    request.ctx.request_id = rid = request_id_of(request)
    logs.REQUEST_ID.set(rid)  # logs and outbox rows of this request carry it
    request.ctx.metrics_t0 = time.perf_counter()
    return inputguard.refusal(request)


def on_response(request: Request, response: BaseHTTPResponse) -> None:
    rid = getattr(request.ctx, "request_id", None)
    if rid and response is not None:
        response.headers[REQUEST_ID_HEADER] = rid
    metrics.observe(request, response)


def extend(app: Sanic) -> None:
    """sanic-ext as Sanic would load it by itself, minus dependency injection: its handler on the
    routing signal looks every request's route up for injected arguments, and Fission injects
    none. Call after the routes and the OpenAPI settings are in place (bot/web/docs.py)."""
    from sanic_ext.extensions.health.extension import HealthExtension
    from sanic_ext.extensions.http.extension import HTTPExtension
    from sanic_ext.extensions.logging.extension import LoggingExtension
    from sanic_ext.extensions.openapi.extension import OpenAPIExtension
    from sanic_ext.extensions.templating.extension import TemplatingExtension

    # HEAD and OPTIONS are added here, once, before any worker exists (`add_head_and_options`):
    # sanic-ext adds them in every worker at start, and each route it adds to a started app
    # rebuilds the signal router — 1.2 CPU-seconds per worker for ~150 routes, on every start.
    app.config.HTTP_AUTO_HEAD = False
    app.config.HTTP_AUTO_OPTIONS = False
    app.extend(built_in_extensions=False, extensions=[OpenAPIExtension, HTTPExtension, HealthExtension,
                                                      LoggingExtension, TemplatingExtension])
    add_head_and_options(app)  # after the document's own routes


async def _head(request: Request, *args: Any, get_handler: Any, **kwargs: Any) -> Any:
    """HEAD runs the route's GET handler; Sanic sends its headers without the body."""
    answer = get_handler(request, *args, **kwargs)
    return await answer if isawaitable(answer) else answer


async def _options(request: Request, *args: Any, methods: str, **kwargs: Any) -> HTTPResponse:
    return empty(headers={"allow": methods})


def add_head_and_options(app: Sanic) -> None:
    """What sanic-ext's automatic HEAD and OPTIONS give (same route names, answers and headers;
    left out of the OpenAPI document), added to the app before it starts: every path with a GET
    answers HEAD, every path answers OPTIONS with `Allow` listing its methods. Each twin declares
    its route's rate group, page answer and readiness (bot/web/policy.py)."""
    declared = policy.twin_declarations(app)
    app.router.reset()
    for group in list(app.router.groups.values()):
        if "GET" in group.methods and "HEAD" not in group.methods:
            for route in group:
                if "GET" in route.methods:
                    app.add_route(partial(_head, get_handler=route.handler), group.uri, methods=["HEAD"],
                                  strict_slashes=group.strict, name=f"{route.name}_head",
                                  host=route.requirements.get("host"), unquote=group.unquote, **declared(route))
    app.router.reset()
    for group in list(app.router.groups.values()):
        if "OPTIONS" not in group.methods:
            base = next((r for r in group if not r.name.endswith("_head")), group[0])
            hosts = list({r.get("host") for r in group.requirements}) if group.requirements else None
            app.add_route(partial(_options, methods=",".join([*group.methods, "OPTIONS"])), group.uri,
                          methods=["OPTIONS"], strict_slashes=group.strict, name=f"{base.name}_options",
                          host=hosts, unquote=group.unquote, **declared(base))


async def freeze_startup_objects(app: Sanic) -> None:
    """After a served worker has made its connections, pools and caches (after_server_start):
    what survives a collection now is kept for good, as main.py does before forking. The
    collector's full passes then walk only what requests made since, not the worker's whole heap
    (a few microseconds per request on /healthz). Not in-process apps (tests, the demo)."""
    if os.environ.get("SANIC_WORKER_PROCESS") == "true":
        gc.collect()
        gc.freeze()


def install(app: Sanic) -> None:
    # sanic-ext's CORS adds a response middleware to every request; no origin is allowed here (the
    # H5 pages and the API share one origin), so it could only ever add nothing.
    app.config.CORS = False
    app.register_middleware(on_request, "request")
    app.register_middleware(on_response, "response")
    app.after_server_start(freeze_startup_objects)
