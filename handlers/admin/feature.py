"""The back office: the admin API and page, WeCom sign-in and commands, the audit log around every
admin write route, CSV exports, outbox dead letters, the campaign's budgets and pause, and the
campaign alerts (budget burn, abuse)."""

from __future__ import annotations

from bot.feature import Feature, PeriodicJob
from handlers.admin import alerts, api, audit_api, audit_routes, campaign, exports, login, outbox, page, wecom

feature = Feature(
    "admin", blueprints=(api.bp, campaign.bp, outbox.bp, page.bp, login.bp, audit_api.bp, exports.bp),
    work_router=wecom.router, install=audit_routes.install,
    periodic=(PeriodicJob("admin-alerts", lambda s: s.alerts.check_interval_s, alerts.check_all),))
