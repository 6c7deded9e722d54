"""The user's side of the deployment that belongs to no campaign: the front door and
subscribe-message consent (the H5 page's result and WeChat's subscribe events)."""

from __future__ import annotations

from bot.feature import Feature
from handlers.account import front, subscriptions

feature = Feature("account", blueprints=(front.bp, subscriptions.bp), mp_router=subscriptions.router)
