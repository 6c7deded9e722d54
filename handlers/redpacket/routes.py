"""My red packets: list, detail, wallet, reminders (API.md, Red packets). Owner-only reads."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.functions import Sum

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.web.session import require_user
from handlers.wire import iso
from models.enums import LIVE_STATUSES, PacketStatus
from models.ledger import LedgerEntry
from models.money import yuan
from models.redpacket import Help, RedPacket
from models.redpacket_rules import effective_status, local_day

bp = Blueprint("redpacket", url_prefix="/api")

LIST_HELPERS = 10




def help_json(h: dict[str, Any]) -> dict[str, Any]:
    return {"nickname": h["helper__nickname"] or "微信用户", "avatar": h["helper__avatar"],
            "amount": int(h["amount_fen"]), "time": iso(h["created_at"])}


def packet_json(p: RedPacket, helps: list[dict[str, Any]], now: dt.datetime) -> dict[str, Any]:
    """PACKET as API.md defines it, plus helper_count and countdown_s."""
    status = effective_status(PacketStatus(p.status), p.expire_time, now)
    remaining = int(p.amount_fen) - int(p.split_fen)
    return {
        "id": p.id, "status": status.wire, "amount": int(p.amount_fen), "split_amount": int(p.split_fen),
        "remaining": remaining, "expire_time": iso(p.expire_time), "start_time": iso(p.start_time),
        "end_time": iso(p.end_time), "goods_name": p.goods_name, "goods_thumbnail_url": p.goods_thumbnail_url,
        "helpers": [help_json(h) for h in helps[:LIST_HELPERS]], "helper_count": int(p.help_count),
        "countdown_s": max(0, int((p.expire_time - now).total_seconds())) if status.live else 0,
    }


async def helps_of(packet_ids: list[int], limit: int | None = None) -> dict[int, list[dict[str, Any]]]:
    """Helps per packet, newest first, with the helper's nickname and avatar."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not packet_ids:
        return out
    q = Help.filter(packet_id__in=packet_ids).order_by("-created_at", "-id")
    rows = await q.values("packet_id", "amount_fen", "created_at", "helper__nickname", "helper__avatar")
    for r in rows:
        bucket = out[int(r["packet_id"])]
        if limit is None or len(bucket) < limit:
            bucket.append(r)
    return out


async def packet_view(packet: RedPacket, now: dt.datetime, *, all_helps: bool = False) -> dict[str, Any]:
    helps = (await helps_of([packet.id])).get(packet.id, [])
    body = packet_json(packet, helps, now)
    if all_helps:
        body["helps"] = [help_json(h) for h in helps]
    return body


@bp.get("/packets")
async def list_packets(request: Request) -> HTTPResponse:
    user = require_user(request)
    now = utcnow()
    packets = await RedPacket.filter(owner_id=user.id).order_by("-created_at", "-id").limit(100)
    helps = await helps_of([p.id for p in packets], LIST_HELPERS)
    return json({"packets": [packet_json(p, helps.get(p.id, []), now) for p in packets]})


@bp.get("/packets/<packet_id:int>")
async def packet_detail(request: Request, packet_id: int) -> HTTPResponse:
    user = require_user(request)
    packet = await RedPacket.get_or_none(id=packet_id, owner_id=user.id)
    if packet is None:  # another user's packet looks exactly like a missing one
        raise FissionError(ErrorCode.NOT_FOUND)
    return json(await packet_view(packet, utcnow(), all_helps=True))


def _order_no(ref: str) -> str | None:
    """The checkout order of a debit or its reversal ("debit:<order_no>[:reverse]")."""
    if not ref.startswith("debit:"):
        return None
    return ref[len("debit:"):].removesuffix(":reverse")


@bp.get("/wallet")
async def wallet(request: Request) -> HTTPResponse:
    """The balance is signed: a refund's reversal can take it below zero (what the owner earned from
    a refunded packet was spent already); then nothing can be spent until credits cover it."""
    user = require_user(request)
    sums = LedgerEntry.filter(user_id=user.id).annotate(s=Sum("amount_fen"))
    total: list[Any] = await sums.values_list("s", flat=True)
    balance = int(total[0] or 0) if total else 0
    entries = await LedgerEntry.filter(user_id=user.id).order_by("-created_at", "-id").limit(100).values(
        "amount_fen", "kind", "packet_id", "ref", "created_at")
    return json({"balance": balance, "spendable": max(balance, 0), "owed": max(-balance, 0), "entries": [
        {"amount": int(e["amount_fen"]), "kind": e["kind"], "packet_id": e["packet_id"],
         "order_no": _order_no(e["ref"]), "time": iso(e["created_at"])} for e in entries]})


def countdown_text(seconds: int) -> str:
    h, m = divmod(max(0, seconds) // 60, 60)
    return f"{h}小时{m}分" if h else f"{m}分"




def reminders_for(packets: list[RedPacket], helped_today: int, now: dt.datetime) -> list[dict[str, Any]]:
    """Page reminders: packets waiting to be shared, how far each is, friends who helped today."""
    out: list[dict[str, Any]] = []
    for p in packets:
        status = effective_status(PacketStatus(p.status), p.expire_time, now)
        left = int((p.expire_time - now).total_seconds())
        if status is PacketStatus.TO_SHARE:
            out.append({"kind": "to_share", "packet_id": p.id, "seconds_left": left,
                        "text": f"你有一个红包待分享，还剩{countdown_text(left)}"})
        elif status is PacketStatus.SPLITTING:
            rest = int(p.amount_fen) - int(p.split_fen)
            out.append({"kind": "splitting", "packet_id": p.id, "seconds_left": left, "remaining": rest,
                        "text": f"红包还差{yuan(rest)}元拆完，还剩{countdown_text(left)}"})
    if helped_today:
        out.append({"kind": "helped_today", "count": helped_today, "text": f"今天有{helped_today}位好友帮你拆红包"})
    return out


@bp.get("/reminders")
async def reminders(request: Request) -> HTTPResponse:
    user = require_user(request)
    now = utcnow()
    live = await RedPacket.filter(owner_id=user.id, status__in=list(LIVE_STATUSES),
                                  expire_time__gt=now).order_by("expire_time")
    today = local_day(now, request.app.ctx.settings.campaign.tz)
    helped_today = await Help.filter(owner_id=user.id, day=today).count()
    return json({"reminders": reminders_for(live, helped_today, now)})
