"""Operator-only endpoints: `/metrics` (counters that tell an outsider the campaign's traffic,
budget burn and errors) and the API documentation (`/docs`, `/docs/openapi.json`, `/docs/ui/…`).

With `server.internal_token` set, each of them wants `Authorization: Bearer <internal_token>`
(constant-time compare) and answers anything else 401 `unauthenticated` with
`WWW-Authenticate: Bearer` — before the handler runs, so a refused scrape costs no database
read. Empty (the default), they stay open: for deployments whose balancer never forwards these
paths. The check goes by route *name*, not by path, so no spelling of the path slips past it.
Prometheus: `authorization: {type: Bearer, credentials: <internal_token>}` in the scrape config.
"""

from __future__ import annotations

import hmac

from sanic import Request, Sanic, json
from sanic.response import HTTPResponse

INTERNAL_ROUTES = frozenset({"metrics.scrape", "docs_ui"})
INTERNAL_PREFIXES = ("openapi.",)  # sanic-ext's document and UI routes
REALM = 'Bearer realm="fission-internal"'


def is_internal(route_name: str) -> bool:
    """"fission.metrics.scrape" and the docs routes -> True (the app's name is not part of it)."""
    name = route_name.split(".", 1)[-1]
    return name in INTERNAL_ROUTES or name.startswith(INTERNAL_PREFIXES)


def bearer_matches(request: Request, expected: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


async def guard(request: Request) -> HTTPResponse | None:
    """Request middleware: 401 for an internal route without the internal token (when one is set)."""
    token = request.app.ctx.settings.server.internal_token
    route = request.route
    if not token or route is None or not is_internal(route.name or "") or bearer_matches(request, token):
        return None
    return json({"error": "unauthenticated", "message": "需要内部令牌"}, status=401,
                headers={"WWW-Authenticate": REALM})


def install(app: Sanic) -> None:
    """Installed only when a token is set: an open deployment pays nothing per request for it."""
    if app.ctx.settings.server.internal_token:
        app.register_middleware(guard, "request")
