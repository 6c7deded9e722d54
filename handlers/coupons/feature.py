"""Coupons: templates (admin API), my coupons, gifting and redemption, and the stock gauge."""

from __future__ import annotations

from collections.abc import Iterable

from bot.feature import Feature
from bot.web.metrics_db import family
from handlers.coupons import admin, routes
from models.coupon import CouponTemplate


async def coupon_stock() -> dict[int, int]:
    """Coupons left to grant, per enabled template with a limited stock."""
    rows = await CouponTemplate.filter(enabled=True, stock_left__isnull=False).order_by("-id").limit(200).values(
        "id", "stock_left")
    return {int(r["id"]): int(r["stock_left"]) for r in rows}


async def stock_gauge() -> Iterable[str]:
    coupons = await coupon_stock()
    return family("fission_coupon_stock", "Coupons left to grant per enabled template with a stock",
                  [({"template_id": str(t)}, n) for t, n in sorted(coupons.items())])


feature = Feature("coupons", blueprints=(routes.bp, admin.bp), gauges=(stock_gauge,))
