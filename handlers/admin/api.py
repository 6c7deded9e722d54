"""Admin API (API.md, Admin): blacklist add/remove/list and live campaign statistics.

Every route needs `Authorization: Bearer {admin.token}` (`require_admin` from
bot/web/admin_api.py, a constant-time compare), else 401 `unauthenticated`. The use cases
below (`block_openid`, `unblock_openid`, `blacklist_entries`, `campaign_stats`) are the only place
these rules live; the WeCom admin commands (handlers/admin/wecom.py) call the same functions.

The blacklist lives only in the database: the help transaction reads it (handlers/redpacket/commit.py),
so an entry added or removed here is in force for the next help in every process and host.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.web.admin_api import audit_of, require_admin
from bot.web.policy import ADMIN_API, route_defaults
from bot.web.session_epochs import epochs_of
from bot.wechat.router import Epochs
from handlers.admin.audit import AuditScope
from handlers.redpacket.budget import spent_entries
from handlers.wire import iso
from models.enums import OutboxStatus, PacketStatus
from models.outbox import OutboxMessage
from models.redpacket import Help, RedPacket
from models.redpacket_rules import local_day
from models.user import BlacklistEntry

bp = route_defaults(Blueprint("admin", url_prefix="/admin/api"), **ADMIN_API)

OPENID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
BLACKLIST_PAGE_MAX = 500


# ---- use cases ----------------------------------------------------------------------------


def valid_openid(raw: str) -> str:
    """The openid, stripped; FissionError(invalid_body) unless 1-64 chars of [A-Za-z0-9_-]."""
    openid = raw.strip()
    if not OPENID_RE.fullmatch(openid):
        raise FissionError(ErrorCode.INVALID_BODY, "openid 格式不正确")
    return openid


async def block_openid(openid: str, reason: str = "", *, epochs: Epochs | None) -> bool:
    """Blacklist `openid`; True when added now, False when it was already listed (idempotent).
    Either way its sessions are voided (`epochs.bump`; None: no HTTP sessions to void, tests)."""
    openid = valid_openid(openid)
    added = False
    if not await BlacklistEntry.exists(openid=openid):
        try:
            async with in_transaction():  # a savepoint inside an audit scope: a clash must not abort it
                await BlacklistEntry.create(openid=openid, reason=reason[:255])
            added = True
        except IntegrityError:  # a concurrent admin listed it first
            pass
    if epochs is not None:
        await epochs.bump(openid)
    return added


async def unblock_openid(openid: str) -> bool:
    """Remove `openid` from the blacklist; True when it was listed (idempotent)."""
    return await BlacklistEntry.filter(openid=valid_openid(openid)).delete() > 0


async def blacklist_entries(limit: int, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """(total, newest entries first) — a page of at most BLACKLIST_PAGE_MAX."""
    limit = max(1, min(limit, BLACKLIST_PAGE_MAX))
    total = await BlacklistEntry.all().count()
    rows = await BlacklistEntry.all().order_by("-created_at", "-id").offset(max(0, offset)).limit(limit).values(
        "openid", "reason", "created_at")
    return total, [{"openid": r["openid"], "reason": r["reason"], "created_at": iso(r["created_at"])} for r in rows]


@dataclass(frozen=True)
class CampaignStats:
    """Funnel counts (packets), money in fen, outbox health — as of `at`."""

    day: dt.date
    issued: int
    shared: int
    helped: int
    split_out: int
    helps: int
    spent_today_fen: int
    spent_total_fen: int
    outbox_pending: int
    outbox_dead: int
    blacklisted: int

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        return {"funnel": {k: d[k] for k in ("issued", "shared", "helped", "split_out")}, "helps": self.helps,
                "budget": {"day": self.day.isoformat(), "spent_today": self.spent_today_fen,
                           "spent_total": self.spent_total_fen},
                "outbox": {"pending": self.outbox_pending, "dead": self.outbox_dead},
                "blacklisted": self.blacklisted}


def local_day_start(now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant at which the campaign day of `now` began."""
    return dt.datetime.combine(local_day(now, tz), dt.time(0), tzinfo=tz).astimezone(dt.UTC)


async def _one_row(query: Any, *names: str) -> dict[str, int]:
    rows = await query.values(*names)
    row = rows[0] if rows else {}
    return {n: int(row.get(n) or 0) for n in names}


