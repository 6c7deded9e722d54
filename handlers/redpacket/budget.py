"""What the campaign has spent, its hard budgets and its kill switch — read in one place.

- `spent_fen` / `spent_entries`: THE definition of "spent": every fen credited by helps (owner +
  helper) minus reversals, from the ledger. The WeCom budget alerts, `/admin/api/stats` and the
  admin page's burn chart all read it.
- `budget_of(settings)`: the hard budgets and the pause flag as this process sees them now (the
  live settings, handlers/redpacket/live.py). Everything that enforces or shows a budget outside a
  help reads it through this one function; a help reads its request's one snapshot.
- Budget counters (models/campaign.py): `ensure_counters` seeds a missing row from the ledger (first
  help of a day, or the first after an upgrade); `lock_spent` / `add_spent` are used inside the help
  and refund transactions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from bot.errors import ErrorCode, FissionError
from bot.settings import Settings
from handlers.redpacket import live
from models.budget_rules import TOTAL_KEY, Budget, Spent, day_key
from models.campaign import BudgetCounter
from models.enums import LedgerKind
from models.ledger import LedgerEntry
from models.redpacket_rules import local_day

SPENT_KINDS = (LedgerKind.HELP_OWNER, LedgerKind.HELP_HELPER, LedgerKind.REVERSAL)


def spent_entries(since: dt.datetime | None = None, until: dt.datetime | None = None) -> QuerySet[LedgerEntry]:
    """The ledger rows that make up "spent" (credits positive, reversals negative), created in [since, until)."""
    q = LedgerEntry.filter(kind__in=list(SPENT_KINDS))
    if since is not None:
        q = q.filter(created_at__gte=since)
    if until is not None:
        q = q.filter(created_at__lt=until)
    return q


async def spent_fen(since: dt.datetime | None = None, until: dt.datetime | None = None, conn: Any = None) -> int:
    """Every fen credited (owner + helper) minus reversals, created in [since, until)."""
    q = spent_entries(since, until)
    rows = await (q.using_db(conn) if conn else q).annotate(total=Sum("amount_fen")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


def day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a campaign day as UTC instants."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


# ---- the budget and the pause switch ------------------------------------------------------------
# Both are live settings (handlers/redpacket/live.py): versioned in the database, each process
# trusting its read for `campaign.controls_cache_s`.


async def budget_of(s: Settings) -> Budget:
    """The hard budgets and the pause flag now: the one read every check goes through."""
    return (await live.current(s)).budget


async def paused(s: Settings) -> bool:
    return (await live.current(s)).paused


async def set_paused(s: Settings, value: bool, reason: str = "", author: str = "admin") -> live.Snapshot:
    """Pause or resume for every process: a new live-settings version (none when nothing changes).
    This process sees it at once, every other within campaign.controls_cache_s."""
    change = {"paused": value, "pause_reason": reason[:live.MAX_REASON] if value else ""}
    snap, _changed = await live.publish(s, lambda base: live.change_values(s, base, change), author,
                                        "pause" if value else "resume")
    return snap


async def refuse_if_paused(s: Settings) -> None:
    """503 campaign_paused for new packets, helps and draws while the campaign is paused."""
    if await paused(s):
        raise FissionError(ErrorCode.CAMPAIGN_PAUSED)


# ---- counters -----------------------------------------------------------------------------------

_known_counters: set[str] = set()


def counter_keys(now: dt.datetime, tz: dt.tzinfo) -> tuple[str, str]:
    return day_key(local_day(now, tz)), TOTAL_KEY  # type: ignore[arg-type]


async def ensure_counters(now: dt.datetime, tz: ZoneInfo) -> tuple[str, str]:
    """Make sure today's and the total counter rows exist (seeded from the ledger); their keys.

    Safe to race: the unique key lets one seed win. No help or reversal can move money while its
    counter row is missing (they update the row and fail when it is not there), so the seed is exact.
    """
    keys = counter_keys(now, tz)
    for key in keys:
        if key in _known_counters:
            continue
        if not await BudgetCounter.exists(key=key):
            since, until = (None, None) if key == TOTAL_KEY else day_bounds(local_day(now, tz), tz)
            try:
                await BudgetCounter.create(key=key, spent_fen=await spent_fen(since, until))
            except IntegrityError:
                pass
        _known_counters.add(key)
    return keys


class CounterMissing(Exception):
    """A counter row vanished or was never seeded: the transaction is rolled back and retried."""


async def lock_spent(conn: Any, keys: tuple[str, str]) -> Spent:
    """Today's and the total spent, locked FOR UPDATE until the transaction ends."""
    rows = await BudgetCounter.filter(key__in=list(keys)).select_for_update().order_by("key").using_db(conn)
    by_key = {r.key: int(r.spent_fen) for r in rows}
    if set(by_key) != set(keys):
        _known_counters.difference_update(keys)
        raise CounterMissing(f"budget counters {sorted(set(keys) - set(by_key))} missing")
    return Spent(by_key[keys[0]], by_key[keys[1]])


async def add_spent(conn: Any, keys: tuple[str, str], fen: int) -> None:
    """Move today's and the total counter by `fen` (negative for a reversal); the caller locked
    them with `lock_spent` first (rows locked in one order everywhere: no deadlock)."""
    if not fen:
        return
    n = await BudgetCounter.filter(key__in=list(keys)).using_db(conn).update(spent_fen=F("spent_fen") + fen)
    if n != len(keys):
        _known_counters.difference_update(keys)
        raise CounterMissing(f"budget counters {keys} missing")


async def spent_now(now: dt.datetime, tz: ZoneInfo) -> Spent:
    """Today's and the total spent from the counters (unlocked, for issuing and reads)."""
    keys = await ensure_counters(now, tz)
    rows = dict(await BudgetCounter.filter(key__in=list(keys)).values_list("key", "spent_fen"))
    return Spent(int(rows.get(keys[0], 0)), int(rows.get(keys[1], 0)))
