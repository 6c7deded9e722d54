"""Gauges read from the database when /metrics is scraped: outbox backlog and dead letters, and
the features' own (prize and coupon stock, declared as `Feature.gauges`). Aggregate queries only
(no row is loaded); bot/web/metrics.py caches the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any

from tortoise.functions import Count, Min

from bot.clock import utcnow
from models.enums import OutboxStatus
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


def family(name: str, doc: str, samples: list[tuple[dict[str, str], float]]) -> Iterator[str]:
    yield f"# HELP {name} {doc}"
    yield f"# TYPE {name} gauge"
    for labels, value in samples:
        inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
        yield f"{name}{{{inner}}} {float(value)}" if inner else f"{name} {float(value)}"


async def gauges_text(feature_gauges: Sequence[Callable[[], Awaitable[Iterable[str]]]] = ()) -> bytes:
    """Prometheus text of every database gauge: the outbox's, then each feature's (bot.feature
    `Feature.gauges`, e.g. prize and coupon stock). Label values are ids and enum words only."""
    counts, oldest_s = await outbox_counts(utcnow())
    features = [line for gauge in feature_gauges for line in await gauge()]
    lines: list[Any] = [
        *family("fission_outbox_backlog", "Outbox rows not yet delivered (pending or being sent)",
                 [({}, counts["pending"] + counts["sending"])]),
        *family("fission_outbox_messages", "Outbox rows by status (sent rows are not counted)",
                 [({"status": s}, n) for s, n in sorted(counts.items())]),
        *family("fission_outbox_dead_letters", "Outbox rows that gave up (admins may retry them)",
                 [({}, counts["dead"])]),
        *family("fission_outbox_oldest_due_seconds", "Age of the oldest undelivered outbox row",
                 [({}, oldest_s)]),
        *features,
        *family("fission_db_gauges_up", "1 when the database gauges could be read", [({}, 1)]),
    ]
    return ("\n".join(lines) + "\n").encode()
