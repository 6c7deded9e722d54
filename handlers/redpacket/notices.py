"""What the red packet's outbox events say to the packet's owner when delivered (template
messages; bot/jobs/notices.py sends them, and subscribe messages reuse the same fields)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.jobs.notices import NoticeSpec, local_time, yuan
from bot.settings import Settings
from models.enums import DomainEvent, PacketStatus
from models.redpacket import RedPacket
from models.redpacket_rules import effective_status
from models.user import User

EXPIRING = "expiring"  # outbox kind of the reminder written by handlers/redpacket/expiry.py


async def _helper_name(payload: dict[str, Any]) -> str:
    names = await User.filter(id=int(payload.get("helper_id") or 0)).values_list("nickname", flat=True)
    return str(names[0]) if names and names[0] else "一位好友"


async def issued(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str]:
    return {"first": "恭喜获得购物红包，分享给好友帮拆就能到账", "keyword1": yuan(int(p["amount"])),
            "keyword2": str(p.get("goods_name") or "购物红包"),
            "keyword3": f"{local_time(p['expire_time'], s)} 前有效", "remark": "点击立即分享"}


async def helped(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str]:
    return {"first": f"{await _helper_name(p)} 帮你拆了红包", "keyword1": yuan(int(p["amount"])),
            "keyword2": f"还剩 {yuan(int(p.get('remaining', 0)))}", "keyword3": local_time(p.get("at") or now, s),
            "remark": "继续分享，拆光就全部到账"}


async def split_out(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str]:
    return {"first": "红包已拆光！", "keyword1": yuan(int(p["amount"])), "keyword2": "已全部存入钱包",
            "keyword3": local_time(p.get("at") or now, s), "remark": "再去逛逛，下单还能再得红包"}


async def expiring(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str] | None:
    """The reminder's data, or None when the packet is no longer live (split out, refunded, expired)."""
    row = await RedPacket.get_or_none(id=int(p.get("packet_id") or 0))
    if row is None or not effective_status(PacketStatus(row.status), row.expire_time, now).live:
        return None
    left = max(0, int((row.expire_time - now).total_seconds()) // 60)
    return {"first": f"你的购物红包还有 {left} 分钟过期", "keyword1": yuan(int(row.amount_fen - row.split_fen)),
            "keyword2": local_time(row.expire_time, s), "remark": "快分享给好友帮拆，过期就拿不到了"}


async def expired(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str]:
    return {"first": "你的购物红包已过期", "keyword1": yuan(int(p.get("amount", 0))),
            "keyword2": f"已拆 {yuan(int(p.get('split_amount', 0)))}，已到账部分不受影响",
            "keyword3": local_time(p.get("at") or now, s), "remark": "下次记得早点分享哦"}


async def invalidated(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str]:
    return {"first": "订单已退款，对应的购物红包已失效", "keyword1": f"收回 {yuan(int(p.get('reversed', 0)))}",
            "keyword2": "好友已拆得的部分不受影响", "keyword3": local_time(p.get("at") or now, s),
            "remark": "如有疑问请联系客服"}


NOTICES: dict[str, NoticeSpec] = {
    DomainEvent.SHARED: NoticeSpec(skip="shares are not notified"),
    DomainEvent.ISSUED: NoticeSpec(issued, lambda s: s.wechat.templates.issued),
    DomainEvent.HELPED: NoticeSpec(helped, lambda s: s.wechat.templates.helped),
    DomainEvent.SPLIT_OUT: NoticeSpec(split_out, lambda s: s.wechat.templates.split_out),
    EXPIRING: NoticeSpec(expiring, lambda s: s.wechat.templates.expiring),
    DomainEvent.EXPIRED: NoticeSpec(expired, lambda s: s.wechat.templates.expired or s.wechat.templates.expiring),
    DomainEvent.INVALIDATED: NoticeSpec(
        invalidated, lambda s: s.wechat.templates.invalidated or s.wechat.templates.expiring),
}
