"""Sharing a packet and helping split it (API.md, Red packets): share, public view, help."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra.ratelimit import Verdict
from bot.jobs import outbox
from bot.web.policy import KIB
from bot.web.protection import client_ip, refuse, refuse_anonymous
from bot.web.session import current_user, require_user
from handlers.redpacket import live
from handlers.redpacket.cache import HelpAsk
from handlers.redpacket.commit import HelpAttempt
from handlers.redpacket.routes import help_json, helps_of
from handlers.wire import iso
from models.enums import DomainEvent, PacketStatus
from models.redpacket import Help, RedPacket
from models.redpacket_rules import HelpFacts, effective_status, local_day, refusal
from models.user import User

bp = Blueprint("share", url_prefix="/api")


def share_links(public_url: str, token: str) -> dict[str, str]:
    return {"share_token": token, "share_url": f"{public_url}/p/{token}",
            "poster_url": f"{public_url}/api/share/{token}/poster.png"}


async def share_packet(packet_id: int, owner_id: int, now: dt.datetime) -> str:
    """Mark the packet shared (0→1 on first share, start_time set) and return its share token."""
    p = await RedPacket.get_or_none(id=packet_id, owner_id=owner_id)
    if p is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    status = effective_status(PacketStatus(p.status), p.expire_time, now)
    if not status.live:
        raise FissionError(ErrorCode(status.wire))
    if p.shared_at is None:
        async with in_transaction() as conn:
            await RedPacket.filter(id=p.id, status=PacketStatus.TO_SHARE).using_db(conn).update(
                status=PacketStatus.SPLITTING, start_time=now, version=F("version") + 1)
            n = await RedPacket.filter(id=p.id, shared_at__isnull=True).using_db(conn).update(shared_at=now)
            if n:
                await outbox.add(conn, f"packet:{p.id}:shared", DomainEvent.SHARED,
                                 {"packet_id": p.id, "owner_id": owner_id, "at": now.isoformat()}, now)
    return p.share_token


@bp.post("/packets/<packet_id:int>/share", ctx_body_limit=4 * KIB)
async def share(request: Request, packet_id: int) -> HTTPResponse:
    user = require_user(request)
    token = await share_packet(packet_id, user.id, utcnow())
    return json(share_links(request.app.ctx.settings.server.public_url, token))


async def viewer_refusal(request: Request, p: RedPacket, viewer_id: int, now: dt.datetime) -> str | None:
    """Would this viewer's help be refused right now? (a read-only preview; the help decides)"""
    tz = request.app.ctx.settings.campaign.tz
    day = local_day(now, tz)
    today: list[Any] = await Help.filter(helper_id=viewer_id, day=day).values_list("owner_id", flat=True)
    facts = HelpFacts(status=PacketStatus(p.status), expire_time=p.expire_time, owner_id=int(p.owner_id),
                      helper_id=viewer_id, already_helped=await Help.exists(packet_id=p.id, helper_id=viewer_id),
                      helps_today=len(today), helps_for_owner_today=sum(1 for o in today if int(o) == p.owner_id))
    return refusal((await live.current(request.app.ctx.settings)).rules, facts, now)


@bp.get("/share/<token:str>")
async def share_view(request: Request, token: str) -> HTTPResponse:
    now = utcnow()
    p = await RedPacket.get_or_none(share_token=token[:64])
    if p is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    owner = await User.get(id=p.owner_id)
    viewer = current_user(request)
    reason = "unauthenticated" if viewer is None else await viewer_refusal(request, p, viewer.id, now)
    helps = (await helps_of([p.id], 50)).get(p.id, [])
    mine: list[Any] | None = None
    if viewer is not None:
        mine = await Help.filter(packet_id=p.id, helper_id=viewer.id).values_list("amount_fen", flat=True)
    status = effective_status(PacketStatus(p.status), p.expire_time, now)
    body: dict[str, Any] = {
        "owner": {"nickname": owner.nickname or "微信用户", "avatar": owner.avatar},
        "goods_name": p.goods_name, "goods_thumbnail_url": p.goods_thumbnail_url, "amount": int(p.amount_fen),
        "split_amount": int(p.split_fen), "remaining": int(p.amount_fen) - int(p.split_fen),
        "status": status.wire, "expire_time": iso(p.expire_time), "can_help": reason is None, "reason": reason,
        "is_owner": viewer is not None and viewer.id == p.owner_id,
        "my_help": int(mine[0]) if mine else None, "helper_count": int(p.help_count),
        "helps": [help_json(h) for h in helps],
    }
    return json(body)


@bp.post("/share/<token:str>/help", ctx_body_limit=4 * KIB, ctx_rate="help", ctx_screened=True,
         ctx_metric="helps")  # no body expected; limits counted in the batched screen
async def help_split(request: Request, token: str) -> HTTPResponse:
    await refuse_anonymous(request, "help")
    user = require_user(request)
    ctx = request.app.ctx
    # ONE version of the live settings decides this help, from the pause check to the commit
    settings = await live.current(ctx.settings)
    if settings.paused:
        raise FissionError(ErrorCode.CAMPAIGN_PAUSED)
    screened = await ctx.help_screen.submit(HelpAsk(token[:64], user.id, client_ip(request), settings.rules))
    if screened.code == "rate_limited":  # the help route's limits are counted in its screen
        refuse(request, Verdict(False, screened.retry_after_s))
    facts, code = screened.facts, screened.code
    if facts is not None and code == "expired":  # a packet split out or invalidated before its expiry keeps that answer
        status: list[Any] = await RedPacket.filter(id=facts.id).values_list("status", flat=True)
        if status and status[0] in (PacketStatus.SPLIT_OUT, PacketStatus.INVALID):
            code = PacketStatus(status[0]).wire
    if code is None and facts is not None:
        outcome = await ctx.help_batcher.submit(HelpAttempt(facts.id, user.id, user.openid, live=settings))
        code = outcome.error
    if code is not None:
        request.ctx.refusal = code
        raise FissionError(ErrorCode(code))
    return json({"amount": outcome.amount, "owner_amount": outcome.amount, "helper_amount": outcome.amount,
                 "remaining": outcome.remaining, "status": outcome.status.wire, "last": outcome.last,
                 "settings_version": outcome.settings_version})
