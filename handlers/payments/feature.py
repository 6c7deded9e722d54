"""Payments: the gateway's notifications, orders registered before payment and refunds, the offer
after payment (a draw or a coupon claim) and pay activity configs (admin API)."""

from __future__ import annotations

from bot.feature import Feature
from handlers.payments import configs, orders, routes

feature = Feature("payments", blueprints=(routes.bp, orders.bp, configs.bp), start=routes.start, stop=routes.stop)
