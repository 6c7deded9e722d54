"""The lottery: activities and prizes (admin API), the H5 pages after payment, 抽奖 on the Official
Account, the prize-won notice and the stock gauge. Draws themselves are taken through the payments
routes (`/api/payments/<no>/draw`), which call this feature's draw use case."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.functions import Sum

from bot.feature import Feature
from bot.web.metrics_db import family
from handlers.lottery import admin, messages, pages
from handlers.lottery.notices import NOTICES
from models.lottery import LotteryActivity, LotteryPrize


async def prize_stock() -> dict[int, int]:
    """Units left of limited prizes, per enabled activity (unlimited prizes are not counted)."""
    enabled = await LotteryActivity.filter(enabled=True).values_list("id", flat=True)
    if not enabled:
        return {}
    rows = await LotteryPrize.filter(activity_id__in=list(enabled), active=True, stock__isnull=False).annotate(
        left=Sum("stock")).group_by("activity_id").values("activity_id", "left")
    return {int(r["activity_id"]): int(r["left"] or 0) for r in rows}


async def stock_gauge() -> Iterable[str]:
    prizes = await prize_stock()
    return family("fission_lottery_stock", "Units left of limited prizes per enabled activity",
                  [({"activity_id": str(a)}, n) for a, n in sorted(prizes.items())])


feature = Feature("lottery", blueprints=(admin.bp, pages.bp), mp_router=messages.router, notices=NOTICES,
                  gauges=(stock_gauge,))
