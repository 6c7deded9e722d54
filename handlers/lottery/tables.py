"""Alias tables per activity version, built once per process and reused for every draw.

A table is immutable for an (activity id, version) pair: any change of the activity or its
prize pool bumps the version, so a cached table is never stale, only orphaned. Beside it the
entry keeps the indexes of prizes seen sold out in the database: stock only falls within a
version (raising it bumps the version), so "sold out" once read stays true and later draws
skip the prize without asking the database. It is an accelerator: every award is still a
conditional decrement in the database.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from models.campaign_rules import PrizeKind
from models.lottery import LotteryPrize
from models.lottery_rules import AliasTable

MAX_TABLES = 256


@dataclass(frozen=True, slots=True)
class PrizeEntry:
    id: int
    name: str
    kind: PrizeKind
    limited: bool  # stock is finite (checked and decremented in the database)
    coupon_template_id: int | None

    def wire(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": str(self.kind)}


@dataclass(slots=True)
class PrizeTable:
    activity_id: int
    version: int
    entries: tuple[PrizeEntry, ...]
    table: AliasTable
    real: frozenset[int]  # indexes of prizes that count as a win (not "none")
    sold_out: set[int] = field(default_factory=set)
    weights: tuple[int, ...] = ()  # per entry (the 保底 pick among the real prizes)

    @classmethod
    def of(cls, activity_id: int, version: int, prizes: list[LotteryPrize]) -> PrizeTable | None:
        """None when no prize has a positive weight (every draw then awards nothing)."""
        usable = [p for p in prizes if p.weight > 0]
        if not usable:
            return None
        entries = tuple(PrizeEntry(p.id, p.name, PrizeKind(p.kind), p.stock is not None,
                                   p.coupon_template_id) for p in usable)
        table = AliasTable.build([int(p.weight) for p in usable])
        real = frozenset(i for i, e in enumerate(entries) if e.kind is not PrizeKind.NONE)
        sold_out = {i for i, p in enumerate(usable) if p.stock is not None and p.stock <= 0}
        return cls(activity_id, version, entries, table, real, sold_out, tuple(int(p.weight) for p in usable))


class PrizeTables:
    """Process-local cache of PrizeTable by (activity id, version); one build per key at a time."""

    def __init__(self, max_tables: int = MAX_TABLES) -> None:
        self.max_tables = max_tables
        self._tables: dict[tuple[int, int], PrizeTable | None] = {}
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}
        self.builds = 0

    async def get(self, activity_id: int, version: int) -> PrizeTable | None:
        key = (activity_id, version)
        if key in self._tables:
            return self._tables[key]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._tables:
                prizes = await LotteryPrize.filter(activity_id=activity_id, active=True).order_by("position", "id")
                self._store(key, PrizeTable.of(activity_id, version, list(prizes)))
        self._locks.pop(key, None)
        return self._tables[key]

    def _store(self, key: tuple[int, int], table: PrizeTable | None) -> None:
        for old in [k for k in self._tables if k[0] == key[0] and k[1] < key[1]]:
            del self._tables[old]  # an older version of the same activity is never asked for again
        while len(self._tables) >= self.max_tables:
            del self._tables[next(iter(self._tables))]
        self._tables[key] = table
        self.builds += 1
