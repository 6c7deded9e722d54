"""Admin: the campaign's hard budgets, what is spent against them, the kill switch, and the live
settings (handlers/redpacket/live.py).

`GET /admin/api/campaign`, `POST /admin/api/campaign/pause` {"reason"?}, `POST
/admin/api/campaign/resume` → {"paused", "reason", "budget": {...}, "settings_version"}. Pausing
and resuming write a new live-settings version (none when nothing changes): every process sees it
within `campaign.controls_cache_s`, this process at once. While paused, new packets, helps and
draws answer 503 campaign_paused; reads keep working.

`GET /admin/api/campaign/settings` → {"current": {version, author, note, created_at, redpacket,
campaign, paused, pause_reason}, "versions": [newest first]}. `POST /admin/api/campaign/settings`
(owners only) {"redpacket"?: {...}, "campaign"?: {...}, "paused"?, "pause_reason"?, "note"?,
"from_version"?} → 200 the new current version (or the unchanged one); a bad value → 400
invalid_body listing every problem. `from_version`: start from that version's values (a rollback
is posting an older version's values), the rest of the body on top.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.settings import Settings
from bot.web.admin_api import admin_body, audit_of, invalid, require_admin, requires_role
from bot.web.policy import ADMIN_API, route_defaults
from handlers.admin.audit import Role
from handlers.redpacket import live
from handlers.redpacket.budget import spent_now

bp = route_defaults(Blueprint("campaign_admin", url_prefix="/admin/api/campaign"), **ADMIN_API)
HISTORY = 50


async def campaign_state(s: Settings, snap: live.Snapshot | None = None) -> dict[str, Any]:
    snap = snap or await live.current(s)
    budget = snap.budget
    spent = await spent_now(utcnow(), s.campaign.tz)
    return {"paused": budget.paused, "reason": snap.pause_reason, "settings_version": snap.version,
            "budget": {"daily_fen": budget.daily_fen, "total_fen": budget.total_fen,
                       "spent_today": spent.day_fen, "spent_total": spent.total_fen}}


def _reason(request: Request) -> str:
    body = request.json if request.body else None
    reason = body.get("reason") if isinstance(body, dict) else None
    return reason if isinstance(reason, str) else ""


async def change_settings(request: Request, change: dict[str, Any], note: str = "",
                          base_version: int | None = None) -> tuple[live.Snapshot, bool]:
    """Publish `change` as the next version, authored by the request's admin; audited before → after.
    (the version now, whether one was written); 400 invalid_body listing every problem."""
    s: Settings = request.app.ctx.settings
    scope = audit_of(request)
    before = await live.current(s)
    start: dict[str, Any] | None = None
    if base_version is not None:
        row = await live.version_row(base_version)
        if row is None:
            raise invalid([f"from_version: no version {base_version}"])
        start = dict(row.values)

    def apply(latest: dict[str, Any]) -> dict[str, Any]:
        try:
            return live.change_values(s, latest, {**(start or {}), **change})
        except live.LiveSettingsError as e:
            raise invalid(e.problems) from e

    snap, changed = await live.publish(s, apply, scope.actor.who, note)
    if changed:
        scope.record(target=f"version={snap.version}", before=before.json(), after=snap.json())
    else:
        scope.unchanged()
    return snap, changed


@bp.get("")
async def read(request: Request) -> HTTPResponse:
    require_admin(request)
    return json(await campaign_state(request.app.ctx.settings))


@bp.post("/pause")
async def pause(request: Request) -> HTTPResponse:
    require_admin(request)
    snap, _ = await change_settings(request, {"paused": True, "pause_reason": _reason(request)[:255] or "admin api"},
                                 "pause")
    return json(await campaign_state(request.app.ctx.settings, snap))


@bp.post("/resume")
async def resume(request: Request) -> HTTPResponse:
    require_admin(request)
    snap, _ = await change_settings(request, {"paused": False}, "resume")
    return json(await campaign_state(request.app.ctx.settings, snap))


@bp.get("/settings")
async def read_settings(request: Request) -> HTTPResponse:
    require_admin(request)
    snap = await live.current(request.app.ctx.settings)
    rows = await live.versions(HISTORY)
    return json({"current": snap.json(), "versions": [
        {"version": r.version, "author": r.author, "note": r.note,
         "created_at": r.created_at.isoformat().replace("+00:00", "Z"), **r.values} for r in rows]})


@bp.post("/settings")
@requires_role(Role.OWNER)
async def update_settings(request: Request) -> HTTPResponse:
    body = admin_body(request)
    problems: list[str] = []
    note = body.pop("note", "")
    if not isinstance(note, str) or len(note) > 255:  # noqa: PLR2004
        problems.append("note: must be text of at most 255 characters")
    base = body.pop("from_version", None)
    if base is not None and (isinstance(base, bool) or not isinstance(base, int) or not 1 <= base < 2**31):
        problems.append("from_version: must be a version number")
    try:  # every problem at once: the body's own, then the values'
        live.change_values(request.app.ctx.settings, (await live.current(request.app.ctx.settings)).values, body)
    except live.LiveSettingsError as e:
        problems += e.problems
    if problems:
        raise invalid(problems)
    if not body and base is None:
        raise FissionError(ErrorCode.INVALID_BODY, "参数错误: nothing to change")
    snap, _ = await change_settings(request, body, note if isinstance(note, str) else "", base)
    return json(snap.json())
