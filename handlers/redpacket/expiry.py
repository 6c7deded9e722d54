"""Time passing on red packets, as two periodic jobs (once per deployment, bot/jobs/periodic.py).

- `expiry-sweeper` marks packets past expire_time as expired (SPEC §1.2). Expiry is already in
  effect at expire_time for every read and help (effective_status); the sweeper only makes it
  durable, emits the `expired` event and tells the help screen. Each packet moves in its own
  conditional update, so two sweepers running at once change nothing twice.
- `notify-expiring` writes the "expiring" reminder `outbox.expiring_before_s` (30 min) before
  `expire_time`. Every row has a deterministic outbox key, so two schedulers (a flushed Redis) or a
  rerun write nothing twice (arq's model: the job id is the business key).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot.jobs import outbox
from bot.jobs.outbox import outbox_row
from handlers.redpacket.cache import HelpCache, help_cache_of
from handlers.redpacket.notices import EXPIRING
from models.enums import LIVE_STATUSES, DomainEvent, PacketStatus
from models.outbox import OutboxMessage
from models.redpacket import RedPacket

log = logging.getLogger(__name__)

SCAN_LIMIT = 1000


async def sweep_expired(now: dt.datetime, limit: int = 500) -> list[str]:
    """Expire up to `limit` overdue live packets; returns the share tokens it expired."""
    rows = await RedPacket.filter(status__in=list(LIVE_STATUSES), expire_time__lte=now).order_by(
        "expire_time").limit(limit).values("id", "owner_id", "share_token", "amount_fen", "split_fen")
    expired: list[str] = []
    for r in rows:
        async with in_transaction() as conn:
            n = await RedPacket.filter(id=r["id"], status__in=list(LIVE_STATUSES), expire_time__lte=now).using_db(
                conn).update(status=PacketStatus.EXPIRED, version=F("version") + 1)
            if n:
                await outbox.add(conn, f"packet:{r['id']}:expired", DomainEvent.EXPIRED, {
                    "packet_id": r["id"], "owner_id": r["owner_id"], "amount": int(r["amount_fen"]),
                    "split_amount": int(r["split_fen"]), "at": now.isoformat()}, now)
                expired.append(r["share_token"])
    return expired


async def expire_overdue(help_cache: HelpCache, now: dt.datetime, limit: int = 500) -> list[str]:
    """THE sweep of every entry (the periodic sweeper, the demo): expire what is overdue, then mark each
    packet terminal (`expired`) in the help screen's cache. The one place this is written."""
    tokens = await sweep_expired(now, limit)
    for token in tokens:
        await help_cache.mark_terminal(token, PacketStatus.EXPIRED.wire)
    return tokens


async def sweep(ctx: Any, now: dt.datetime) -> int:
    """The `expiry-sweeper` job; how many packets it expired."""
    return len(await expire_overdue(help_cache_of(ctx), now))


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
    new = [outbox_row(expiring_key(r["id"]), EXPIRING, {
        "packet_id": r["id"], "owner_id": r["owner_id"], "amount": int(r["amount_fen"]),
        "remaining": int(r["amount_fen"]) - int(r["split_fen"]), "expire_time": r["expire_time"].isoformat()}, now)
        for r in rows if expiring_key(r["id"]) not in have]
    if new:  # a concurrent scheduler may insert the same keys: the unique key makes that a no-op
        await OutboxMessage.bulk_create(new, ignore_conflicts=True)
    return len(new)


async def remind(ctx: Any, now: dt.datetime) -> None:
    """The `notify-expiring` job."""
    n = await enqueue_expiring(now, ctx.settings.outbox.expiring_before_s)
    if n:
        log.info("scheduler: %d expiring reminder(s) queued", n)
