"""Alerts of the platform itself, as WeCom app messages to `wecom.admins` through the outbox.

Each alert is an outbox row of kind `alert` whose key names the alert and its window
(`alert:errors:<window>`, `alert:outage:wechat:<window>`, …): the same alert in the same window is
written once however many processes notice it. Features raise their own alerts with `raise_alert`
(handlers/admin/alerts.py: budget burn and abuse). Thresholds live in `alerts.*`; zero turns one off.

- error spike: ≥ `error_threshold` errors logged in `error_window_s` across the deployment (each
  process counts its ERROR records and adds them to per-minute Redis buckets: `ErrorCounter`);
- order consumer: the first failure of the RabbitMQ consumer in each `consumer_window_s`;
- WeChat outage: one per channel per `outage_window_s` (bot/jobs/outage.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from tortoise.exceptions import IntegrityError

from bot.jobs.notices import NoticeKind
from bot.jobs.outbox import outbox_row
from bot.keys import ERROR_COUNT_TTL_S, Keys
from bot.settings import AlertSettings
from models.outbox import OutboxMessage

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
