"""What each outbox event becomes when delivered: a template message to the packet owner, a WeCom
text to the admins, or nothing (`Skip`, e.g. `shared`, an unset template, a reminder overtaken).

Template data uses the classic keys (first, keyword1..3, remark); copy is Chinese, money is shown
exactly to the fen. Reads only what rendering needs; sends nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.settings import Settings
from models import money
from models.enums import DomainEvent, PacketStatus
from models.redpacket import RedPacket
from models.redpacket_rules import effective_status
from models.user import User


class NoticeKind(StrEnum):
    """Outbox kinds beyond the red-packet DomainEvents."""

    EXPIRING = "expiring"  # written by bot/jobs/scheduler.py
    ALERT = "alert"  # written by handlers/admin/alerts.py
    PRIZE_WON = "prize_won"  # written by handlers/lottery/write.py


class NoticeError(Exception):
    """An event that can never be delivered (unknown kind, missing owner): dead-lettered at once."""


@dataclass(frozen=True)
class TemplateMessage:
    openid: str
    template_id: str
    data: dict[str, str]
    url: str


@dataclass(frozen=True)
class WecomText:
    users: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Skip:
    reason: str


Notice = TemplateMessage | WecomText | Skip


def yuan(fen: int) -> str:
    """Exact money: 1234 fen -> '¥12.34' (models.money, the one formatter)."""
    return money.yuan(fen, symbol="¥")


def local_time(iso_or_dt: str | dt.datetime, s: Settings) -> str:
    t = dt.datetime.fromisoformat(iso_or_dt) if isinstance(iso_or_dt, str) else iso_or_dt
    return t.astimezone(s.campaign.tz).strftime("%m-%d %H:%M")


def _template_of(kind: str, s: Settings) -> str:
    t = s.wechat.templates
    by_kind: dict[str, str] = {
        DomainEvent.ISSUED: t.issued, DomainEvent.HELPED: t.helped, DomainEvent.SPLIT_OUT: t.split_out,
        NoticeKind.EXPIRING: t.expiring, DomainEvent.EXPIRED: t.expired or t.expiring,
        DomainEvent.INVALIDATED: t.invalidated or t.expiring, NoticeKind.PRIZE_WON: t.prize_won}
    return by_kind.get(kind, "")


async def _owner_openid(payload: dict[str, Any]) -> str:
    openid = await User.filter(id=int(payload.get("owner_id") or 0)).values_list("openid", flat=True)
    if not openid:
        raise NoticeError(f"owner {payload.get('owner_id')!r} not found")
    return str(openid[0])


async def _helper_name(payload: dict[str, Any]) -> str:
    names = await User.filter(id=int(payload.get("helper_id") or 0)).values_list("nickname", flat=True)
    return str(names[0]) if names and names[0] else "一位好友"


async def _expiring_data(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str] | None:
    """The reminder's data, or None when the packet is no longer live (split out, refunded, expired)."""
    row = await RedPacket.get_or_none(id=int(p.get("packet_id") or 0))
    if row is None or not effective_status(PacketStatus(row.status), row.expire_time, now).live:
        return None
    left = max(0, int((row.expire_time - now).total_seconds()) // 60)
    return {"first": f"你的购物红包还有 {left} 分钟过期", "keyword1": yuan(int(row.amount_fen - row.split_fen)),
            "keyword2": local_time(row.expire_time, s), "remark": "快分享给好友帮拆，过期就拿不到了"}


async def _data_of(kind: str, p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str] | None:
    at = local_time(p.get("at") or now, s)
    if kind == DomainEvent.ISSUED:
        return {"first": "恭喜获得购物红包，分享给好友帮拆就能到账", "keyword1": yuan(int(p["amount"])),
                "keyword2": str(p.get("goods_name") or "购物红包"),
                "keyword3": f"{local_time(p['expire_time'], s)} 前有效", "remark": "点击立即分享"}
    if kind == DomainEvent.HELPED:
        return {"first": f"{await _helper_name(p)} 帮你拆了红包", "keyword1": yuan(int(p["amount"])),
                "keyword2": f"还剩 {yuan(int(p.get('remaining', 0)))}", "keyword3": at,
                "remark": "继续分享，拆光就全部到账"}
    if kind == DomainEvent.SPLIT_OUT:
        return {"first": "红包已拆光！", "keyword1": yuan(int(p["amount"])), "keyword2": "已全部存入钱包",
                "keyword3": at, "remark": "再去逛逛，下单还能再得红包"}
    if kind == NoticeKind.EXPIRING:
        return await _expiring_data(p, s, now)
    if kind == DomainEvent.EXPIRED:
        return {"first": "你的购物红包已过期", "keyword1": yuan(int(p.get("amount", 0))),
                "keyword2": f"已拆 {yuan(int(p.get('split_amount', 0)))}，已到账部分不受影响", "keyword3": at,
                "remark": "下次记得早点分享哦"}
    if kind == DomainEvent.INVALIDATED:
        return {"first": "订单已退款，对应的购物红包已失效", "keyword1": f"收回 {yuan(int(p.get('reversed', 0)))}",
                "keyword2": "好友已拆得的部分不受影响", "keyword3": at, "remark": "如有疑问请联系客服"}
    if kind == NoticeKind.PRIZE_WON:
        return {"first": "恭喜你抽中奖品！", "keyword1": str(p.get("prize_name") or "奖品"),
                "keyword2": "优惠券已放入卡包" if p.get("coupon_id") else "奖品待发放", "keyword3": at,
                "remark": "点击查看我的奖品"}
    raise NoticeError(f"no notice for kind {kind!r}")


@dataclass(frozen=True)
class OwnerNotice:
    """What an owner notice says, whatever channel carries it: the classic fields and the page."""

    data: dict[str, str]
    url: str


async def owner_notice(kind: str, payload: dict[str, Any], s: Settings, now: dt.datetime) -> OwnerNotice | Skip:
    """The content of the owner's notice for `kind`, or Skip when it no longer applies."""
    data = await _data_of(kind, payload, s, now)
    if data is None:
        return Skip("packet no longer live")
    page = "/me/prizes" if kind == NoticeKind.PRIZE_WON else "/me"
    return OwnerNotice(data, f"{s.server.public_url}{page}")


async def owner_openid(payload: dict[str, Any]) -> str:
    """The openid of the event's owner; NoticeError when there is none."""
    return await _owner_openid(payload)


async def notice_for(kind: str, payload: dict[str, Any], s: Settings, now: dt.datetime) -> Notice:
    """What to deliver for one outbox event at `now`. Raises NoticeError for an undeliverable event."""
    if kind == DomainEvent.SHARED:
        return Skip("shares are not notified")
    if kind == NoticeKind.ALERT:
        admins = tuple(s.wecom.admins)
        return WecomText(admins, str(payload.get("text", ""))) if admins else Skip("no wecom.admins")
    template_id = _template_of(kind, s)
    content = await owner_notice(kind, payload, s, now)
    if isinstance(content, Skip):
        return content
    if not template_id:
        return Skip(f"no template configured for {kind}")
    return TemplateMessage(await _owner_openid(payload), template_id, content.data, content.url)
