"""CSV exports for admins: packets, helps, ledger, draws, coupons and the audit log created on a
range of days in `campaign.timezone` — `GET /admin/api/exports/{kind}?from=YYYY-MM-DD&to=YYYY-MM-DD`
(bearer token) and `GET /admin/export?kind={kind}&…` (the admin page's cookie).

UTF-8 with a BOM, so Excel shows Chinese; times in the campaign's timezone; money in fen. Streamed:
rows are read in keyset pages (`id > last` ordered by id, EXPORT_PAGE rows a page) and each page is
written to the socket before the next is read, so a million rows never sit in memory. A page is its
own query: rows committed while an export runs may or may not appear (no snapshot is held open).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from tortoise.models import Model
from tortoise.queryset import QuerySet

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.web.admin_api import invalid, not_found, require_admin
from bot.web.policy import ADMIN_API
from handlers.admin.audit import audit_query
from handlers.admin.audit_api import audit_filter
from models.coupon import UserCoupon
from models.enums import PacketStatus
from models.export_rules import BOM, cell, range_of
from models.ledger import LedgerEntry
from models.lottery import LotteryDraw
from models.redpacket import Help, RedPacket
from models.redpacket_rules import local_day

bp = Blueprint("exports")

EXPORT_PAGE = 2000


@dataclass(frozen=True)
class Export:
    """A kind of export: its rows (`query` of a range) and columns (header -> field of `values()`)."""

    query: Callable[[Request, Any, Any], QuerySet[Any]]
    columns: dict[str, str]
    convert: dict[str, Callable[[Any], Any]]


def _json_text(state: Any) -> str:
    return "" if state is None else json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def _created(model: type[Model]) -> Callable[[Request, Any, Any], QuerySet[Any]]:
    return lambda request, start, end: model.filter(created_at__gte=start, created_at__lt=end)


def _audit(request: Request, start: Any, end: Any) -> QuerySet[Any]:
    f = audit_filter(request.args, request.app.ctx.settings.campaign.tz)
    return audit_query(f).filter(created_at__gte=start, created_at__lt=end)


EXPORTS: dict[str, Export] = {
    "packets": Export(_created(RedPacket), {
        "id": "id", "owner_openid": "owner__openid", "goods_name": "goods_name", "amount_fen": "amount_fen",
        "split_fen": "split_fen", "help_count": "help_count", "status": "status", "created_at": "created_at",
        "shared_at": "shared_at", "expire_time": "expire_time", "end_time": "end_time"},
        {"status": lambda v: PacketStatus(v).wire}),
    "helps": Export(_created(Help), {
        "id": "id", "packet_id": "packet_id", "helper_openid": "helper__openid", "owner_id": "owner_id",
        "amount_fen": "amount_fen", "kind": "kind", "is_last": "is_last", "settings_version": "settings_version",
        "created_at": "created_at"}, {}),
    "ledger": Export(_created(LedgerEntry), {
        "id": "id", "user_openid": "user__openid", "kind": "kind", "amount_fen": "amount_fen", "ref": "ref",
        "packet_id": "packet_id", "created_at": "created_at"}, {}),
    "draws": Export(_created(LotteryDraw), {
        "id": "id", "user_openid": "user__openid", "activity_id": "activity_id", "payment_id": "payment_id",
        "prize_id": "prize_id", "prize_name": "prize__name", "prize_kind": "prize_kind", "won": "won",
        "activity_version": "activity_version", "created_at": "created_at"}, {}),
    "coupons": Export(_created(UserCoupon), {
        "id": "id", "user_openid": "user__openid", "template_id": "template_id", "name": "name", "kind": "kind",
        "value": "value", "threshold_fen": "threshold_fen", "source": "source", "valid_from": "valid_from",
        "valid_until": "valid_until", "used_at": "used_at", "redeem_ref": "redeem_ref", "created_at": "created_at"},
        {}),
    "audit": Export(_audit, {
        "id": "id", "at": "created_at", "actor": "actor", "role": "role", "channel": "channel", "ip": "ip",
        "action": "action", "target": "target", "before": "before", "after": "after", "request_id": "request_id"},
        {"before": lambda v: _json_text(v), "after": lambda v: _json_text(v)}),
}


def export_range(request: Request) -> tuple[Any, Any, str]:
    """(start, end, label) of the `from`/`to` days (default: today); 400 listing every problem."""
    tz = request.app.ctx.settings.campaign.tz
    problems: list[str] = []
    raw_from, raw_to = str(request.args.get("from", "")), str(request.args.get("to", ""))
    today = local_day(utcnow(), tz)
    span = range_of(raw_from, raw_to, tz, today, problems)
    if span is None:
        raise invalid(problems)
    first, after_last = span[0].astimezone(tz).date(), span[1].astimezone(tz).date()
    return span[0], span[1], f"{first.isoformat()}_{(after_last - dt.timedelta(days=1)).isoformat()}"


def _csv_chunk(rows: list[dict[str, Any]], spec: Export, tz: ZoneInfo) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf)
    fields = list(spec.columns.values())
    for r in rows:
        out.writerow([cell(spec.convert[f](r[f]) if f in spec.convert else r[f], tz) for f in fields])
    return buf.getvalue().encode()


async def stream_export(request: Request, kind: str) -> None:
    """Answer with the CSV of `kind`, page by page (the module docstring's contract)."""
    spec = EXPORTS.get(kind)
    if spec is None:
        raise not_found("导出类型")
    start, end, label = export_range(request)
    query = spec.query(request, start, end)  # validated before the first byte goes out
    tz = request.app.ctx.settings.campaign.tz
    response = await request.respond(content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{kind}_{label}.csv"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})
    header = io.StringIO()
    csv.writer(header).writerow(spec.columns)
    await response.send((BOM + header.getvalue()).encode())
    last_id = 0
    fields = list(spec.columns.values())
    while True:
        rows = await query.filter(id__gt=last_id).order_by("id").limit(EXPORT_PAGE).values(*fields)
        if rows:
            await response.send(_csv_chunk(rows, spec, tz))
            last_id = rows[-1]["id"]
        if len(rows) < EXPORT_PAGE:
            break
    await response.eof()


@bp.get("/admin/api/exports/<kind:str>", **ADMIN_API)
async def export_api(request: Request, kind: str) -> HTTPResponse | None:
    require_admin(request)
    await stream_export(request, kind)
    return None


@bp.get("/admin/export")
async def export_page(request: Request) -> HTTPResponse | None:
    """The admin page's download (`?kind=…&from=…&to=…`), signed in with the page's cookie."""
    from handlers.admin.page import admin_nonce  # the page imports this module's kinds

    if admin_nonce(request) is None:
        raise FissionError(ErrorCode.UNAUTHENTICATED, "请先登录管理后台")
    await stream_export(request, str(request.args.get("kind", "")))
    return None
