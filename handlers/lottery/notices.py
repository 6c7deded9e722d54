"""What a won prize's outbox event says to the winner (a template message leading to 我的奖品)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.jobs.notices import NoticeSpec, local_time
from bot.settings import Settings

PRIZE_WON = "prize_won"  # outbox kind written by handlers/lottery/write.py


async def prize_won(p: dict[str, Any], s: Settings, now: dt.datetime) -> dict[str, str]:
    return {"first": "恭喜你抽中奖品！", "keyword1": str(p.get("prize_name") or "奖品"),
            "keyword2": "优惠券已放入卡包" if p.get("coupon_id") else "奖品待发放",
            "keyword3": local_time(p.get("at") or now, s), "remark": "点击查看我的奖品"}


NOTICES: dict[str, NoticeSpec] = {
    PRIZE_WON: NoticeSpec(prize_won, lambda s: s.wechat.templates.prize_won, "/me/prizes")}
