"""The campaign's alerts to the admins (WeCom, through the outbox: bot/jobs/alerts.py `raise_alert`),
checked by the periodic job `admin-alerts` (once per deployment).

Each alert's key names it and its window (`alert:budget:day:2026-11-22:80`,
`alert:abuse:<packet>:<window>`): raised once per window however many processes notice it.
Thresholds live in `alerts.*`; a zero threshold or budget turns that alert off.

- budget: "spent" (handlers/redpacket/budget.py: owner + helper credits minus reversals) today / in total
  past a fraction (80%, 100% by default) of the hard budgets `campaign.daily_budget_fen` /
  `campaign.total_budget_fen` — or, where those are 0, the alert-only `alerts.*_budget_fen` —
  the highest threshold crossed, once per day / ever;
- abuse: one packet helped by ≥ `abuse_new_accounts` accounts younger than `new_account_age_s`
  within `abuse_window_s`;

The platform's own alerts (error spike, order consumer, WeChat outage) are in bot/jobs/alerts.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.functions import Count

from bot.jobs.alerts import raise_alert, window_of
from bot.settings import AlertSettings, Settings
from handlers.redpacket.budget import budget_of, spent_fen
from models.budget_rules import NO_BUDGET, Budget, thresholds_crossed
from models.money import yuan
from models.redpacket import Help
from models.redpacket_rules import local_day

log = logging.getLogger(__name__)


async def check_budget(a: AlertSettings, tz: ZoneInfo, now: dt.datetime, hard: Budget | None = None) -> list[str]:
    """Raise the highest budget threshold crossed today and in total; the keys raised. The budgets
    are the hard ones (`hard`, from handlers/redpacket/budget.py `budget_of`) where set, else the alert-only
    `alerts.*_budget_fen`; "spent" is handlers/redpacket/budget.py's one definition."""
    day = local_day(now, tz)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    hard = hard or NO_BUDGET
    raised = []
    for scope, label, budget, since in (("day", "今日", hard.daily_fen or a.daily_budget_fen, midnight),
                                        ("total", "累计", hard.total_fen or a.total_budget_fen, None)):
        if not budget:
            continue
        spent = await spent_fen(since)
        crossed = thresholds_crossed(spent, budget, a.budget_thresholds)
        if not crossed:
            continue
        pct = round(max(crossed) * 100)
        window = f"{scope}:{day.isoformat()}:{pct}" if scope == "day" else f"{scope}:{pct}"
        text = f"【Fission 告警】{label}红包预算已用 {pct}%：{yuan(spent, symbol='¥')} / {yuan(budget, symbol='¥')}"
        if await raise_alert("budget", window, text, now):
            raised.append(window)
    return raised


async def check_abuse(a: AlertSettings, now: dt.datetime) -> list[int]:
    """Packets helped by many brand-new accounts within the window; the packet ids alerted."""
    if not a.abuse_new_accounts:
        return []
    since, young = now - dt.timedelta(seconds=a.abuse_window_s), now - dt.timedelta(seconds=a.new_account_age_s)
    rows = await Help.filter(created_at__gte=since, helper__created_at__gte=young).annotate(
        n=Count("id")).group_by("packet_id").values("packet_id", "n")
    alerted = []
    for r in rows:
        if int(r["n"]) < a.abuse_new_accounts:
            continue
        text = (f"【Fission 告警】疑似刷单：红包 {r['packet_id']} 在 {a.abuse_window_s // 60} 分钟内"
                f"被 {r['n']} 个新注册账号帮拆")
        if await raise_alert("abuse", f"{r['packet_id']}:{window_of(now, a.abuse_window_s)}", text, now):
            alerted.append(int(r["packet_id"]))
    return alerted


async def check_all(ctx: Any, now: dt.datetime) -> None:
    """Every campaign check; one failing check does not hide the others (each failure is logged)."""
    s: Settings = ctx.settings
    checks = [check_budget(s.alerts, s.campaign.tz, now, await budget_of(s)), check_abuse(s.alerts, now)]
    for result in await asyncio.gather(*checks, return_exceptions=True):
        if isinstance(result, BaseException):
            log.error("alert check failed: %r", result)


