"""Route policy, declared at the route with Sanic's `ctx_*` route kwargs, read by the HTTP edge.

    @bp.post("/share/<token:str>/help", ctx_body_limit=4 * KIB, ctx_rate="help", ctx_screened=True,
             ctx_metric="helps")

What a route may declare (each lands on `route.ctx`; nothing is keyed by route name elsewhere):
- `ctx_body_limit`: bytes, tighter than `server.max_body_bytes` (bot/web/protection.py: 413 before
  the body is read), or SERVER_MAX_BODY for "no tighter limit". Every POST, PUT, PATCH and DELETE
  route must declare one: `protection.check_route_policy` refuses to boot otherwise;
- `ctx_rate`: the rate-limit group (`ratelimit.<group>`, one of bot.infra.ratelimit.GROUPS)
  counted on the routing signal; with `ctx_screened=True` (counted inside the route's batched
  Redis screen) or `ctx_admitted=True` (counted after the callback's signature check) the route
  counts its group itself and the routing signal leaves it alone;
- `ctx_page=True`: an H5 page — refused inputs are answered in HTML (bot/web/inputguard.py), not JSON;
- `ctx_metric`: "helps" or "draws" — the answer is counted in that outcome metric (bot/web/metrics.py);
- `ctx_readiness=True`: the readiness probe, 503 once the process is draining;
- `ctx_sessionless=True`: the route never reads a phone's session (signed webhooks, WeChat's
  callbacks, probes): the session check (bot/web/session_epochs.py) is not attached to it.

The HEAD and OPTIONS twins every path gets (bot/web/edge.py) declare their route's rate group, page
answer and readiness (`twin_declarations`).

A blueprint whose every route shares a policy declares it once with `route_defaults(bp, ...)`
(e.g. ADMIN_API for the admin API blueprints); a route's own `ctx_*` wins over it. Defaults when
nothing is declared: no rate limit, the server's body limit (allowed for GET/HEAD/OPTIONS only),
JSON refusals, no outcome metric.

Declarations are turned into one frozen RoutePolicy per route, cached on `route.ctx.policy` at boot
(`resolve_all`, run by `check_route_policy`), so a request pays one attribute read for all of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sanic import Blueprint, Request, Sanic

from bot.infra.ratelimit import GROUPS

KIB = 1024
SERVER_MAX_BODY = 0  # a declared body limit meaning "no tighter limit than server.max_body_bytes"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
METRICS = frozenset({"helps", "draws"})
FLAGS = ("screened", "admitted", "page", "readiness", "sessionless")
KEYS = frozenset({"body_limit", "rate", "metric", *FLAGS})
DEFAULTS_ATTR = "route_policy_defaults"
ADMIN_GROUP = "admin"  # bot/web/protection.py counts this group per IP and per admin token

# every admin API route: counted per IP and per admin token; admin writes take the server's body limit
ADMIN_API: Mapping[str, Any] = MappingProxyType({"ctx_rate": ADMIN_GROUP, "ctx_body_limit": SERVER_MAX_BODY,
                                                "ctx_sessionless": True})  # a bearer token, no phone's session


class RoutePolicyError(RuntimeError):
    """A route declares no policy where one is required, or a policy that cannot be right."""


@dataclass(frozen=True, slots=True)
class RoutePolicy:
    label: str = "unmatched"  # the route's name without the app's ("share.help_split"): metric label
    body_limit: int | None = None  # None: server.max_body_bytes
    rate: str | None = None  # the group the routing signal counts (None: none, or the route counts its own)
    page: bool = False
    metric: str | None = None
    readiness: bool = False


UNMATCHED = RoutePolicy()


def route_defaults(bp: Blueprint, **ctx_kwargs: Any) -> Blueprint:
    """Policy for every route of `bp` that does not declare the same key itself, spelled as the
    route kwargs are (`route_defaults(bp, **ADMIN_API)`)."""
    bad = [k for k in ctx_kwargs if not k.startswith("ctx_")]
    if bad:
        raise TypeError(f"route_defaults takes ctx_* keywords only, not {', '.join(bad)}")
    setattr(bp.ctx, DEFAULTS_ATTR, {k.removeprefix("ctx_"): v for k, v in ctx_kwargs.items()})
    return bp


def _declared(route: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    return {**defaults, **{k: v for k, v in vars(route.ctx).items() if k != "policy"}}


def _defaults_by_route(app: Sanic) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for bp in app.blueprints.values():
        defaults = getattr(bp.ctx, DEFAULTS_ATTR, None)
        if defaults:
            for route in bp.routes:
                found[id(route)] = defaults
    return found


TWIN_KEYS = ("rate", "screened", "admitted", "page", "readiness", "sessionless")


def twin_declarations(app: Sanic) -> Callable[[Any], dict[str, Any]]:
    """For the HEAD and OPTIONS twins of a route (bot/web/edge.py): the `ctx_*` keywords they
    declare — the route's rate group, page answer and readiness, not its body limit or outcome
    metric. A HEAD runs the GET's handler, so it is limited as the GET is."""
    defaults = _defaults_by_route(app)

    def of(route: Any) -> dict[str, Any]:
        declared = _declared(route, defaults.get(id(route), {}))
        return {f"ctx_{k}": declared[k] for k in TWIN_KEYS if k in declared}

    return of