async def _funnel() -> dict[str, int]:
    """Packets issued / shared-or-helped (start_time set) / helped at least once / split out."""
    q = RedPacket.all().annotate(
        issued=Count("id"), shared=Count("id", _filter=Q(start_time__isnull=False)),
        helped=Count("id", _filter=Q(help_count__gt=0)),
        split_out=Count("id", _filter=Q(status=PacketStatus.SPLIT_OUT)))
    return await _one_row(q, "issued", "shared", "helped", "split_out")


async def _budget(since: dt.datetime) -> dict[str, int]:
    """"Spent" as handlers/redpacket/budget.py defines it (owner + helper credits minus reversals): since
    `since` and ever, in one aggregate query."""
    q = spent_entries().annotate(total=Sum("amount_fen"), today=Sum("amount_fen", _filter=Q(created_at__gte=since)))
    return await _one_row(q, "total", "today")


async def _outbox() -> dict[str, int]:
    q = OutboxMessage.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.DEAD]).annotate(
        pending=Count("id", _filter=Q(status=OutboxStatus.PENDING)),
        dead=Count("id", _filter=Q(status=OutboxStatus.DEAD)))
    return await _one_row(q, "pending", "dead")


async def campaign_stats(tz: ZoneInfo, now: dt.datetime) -> CampaignStats:
    """Live statistics from five aggregate queries (no row is loaded); "today" is in `tz`."""
    funnel = await _funnel()
    budget = await _budget(local_day_start(now, tz))
    outbox = await _outbox()
    return CampaignStats(
        day=local_day(now, tz), helps=await Help.all().count(), spent_today_fen=budget["today"],
        spent_total_fen=budget["total"], outbox_pending=outbox["pending"], outbox_dead=outbox["dead"],
        blacklisted=await BlacklistEntry.all().count(), **funnel)


def audit_blacklist(scope: AuditScope, openid: str, *, was_listed: bool, now_listed: bool, reason: str = "") -> None:
    """Record a blacklist change; a repeat that changed nothing writes no row."""
    if was_listed == now_listed:
        scope.unchanged()
        return
    after = {"openid": openid, "blacklisted": now_listed, **({"reason": reason} if now_listed else {})}
    scope.record(target=f"openid={openid}", before={"openid": openid, "blacklisted": was_listed}, after=after)


# ---- routes -------------------------------------------------------------------------------


class BlacklistIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    openid: str = Field(min_length=1, max_length=64)
    reason: str = Field("", max_length=255)


def _int_arg(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name, str(default))
    if not (raw.isascii() and raw.isdigit()):
        raise FissionError(ErrorCode.INVALID_BODY, f"{name} 必须是非负整数")
    return int(raw)


@bp.post("/blacklist")
async def add_blacklist(request: Request) -> HTTPResponse:
    require_admin(request)
    try:
        body = BlacklistIn.model_validate_json(request.body or b"")
    except ValidationError as e:
        raise FissionError(ErrorCode.INVALID_BODY, "请求体需要 {\"openid\": …}") from e
    added = await block_openid(body.openid, body.reason or "admin api", epochs=epochs_of(request.app))
    audit_blacklist(audit_of(request), valid_openid(body.openid), was_listed=not added, now_listed=True,
                    reason=body.reason or "admin api")
    return json({"openid": valid_openid(body.openid), "blacklisted": True, "added": added},
                status=201 if added else 200)


@bp.delete("/blacklist/<openid:str>")
async def remove_blacklist(request: Request, openid: str) -> HTTPResponse:
    require_admin(request)
    removed = await unblock_openid(openid)
    audit_blacklist(audit_of(request), valid_openid(openid), was_listed=removed, now_listed=False)
    return json({"openid": valid_openid(openid), "blacklisted": False, "removed": removed})


@bp.get("/blacklist")
async def list_blacklist(request: Request) -> HTTPResponse:
    require_admin(request)
    total, entries = await blacklist_entries(_int_arg(request, "limit", 100), _int_arg(request, "offset", 0))
    return json({"total": total, "entries": entries})


@bp.get("/stats")
async def stats(request: Request) -> HTTPResponse:
    require_admin(request)
    now = utcnow()
    result = await campaign_stats(request.app.ctx.settings.campaign.tz, now)
    return json({**result.as_json(), "at": iso(now)})
