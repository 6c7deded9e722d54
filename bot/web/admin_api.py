"""What every feature's admin routes share, whatever the campaign: the bearer token, JSON bodies,
validation errors listing every problem, and the markers the back office's audit wrapper reads
(handlers/admin/audit_routes.py wraps every admin write route in an audit scope and checks roles).

A feature's admin route imports these from here, not from the admin feature: features depend on
the platform, never on the back office that sits above them."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from sanic import Request

from bot.errors import ErrorCode, FissionError

AUDITED_ATTR = "__fx_audited__"
EXEMPT_ATTR = "__fx_not_audited__"
MIN_ROLE_ATTR = "__fx_min_role__"


def require_admin(request: Any) -> None:
    """401 unless the Authorization header carries the admin token (constant-time compare)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    expected = request.app.ctx.settings.admin.token
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise FissionError(ErrorCode.UNAUTHENTICATED, "管理员令牌无效")


def admin_body(request: Request) -> dict[str, Any]:
    """The admin token checked, then the JSON object body (400 for anything else)."""
    require_admin(request)
    try:
        body = request.json
    except Exception as e:  # Sanic raises BadRequest on broken JSON: say so in one place
        raise FissionError(ErrorCode.INVALID_BODY, "请求体不是合法的 JSON") from e
    if not isinstance(body, dict):
        raise FissionError(ErrorCode.INVALID_BODY, "请求体必须是 JSON 对象")
    return body


class Invalid(FissionError):
    """A 400 listing every problem found; `problems` keeps them apart for the admin page's forms."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(ErrorCode.INVALID_BODY, "参数错误: " + "; ".join(problems))


def invalid(problems: list[str]) -> Invalid:
    """A 400 listing every problem found, e.g. "参数错误: name must be …; stock must be …"."""
    return Invalid(problems)


def enabled_problems(data: dict[str, Any]) -> list[str]:
    return [] if isinstance(data.get("enabled", True), bool) else ["enabled must be true or false"]


def not_found(what: str) -> FissionError:
    return FissionError(ErrorCode.NOT_FOUND, f"{what}不存在")


def requires_role(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark an admin write route that needs more than an operator, e.g. `@requires_role("owner")`
    (budgets, settings); put it under the route decorator."""
    def mark(handler: Callable[..., Any]) -> Callable[..., Any]:
        setattr(handler, MIN_ROLE_ATTR, role)
        return handler

    return mark


def not_audited(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an admin write route that changes no data (sign-in, sign-out)."""
    setattr(handler, EXEMPT_ATTR, True)
    return handler


def audit_of(request: Request) -> Any:
    """The audit scope (handlers/admin/audit.py `AuditScope`) the wrapper opened for this request."""
    return request.ctx.audit
