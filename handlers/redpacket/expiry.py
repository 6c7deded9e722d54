"""The expiry sweeper: marks packets past expire_time as expired (SPEC §1.2).

Expiry is already in effect at expire_time for every read and help (effective_status); the
sweeper only makes it durable and emits the `expired` event. Each packet moves in its own
conditional update, so two sweepers running at once change nothing twice.
"""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot.jobs import outbox
from handlers.redpacket.cache import HelpCache
from models.enums import LIVE_STATUSES, DomainEvent, PacketStatus
from models.redpacket import RedPacket


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
