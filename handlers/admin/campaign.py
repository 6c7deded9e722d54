"""Admin: the campaign's hard budgets, what is spent against them, and the kill switch.

`GET /admin/api/campaign`, `POST /admin/api/campaign/pause` {"reason"?}, `POST
/admin/api/campaign/resume` → {"paused", "reason", "budget": {...}}. The pause flag is one database
row (models/campaign.py): every process sees it within `campaign.controls_cache_s`; this process
at once. While paused, new packets, helps and draws answer 503 campaign_paused; reads keep working.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.settings import Settings
from bot.web.admin_api import require_admin
from bot.web.policy import ADMIN_API, route_defaults
from handlers.redpacket.budget import budget_of, set_paused, spent_now
from models.campaign import CampaignControl

bp = route_defaults(Blueprint("campaign_admin", url_prefix="/admin/api/campaign"), **ADMIN_API)


async def campaign_state(s: Settings) -> dict[str, Any]:
    budget = await budget_of(s)
    spent = await spent_now(utcnow(), s.campaign.tz)
    rows = await CampaignControl.filter(key="pause").values_list("reason", flat=True)
    return {"paused": budget.paused, "reason": rows[0] if rows and budget.paused else "",
            "budget": {"daily_fen": budget.daily_fen, "total_fen": budget.total_fen,
                       "spent_today": spent.day_fen, "spent_total": spent.total_fen}}


def _reason(request: Request) -> str:
    body = request.json if request.body else None
    reason = body.get("reason") if isinstance(body, dict) else None
    return reason if isinstance(reason, str) else ""


@bp.get("")
async def read(request: Request) -> HTTPResponse:
    require_admin(request)
    return json(await campaign_state(request.app.ctx.settings))


@bp.post("/pause")
async def pause(request: Request) -> HTTPResponse:
    require_admin(request)
    await set_paused(True, _reason(request) or "admin api")
    return json(await campaign_state(request.app.ctx.settings))


@bp.post("/resume")
async def resume(request: Request) -> HTTPResponse:
    require_admin(request)
    await set_paused(False)
    return json(await campaign_state(request.app.ctx.settings))
