"""The admin page's audit section: the filter from the query string, the newest matching entries
with times in the campaign's timezone and their before/after states as compact JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from sanic import Request

from bot.clock import utcnow
from bot.errors import FissionError
from handlers.admin.audit import AuditFilter, audit_actions, audit_entries
from handlers.admin.audit_api import audit_filter
from models.redpacket_rules import local_day

AUDIT_ON_PAGE = 50
EXPORT_LABELS = (("packets", "红包"), ("helps", "帮拆记录"), ("ledger", "资金流水"), ("draws", "抽奖记录"),
                 ("coupons", "优惠券"), ("audit", "审计日志"))
STATE_CHARS = 300


def _state_text(state: Any) -> str:
    if state is None:
        return "—"
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= STATE_CHARS else text[:STATE_CHARS] + "…"


async def audit_context(request: Request) -> dict[str, Any]:
    tz = request.app.ctx.settings.campaign.tz
    fields = {k: str(request.args.get(k, "")).strip()[:64] for k in ("actor", "action", "from", "to")}
    error = ""
    try:
        f = audit_filter(request.args, tz)
    except FissionError as e:
        f, error = AuditFilter(fields["actor"], fields["action"]), e.message
    entries = await audit_entries(f, AUDIT_ON_PAGE)
    rows = _local(entries, tz)
    query = urlencode({k: v for k, v in fields.items() if v})
    return {"audit": rows, "audit_q": {**fields, "query": query}, "audit_error": error,
            "audit_actions": await audit_actions(), "export_kinds": EXPORT_LABELS, "export_tz": str(tz),
            "export_today": local_day(utcnow(), tz).isoformat()}


def _local(entries: list[dict[str, Any]], tz: Any) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        at = dt.datetime.fromisoformat(e["at"].replace("Z", "+00:00")).astimezone(tz)
        out.append({**e, "local_at": at.strftime("%Y-%m-%d %H:%M:%S"), "before_text": _state_text(e["before"]),
                    "after_text": _state_text(e["after"])})
    return out