def sessionless(app: Sanic) -> Callable[[Any], bool]:
    """Whether a route declares `ctx_sessionless` (itself, or its blueprint's defaults)."""
    defaults = _defaults_by_route(app)
    return lambda route: bool(_declared(route, defaults.get(id(route), {})).get("sessionless"))


def _policy(app: Sanic, route: Any, declared: dict[str, Any]) -> RoutePolicy:
    limit = declared.get("body_limit")
    counts_own = bool(declared.get("screened") or declared.get("admitted"))
    return RoutePolicy(label=(route.name or "").removeprefix(app.name + "."),
                       body_limit=limit or None,  # SERVER_MAX_BODY -> None
                       rate=None if counts_own else declared.get("rate"),
                       page=bool(declared.get("page")), metric=declared.get("metric"),
                       readiness=bool(declared.get("readiness")))


def problems_of(route: Any, declared: dict[str, Any]) -> list[str]:
    """What is wrong with one route's declaration (empty: nothing)."""
    where = f"{route.name} {','.join(sorted(route.methods))} /{route.path}"
    found = [f"{where}: unknown policy ctx_{k} (known: {', '.join(sorted(KEYS))})" for k in declared if k not in KEYS]
    limit = declared.get("body_limit")
    if "body_limit" not in declared:
        if route.methods & WRITE_METHODS:
            found.append(f"{where}: no body limit (ctx_body_limit=<bytes>, or SERVER_MAX_BODY)")
    elif type(limit) is not int or limit < 0:
        found.append(f"{where}: ctx_body_limit must be a byte count, not {limit!r}")
    rate = declared.get("rate")
    if rate is not None and rate not in GROUPS:
        found.append(f"{where}: ctx_rate {rate!r} is no rate-limit group ({', '.join(GROUPS)})")
    if (declared.get("screened") or declared.get("admitted")) and rate is None:
        found.append(f"{where}: ctx_screened / ctx_admitted need the ctx_rate the route counts itself")
    metric = declared.get("metric")
    if metric is not None and metric not in METRICS:
        found.append(f"{where}: ctx_metric {metric!r} is none of {', '.join(sorted(METRICS))}")
    return found


def resolve_all(app: Sanic) -> list[str]:
    """Cache every route's RoutePolicy on `route.ctx.policy`; return what is wrong with the
    declarations (each route resolved anyway, so a caller may choose to only warn)."""
    defaults = _defaults_by_route(app)
    found: list[str] = []
    for route in app.router.routes:
        declared = _declared(route, defaults.get(id(route), {}))
        found += problems_of(route, declared)
        route.ctx.policy = _policy(app, route, declared)
    return found


def policy_of(request: Request) -> RoutePolicy:
    """The matched route's policy: one attribute read once resolved."""
    route = request.route
    return UNMATCHED if route is None else route_policy(request.app, route)


def route_policy(app: Sanic, route: Any) -> RoutePolicy:
    try:
        return route.ctx.policy
    except AttributeError:  # an app whose routes were never checked, or a route added since
        policy = route.ctx.policy = _policy(app, route, _declared(route, _defaults_by_route(app).get(id(route), {})))
        return policy
