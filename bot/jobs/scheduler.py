"""The notification scheduler: one per deployment (a Redis lease through bot/jobs/periodic.py), and
idempotent anyway — every row it writes has a deterministic outbox key, so two schedulers (a
flushed Redis) or a rerun write nothing twice (arq's model: the job id is the business key).

Jobs: the "expiring" reminder `outbox.expiring_before_s` (30 min) before `expire_time`, and the
admin alert checks (handlers/admin/alerts.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Coroutine
from typing import Any

from handlers.admin import alerts
from bot.clock import utcnow
from bot.jobs.notices import NoticeKind
from bot.jobs.outbox import outbox_row
from bot.jobs.periodic import run_periodic
from models.enums import LIVE_STATUSES
from models.outbox import OutboxMessage
from models.redpacket import RedPacket

log = logging.getLogger(__name__)

SCAN_LIMIT = 1000


def expiring_key(packet_id: int) -> str:
    return f"packet:{packet_id}:expiring"


async def enqueue_expiring(now: dt.datetime, lead_s: int) -> int:
    """Write the reminder for every live packet expiring within `lead_s` of `now` that has none yet;
    returns how many were new. The worker re-checks liveness when it sends."""
    rows = await RedPacket.filter(status__in=list(LIVE_STATUSES), expire_time__gt=now,
                                  expire_time__lte=now + dt.timedelta(seconds=lead_s)).order_by(
        "expire_time").limit(SCAN_LIMIT).values("id", "owner_id", "amount_fen", "split_fen", "expire_time")
    if not rows:
        return 0
    have = set(await OutboxMessage.filter(key__in=[expiring_key(r["id"]) for r in rows]).values_list("key", flat=True))
    new = [outbox_row(expiring_key(r["id"]), NoticeKind.EXPIRING, {
        "packet_id": r["id"], "owner_id": r["owner_id"], "amount": int(r["amount_fen"]),
        "remaining": int(r["amount_fen"]) - int(r["split_fen"]), "expire_time": r["expire_time"].isoformat()}, now)
        for r in rows if expiring_key(r["id"]) not in have]
    if new:  # a concurrent scheduler may insert the same keys: the unique key makes that a no-op
        await OutboxMessage.bulk_create(new, ignore_conflicts=True)
    return len(new)


def periodic_jobs(deps: Any, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    """The deployment-wide periodic loops (each runs on whichever process holds its lease)."""
    s = deps.settings

    async def expiring() -> None:
        n = await enqueue_expiring(utcnow(), s.outbox.expiring_before_s)
        if n:
            log.info("scheduler: %d expiring reminder(s) queued", n)

    async def check_alerts() -> None:
        await alerts.check_all(s, deps.redis, deps.keys, utcnow())

    return [run_periodic("notify-expiring", s.outbox.scheduler_interval_s, expiring, deps.redis, deps.keys, stop),
            run_periodic("admin-alerts", s.alerts.check_interval_s, check_alerts, deps.redis, deps.keys, stop)]
