"""Outbox dead letters for admins (API.md, Admin): list them, send one again.

A dead letter is an outbox row the worker gave up on (bot/jobs/worker.py: a permanent WeChat
error, or `outbox.max_attempts` failures). `retry_dead_letter` puts it back in the queue as if new —
pending, attempts 0, due now — and only while it is still dead (a conditional update: two admins
pressing retry queue it once). It keeps its key, so WeChat's `client_msg_id` still guards repeats.
Both the admin API below (bearer token) and the admin page (handlers/admin/page.py) call these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.web.admin_api import audit_of, not_found, require_admin
from bot.web.policy import ADMIN_API, route_defaults
from handlers.admin.audit import AuditScope
from handlers.wire import iso
from models.enums import OutboxStatus
from models.outbox import OutboxMessage

bp = route_defaults(Blueprint("outbox_admin", url_prefix="/admin/api/outbox"), **ADMIN_API)

DEAD_PAGE_MAX = 200


async def dead_letters(limit: int = 50) -> list[dict[str, Any]]:
    """The newest dead letters first (at most DEAD_PAGE_MAX)."""
    rows = await OutboxMessage.filter(status=OutboxStatus.DEAD).order_by("-id").limit(
        max(1, min(limit, DEAD_PAGE_MAX))).values("id", "key", "kind", "attempts", "last_error", "created_at")
    return [{**r, "created_at": iso(r["created_at"]), "last_error": (r["last_error"] or "")[:500]} for r in rows]


async def retry_dead_letter(outbox_id: int, now: dt.datetime) -> bool:
    """Queue a dead letter again; True when it was dead (and now is pending), False otherwise."""
    n = await OutboxMessage.filter(id=outbox_id, status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
    return n > 0


def audit_retry(scope: AuditScope, outbox_id: int, retried: bool) -> None:
    """Record a dead letter queued again; pressing retry on one that was not dead changed nothing."""
    if not retried:
        scope.unchanged()
        return
    scope.record(target=f"outbox_id={outbox_id}", before={"status": str(OutboxStatus.DEAD)},
                 after={"status": str(OutboxStatus.PENDING), "attempts": 0})


@bp.get("/dead")
async def list_dead(request: Request) -> HTTPResponse:
    require_admin(request)
    raw = request.args.get("limit", "50")
    if not (raw.isascii() and raw.isdigit()):
        raise FissionError(ErrorCode.INVALID_BODY, "limit 必须是非负整数")
    return json({"dead": await dead_letters(int(raw))})


@bp.post("/<outbox_id:int>/retry")
async def retry(request: Request, outbox_id: int) -> HTTPResponse:
    """200 when queued again; 404 for an unknown id; 409 `bad_transition` when it is not dead."""
    require_admin(request)
    retried = await retry_dead_letter(outbox_id, utcnow())
    audit_retry(audit_of(request), outbox_id, retried)
    if retried:
        return json({"id": outbox_id, "status": str(OutboxStatus.PENDING), "retried": True})
    status = await OutboxMessage.filter(id=outbox_id).values_list("status", flat=True)
    if not status:
        raise not_found("消息")
    raise FissionError(ErrorCode.BAD_TRANSITION, f"只有失败的消息可以重试（当前状态 {status[0]}）")
