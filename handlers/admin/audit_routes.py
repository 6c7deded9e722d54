"""Every admin write route runs inside an audit scope — by construction, not by remembering.

`install(app)` (called by create_app once every blueprint is registered) wraps each route under
`/admin` answering POST, PUT, PATCH or DELETE: the wrapper identifies the actor (bearer token on
`/admin/api/…`: 401 otherwise; the page's signed cookie plus its CSRF form token elsewhere: back
to the page with "expired" otherwise), opens `audit_scope` (handlers/admin/audit.py) named after the
route, exposes it as `request.ctx.audit`, and runs the handler inside it. What the handler does
not record itself is filled in: the target from the route's parameters, the state after from the
JSON answer (API) or the posted form (page). Only handlers marked `@not_audited` (signing in and
out changes no data) are left alone; `unaudited_write_routes(app)` lists what is neither.

Roles, checked by the same wrapper before anything runs: a viewer changes nothing (403 on the
API and on the page, which then shows "forbidden" and a link back); an operator runs what is not
marked; a handler marked `@requires_role(Role.OWNER)` (bot/web/admin_api.py; budgets, settings)
needs an owner. The bearer token is an owner.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from bot.errors import ErrorCode, FissionError
from bot.web.admin_api import AUDITED_ATTR, EXEMPT_ATTR, MIN_ROLE_ATTR, require_admin
from bot.web.protection import client_ip
from handlers.admin.audit import TOKEN_ACTOR, Actor, Channel, Role, audit_scope

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLE_RANK = {Role.VIEWER: 0, Role.OPERATOR: 1, Role.OWNER: 2}




def allowed(role: str, handler: Callable[..., Any]) -> bool:
    return ROLE_RANK.get(role, -1) >= ROLE_RANK[getattr(handler, MIN_ROLE_ATTR, Role.OPERATOR)]






def api_actor(request: Request) -> Actor:
    require_admin(request)  # 401 unless the bearer token matches
    return Actor(TOKEN_ACTOR, Role.OWNER, Channel.API, client_ip(request))


def page_actor(request: Request) -> Actor | HTTPResponse:
    """The signed-in page admin (cookie + CSRF token), or the redirect back to the page."""
    from handlers.admin import page as admin_page

    who = admin_page.form_identity(request)
    if who is None:
        return admin_page.back("expired")
    return Actor(who[0], who[1], Channel.PAGE, client_ip(request))


def _forbidden(api: bool) -> HTTPResponse:
    from handlers.admin import page as admin_page

    if api:
        raise FissionError(ErrorCode.FORBIDDEN, "没有权限")
    return admin_page.refused()


def _after_of(request: Request, response: HTTPResponse, api: bool) -> Any:
    if api:
        ctype = response.content_type or ""
        return json.loads(response.body) if ctype.startswith("application/json") and response.body else None
    form: dict[str, Any] = request.form or {}
    return {k: str(form.get(k)) for k in form if k != "csrf"}


def audited(action: str, api: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(handler: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(handler)
        async def run(request: Request, *args: Any, **params: Any) -> HTTPResponse:
            actor = api_actor(request) if api else page_actor(request)
            if isinstance(actor, HTTPResponse):
                return actor
            if not allowed(actor.role, handler):
                return _forbidden(api)
            target = ",".join(f"{k}={v}" for k, v in params.items())
            async with audit_scope(actor, action, target, getattr(request.ctx, "request_id", "")) as scope:
                request.ctx.audit = scope
                response = await handler(request, *args, **params)
                if "after" not in scope.recorded:
                    scope.after = _after_of(request, response, api)
            return response

        setattr(run, AUDITED_ATTR, action)
        return run

    return wrap


def _admin_writes(app: Sanic) -> list[Any]:
    return [r for r in app.router.routes
            if ("/" + r.path).replace("//", "/").startswith("/admin") and WRITE_METHODS & set(r.methods)]


def install(app: Sanic) -> None:
    """Wrap every admin write route (see the module docstring). Idempotent."""
    prefix = app.name + "."
    for route in _admin_writes(app):
        handler = route.handler
        if getattr(handler, AUDITED_ATTR, None) or getattr(handler, EXEMPT_ATTR, False):
            continue
        api = ("/" + route.path).startswith("/admin/api")
        route.handler = audited(route.name.removeprefix(prefix), api)(handler)


def unaudited_write_routes(app: Sanic) -> list[str]:
    """Admin write routes neither wrapped nor marked exempt (empty once `install` ran)."""
    return sorted(r.name for r in _admin_writes(app)
                  if not getattr(r.handler, AUDITED_ATTR, None) and not getattr(r.handler, EXEMPT_ATTR, False))


def exempt_write_routes(app: Sanic) -> list[str]:
    return sorted(r.name for r in _admin_writes(app) if getattr(r.handler, EXEMPT_ATTR, False))
