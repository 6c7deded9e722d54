"""The audit log for admins: `GET /admin/api/audit` (newest first, filtered by actor, action prefix
and a range of campaign-timezone days); the admin page shows the same list (handlers/admin/page.py)
and handlers/admin/exports.py streams it as CSV."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.web.admin_api import invalid, require_admin
from bot.web.policy import ADMIN_API, route_defaults
from handlers.admin.audit import AuditFilter, audit_entries
from models.export_rules import range_of
from models.redpacket_rules import local_day

bp = route_defaults(Blueprint("audit_admin", url_prefix="/admin/api"), **ADMIN_API)


def audit_filter(args: Any, tz: ZoneInfo) -> AuditFilter:
    """The filter in query `args` (actor, action, from, to); 400 listing every problem."""
    actor, action = str(args.get("actor", "")).strip()[:64], str(args.get("action", "")).strip()[:64]
    raw_from, raw_to = str(args.get("from", "")), str(args.get("to", ""))
    if not raw_from.strip() and not raw_to.strip():
        return AuditFilter(actor, action)
    problems: list[str] = []
    span = range_of(raw_from, raw_to, tz, local_day(utcnow(), tz), problems)
    if span is None:
        raise invalid(problems)
    return AuditFilter(actor, action, *span)


@bp.get("/audit")
async def list_audit(request: Request) -> HTTPResponse:
    require_admin(request)
    raw = request.args.get("limit", "100")
    if not (raw.isascii() and raw.isdigit()):
        raise invalid(["limit must be a non-negative integer"])
    f = audit_filter(request.args, request.app.ctx.settings.campaign.tz)
    return json({"entries": await audit_entries(f, int(raw))})
