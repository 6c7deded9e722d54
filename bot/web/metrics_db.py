"""Gauges read from the database when /metrics is scraped: outbox backlog and dead letters, prize
and coupon stock. Aggregate queries only (no row is loaded); bot/web/metrics.py caches the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from tortoise.functions import Count, Min, Sum

from bot.clock import utcnow
from models.coupon import CouponTemplate
from models.enums import OutboxStatus
from models.lottery import LotteryActivity, LotteryPrize
from models.outbox import OutboxMessage


async def outbox_counts(now: dt.datetime) -> tuple[dict[str, int], float]:
    """(rows per status other than sent, age in seconds of the oldest due row)."""
    rows = await OutboxMessage.filter(status__not=OutboxStatus.SENT).annotate(n=Count("id")).group_by(
        "status").values("status", "n")
    counts = {s.value: 0 for s in OutboxStatus if s is not OutboxStatus.SENT}
    counts.update({str(r["status"]): int(r["n"]) for r in rows})
    oldest = await OutboxMessage.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).annotate(
        t=Min("created_at")).values_list("t", flat=True)
    first = _moment(oldest[0]) if oldest else None
    return counts, max(0.0, (now - first).total_seconds()) if first else 0.0


def _moment(value: Any) -> dt.datetime | None:
    """An aggregate's datetime: SQLite hands MIN() back as text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def prize_stock() -> dict[int, int]:
    """Units left of limited prizes, per enabled activity (unlimited prizes are not counted)."""
    enabled = await LotteryActivity.filter(enabled=True).values_list("id", flat=True)
    if not enabled:
        return {}
    rows = await LotteryPrize.filter(activity_id__in=list(enabled), active=True, stock__isnull=False).annotate(
        left=Sum("stock")).group_by("activity_id").values("activity_id", "left")
    return {int(r["activity_id"]): int(r["left"] or 0) for r in rows}


async def coupon_stock() -> dict[int, int]:
    """Coupons left to grant, per enabled template with a limited stock."""
    rows = await CouponTemplate.filter(enabled=True, stock_left__isnull=False).order_by("-id").limit(200).values(
        "id", "stock_left")
    return {int(r["id"]): int(r["stock_left"]) for r in rows}


def _family(name: str, doc: str, samples: list[tuple[dict[str, str], float]]) -> Iterator[str]:
    yield f"# HELP {name} {doc}"
    yield f"# TYPE {name} gauge"
    for labels, value in samples:
        inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
        yield f"{name}{{{inner}}} {float(value)}" if inner else f"{name} {float(value)}"


async def gauges_text() -> bytes:
    """Prometheus text of every database gauge (label values are ids and enum words only)."""
    counts, oldest_s = await outbox_counts(utcnow())
    prizes, coupons = await prize_stock(), await coupon_stock()
    lines: list[Any] = [
        *_family("fission_outbox_backlog", "Outbox rows not yet delivered (pending or being sent)",
                 [({}, counts["pending"] + counts["sending"])]),
        *_family("fission_outbox_messages", "Outbox rows by status (sent rows are not counted)",
                 [({"status": s}, n) for s, n in sorted(counts.items())]),
        *_family("fission_outbox_dead_letters", "Outbox rows that gave up (admins may retry them)",
                 [({}, counts["dead"])]),
        *_family("fission_outbox_oldest_due_seconds", "Age of the oldest undelivered outbox row",
                 [({}, oldest_s)]),
        *_family("fission_lottery_stock", "Units left of limited prizes per enabled activity",
                 [({"activity_id": str(a)}, n) for a, n in sorted(prizes.items())]),
        *_family("fission_coupon_stock", "Coupons left to grant per enabled template with a stock",
                 [({"template_id": str(t)}, n) for t, n in sorted(coupons.items())]),
        *_family("fission_db_gauges_up", "1 when the database gauges could be read", [({}, 1)]),
    ]
    return ("\n".join(lines) + "\n").encode()
