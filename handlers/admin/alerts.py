"""Admin alerts as WeCom app messages to `wecom.admins`, through the outbox.

Each alert is an outbox row of kind `alert` whose key names the alert and its window
(`alert:budget:day:2026-11-22:80`, `alert:abuse:<packet>:<window>`, …): the same alert in the same
window is written once however many processes or checks notice it. Thresholds live in `alerts.*`;
a zero threshold or budget turns that alert off.

- budget: "spent" (handlers/redpacket/budget.py: owner + helper credits minus reversals) today / in total
  past a fraction (80%, 100% by default) of the hard budgets `campaign.daily_budget_fen` /
  `campaign.total_budget_fen` — or, where those are 0, the alert-only `alerts.*_budget_fen` —
  the highest threshold crossed, once per day / ever;
- abuse: one packet helped by ≥ `abuse_new_accounts` accounts younger than `new_account_age_s`
  within `abuse_window_s`;
- error spike: ≥ `error_threshold` errors logged in `error_window_s` across the deployment
  (each process counts its ERROR records and adds them to per-minute Redis buckets);
- order consumer: the first failure of the RabbitMQ consumer in each `consumer_window_s`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from bot.keys import ERROR_COUNT_TTL_S, Keys
from bot.jobs.notices import NoticeKind
from bot.jobs.outbox import outbox_row
from bot.settings import AlertSettings, Settings
from handlers.redpacket.budget import budget_of, spent_fen
from models.budget_rules import NO_BUDGET, Budget, thresholds_crossed
from models.money import yuan
from models.outbox import OutboxMessage
from models.redpacket import Help
from models.redpacket_rules import local_day

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 5.0


def window_of(now: dt.datetime, window_s: int) -> int:
    return int(now.timestamp()) // window_s


async def raise_alert(name: str, window: str, text: str, now: dt.datetime) -> bool:
    """Queue one WeCom alert unless this (name, window) was already raised; True when queued."""
    key = f"alert:{name}:{window}"[:128]
    if await OutboxMessage.exists(key=key):
        return False
    try:
        await outbox_row(key, NoticeKind.ALERT, {"alert": name, "text": text, "at": now.isoformat()}, now).save()
    except IntegrityError:  # another process raised it first
        return False
    log.warning("alert raised: %s", text)
    return True


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


async def check_errors(a: AlertSettings, redis: Any, keys: Keys, now: dt.datetime) -> bool:
    """Alert when the deployment logged ≥ error_threshold errors in the last error_window_s."""
    if not a.error_threshold:
        return False
    minute = int(now.timestamp()) // 60
    buckets = [keys.error_count(m) for m in range(minute - a.error_window_s // 60 + 1, minute + 1)]
    total = sum(int(v or 0) for v in await redis.mget(buckets))
    if total < a.error_threshold:
        return False
    text = f"【Fission 告警】错误激增：最近 {a.error_window_s // 60} 分钟记录了 {total} 个错误，请查看日志"
    return await raise_alert("errors", str(window_of(now, a.error_window_s)), text, now)


async def consumer_failed(a: AlertSettings, queue: str, reason: str, now: dt.datetime) -> bool:
    """The order consumer failed on a message (dead-lettered or retried): one alert per window."""
    text = f"【Fission 告警】订单队列 {queue} 消费失败：{reason[:300]}"
    return await raise_alert("amqp", f"{queue}:{window_of(now, a.consumer_window_s)}", text, now)


async def wechat_outage(a: AlertSettings, channel: str, reason: str, now: dt.datetime) -> bool:
    """WeChat's (or WeCom's) API stopped answering: one alert per channel per `outage_window_s`,
    however many messages wait and however many processes notice (bot/jobs/outage.py)."""
    name = {"wechat": "微信公众号接口", "wecom": "企业微信接口"}.get(channel, channel)
    text = f"【Fission 告警】{name}不可用，消息发送已暂停并将自动重试：{reason[:200]}"
    return await raise_alert("outage", f"{channel}:{window_of(now, a.outage_window_s)}", text, now)


async def check_all(s: Settings, redis: Any, keys: Keys, now: dt.datetime) -> None:
    """Every periodic check; one failing check does not hide the others (each failure is logged)."""
    checks = [check_budget(s.alerts, s.campaign.tz, now, await budget_of(s)), check_abuse(s.alerts, now),
              check_errors(s.alerts, redis, keys, now)]
    for result in await asyncio.gather(*checks, return_exceptions=True):
        if isinstance(result, BaseException):
            log.error("alert check failed: %r", result)


class ErrorCounter(logging.Handler):
    """Counts ERROR records in this process; `flush` adds them to the shared per-minute buckets."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.pending = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.pending += 1

    async def flush_to(self, redis: Any, keys: Keys, now: dt.datetime) -> None:
        n, self.pending = self.pending, 0
        if not n:
            return
        key = keys.error_count(int(now.timestamp()) // 60)
        try:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.incrby(key, n)
                pipe.expire(key, ERROR_COUNT_TTL_S)
                await pipe.execute()
        except Exception as e:  # Redis away: keep the count for the next flush, say so once per flush
            self.pending += n
            log.warning("error counter: cannot flush %d to redis: %s", n, e)
