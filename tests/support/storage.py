"""Red-packet storage helpers: the default rules, a fixed clock, order events, issued packets, helpers."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

from bot.settings import RedPacketSettings
from handlers.redpacket.commit import SplitContext
from handlers.redpacket.orders import OrderEventIn, handle_order_event
from models.redpacket import RedPacket
from models.redpacket_rules import HelpRules
from models.user import User

RP = RedPacketSettings()
RULES = HelpRules(RP.old_user_range, RP.new_user_range, RP.daily_help_limit, RP.daily_same_owner_limit)
SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def ctx(seed: int = 1, rules: HelpRules = RULES) -> SplitContext:
    return SplitContext(rules, SH, dt.date(2026, 1, 1), random.Random(seed))


def event(**kw: object) -> OrderEventIn:
    base = {"event_id": uuid.uuid4().hex, "type": "confirmed", "order_no": uuid.uuid4().hex[:18],
            "openid": "o-" + uuid.uuid4().hex[:8], "goods_name": "保温杯", "paid_amount": 20000,
            "coupon_price": 20000, "cashback": 2500}
    base.update(kw)
    return OrderEventIn.model_validate(base)


async def issue(now: dt.datetime = NOW, **kw: object) -> RedPacket:
    res = await handle_order_event(event(**kw), RP, now)
    assert res.packet_id is not None
    return await RedPacket.get(id=res.packet_id)


async def users(n: int) -> list[User]:
    return [await User.ensure(f"h-{uuid.uuid4().hex[:10]}") for _ in range(n)]
