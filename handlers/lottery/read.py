"""What one draw batch reads, in a fixed number of queries whatever its size or the prize count.

`read_batch` loads the payments (with their chance counters and activities, one join) and the
used frequency windows, then makes each request's first alias draw (pure, O(1)) and prefetches
in one query each the stock of the limited prizes drawn, their coupon templates, the users'
grants of those templates and their wins so far. What a fallback draw needs beyond that is loaded
lazily. Plain reads, as values rather than model objects: the writes re-check every one of them
with conditional updates and unique keys.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count

from handlers.lottery.tables import PrizeEntry, PrizeTable
from models.campaign_rules import PrizeKind
from models.coupon import CouponTemplate, UserCoupon
from models.lottery import DrawStreak, LotteryActivity, LotteryChance, LotteryDraw, LotteryPrize, UserPrize
from models.lottery_rules import window_key
from models.payment import PaymentNotification

if TYPE_CHECKING:
    from handlers.lottery.draw import DrawContext, DrawRequest


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """What a draw needs of its activity (read as plain values: no model objects per batch)."""

    id: int
    enabled: bool
    start_time: dt.datetime
    end_time: dt.datetime
    frequency: int
    version: int
    win_limit: int
    guarantee_after: int = 0  # 保底: 0 = off


@dataclass(frozen=True, slots=True)
class PaymentRow:
    id: int
    order_no: str
    user_id: int
    offer_kind: str
    activity_id: int | None
    chances: int
    chances_used: int


_PAY = ("id", "order_no", "user_id", "offer_kind", "offer_activity_id", "chances", "chances_used")
_ACT = ("enabled", "start_time", "end_time", "frequency", "version", "win_limit", "guarantee_after")


@dataclass(frozen=True, slots=True)
class Award:
    user_id: int
    activity_id: int
    chance_id: int
    order_no: str
    entry: PrizeEntry
    win_slot: int | None
    grant_slot: int | None
    request_id: str | None = None  # of the request that drew it (into the winner's notice)


@dataclass
class DrawBatch:
    """What one transaction read, updated in memory as draws are decided."""

    conn: BaseDBAsyncClient
    payments: dict[str, PaymentRow]
    activities: dict[int, ActivityRow]
    tables: dict[int, PrizeTable | None]  # activity id -> its table at the version read
    chances: dict[int, list[int]]  # payment id -> ids of its next unused chances, lowest seq first
    left: dict[int, int]  # payment id -> unused chances
    windows: set[tuple[int, int, str]]  # (user, activity, window_key) already drawn
    drawn: Counter[int] = field(default_factory=Counter)  # payment id -> chances drawn in this batch
    stock: dict[int, int | None] = field(default_factory=dict)  # prize id -> left (None: unlimited)
    prize_slots: dict[int, tuple[PrizeTable, int]] = field(default_factory=dict)
    templates: dict[int, CouponTemplate | None] = field(default_factory=dict)
    template_left: dict[int, int | None] = field(default_factory=dict)
    grants: dict[tuple[int, int], int] = field(default_factory=dict)  # (user, template) -> granted
    wins: dict[tuple[int, int], int] = field(default_factory=dict)  # (user, activity) -> won
    taken: Counter[int] = field(default_factory=Counter)
    template_taken: Counter[int] = field(default_factory=Counter)
    draws: list[dict[str, object]] = field(default_factory=list)  # LotteryDraw rows to insert
    awards: list[Award] = field(default_factory=list)
    streaks: dict[tuple[int, int], int | None] = field(default_factory=dict)  # (user, activity) -> misses read
    streak_now: dict[tuple[int, int], int] = field(default_factory=dict)  # -> misses after this batch

    def misses(self, pair: tuple[int, int]) -> int:
        """The user's non-winning draws in a row in the activity, as of this batch's decisions."""
        return self.streak_now.get(pair, self.streaks.get(pair) or 0)

    async def load_streaks(self, pairs: set[tuple[int, int]]) -> None:
        rows = await DrawStreak.filter(user_id__in=sorted({u for u, _ in pairs}), activity_id__in=sorted(
            {a for _, a in pairs})).using_db(self.conn).values_list("user_id", "activity_id", "misses")
        found = {(int(u), int(a)): int(m) for u, a, m in rows}
        for pair in pairs:
            self.streaks[pair] = found.get(pair)

    async def prize_left(self, t: PrizeTable, index: int) -> int | None:
        pid = t.entries[index].id
        if pid not in self.stock:
            await self.load_stock({pid: (t, index)})
        left = self.stock[pid]
        return None if left is None else left - self.taken[pid]

    async def load_stock(self, wanted: dict[int, tuple[PrizeTable, int]]) -> None:
        rows = dict(await LotteryPrize.filter(id__in=sorted(wanted)).using_db(self.conn).values_list("id", "stock"))
        for pid, (t, index) in wanted.items():
            stock = rows.get(pid, 0)
            self.stock[pid] = None if stock is None else int(stock)
            self.prize_slots[pid] = (t, index)
            if stock == 0:
                t.sold_out.add(index)  # committed and final for this version

    async def template(self, tid: int) -> CouponTemplate | None:
        if tid not in self.templates:
            await self.load_templates({tid})
        return self.templates[tid]

    async def load_templates(self, tids: set[int]) -> None:
        found = {t.id: t for t in await CouponTemplate.filter(id__in=sorted(tids)).using_db(self.conn)}
        for tid in tids:
            self.templates[tid] = found.get(tid)
            self.template_left[tid] = found[tid].stock_left if tid in found else None

    async def granted(self, user_id: int, tid: int) -> int:
        if (user_id, tid) not in self.grants:
            await self.load_grants({(user_id, tid)})
        return self.grants[(user_id, tid)]

    async def load_grants(self, pairs: set[tuple[int, int]]) -> None:
        rows = await UserCoupon.filter(granted_to_id__in=sorted({u for u, _ in pairs}), template_id__in=sorted(
            {t for _, t in pairs})).using_db(self.conn).annotate(n=Count("id")).group_by(
            "granted_to_id", "template_id").values_list("granted_to_id", "template_id", "n")
        counts = {(int(u), int(t)): int(n) for u, t, n in rows}
        for pair in pairs:
            self.grants[pair] = counts.get(pair, 0)

    async def won(self, user_id: int, activity_id: int) -> int:
        if (user_id, activity_id) not in self.wins:
            await self.load_wins({(user_id, activity_id)})
        return self.wins[(user_id, activity_id)]

    async def load_wins(self, pairs: set[tuple[int, int]]) -> None:
        rows = await UserPrize.filter(user_id__in=sorted({u for u, _ in pairs}), activity_id__in=sorted(
            {a for _, a in pairs})).using_db(self.conn).annotate(n=Count("id")).group_by(
            "user_id", "activity_id").values_list("user_id", "activity_id", "n")
        counts = {(int(u), int(a)): int(n) for u, a, n in rows}
        for pair in pairs:
            self.wins[pair] = counts.get(pair, 0)


def _next_chances(pays: list[PaymentRow], need: Counter[int]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Per payment: the ids of its next `need` chances and how many are left, from its counter.

    Chances are drawn lowest seq first, so the next one is seq `chances_used`; a stale counter
    names chances already drawn, and the conditional update of the write fails loudly.
    """
    chances: dict[int, list[int]] = {}
    left: dict[int, int] = {}
    for p in pays:
        used, total = p.chances_used, p.chances
        left[p.id] = max(0, total - used)
        chances[p.id] = [LotteryChance.key(p.id, s) for s in range(used, min(total, used + need[p.id]))]
    return chances, left


async def _used_windows(conn: BaseDBAsyncClient, reqs: list[DrawRequest], acts: list[ActivityRow],
                        tz: dt.tzinfo, now: dt.datetime) -> set[tuple[int, int, str]]:
    keys = sorted({k for a in acts if (k := window_key(a.frequency, now, tz)) is not None})
    if not keys:
        return set()
    used = await LotteryDraw.filter(user_id__in=sorted({r.user_id for r in reqs}), activity_id__in=[
        a.id for a in acts], window_key__in=keys).using_db(conn).values_list("user_id", "activity_id", "window_key")
    return {(int(u), int(a), str(k)) for u, a, k in used}


_PAY_PG = (  # _payments' query on PostgreSQL, written once: tortoise built it anew per batch (~5% of a worker)
    f'SELECT {", ".join("p." + c for c in _PAY)}, {", ".join(f"a.{c} AS offer_activity__{c}" for c in _ACT)} '
    f'FROM "{PaymentNotification._meta.db_table}" AS p LEFT JOIN "{LotteryActivity._meta.db_table}" AS a '
    "ON a.id = p.offer_activity_id WHERE p.order_no = ANY($1::VARCHAR[])")


async def _payments(conn: BaseDBAsyncClient, reqs: list[DrawRequest]) -> tuple[list[PaymentRow], list[ActivityRow]]:
    """The requested payments and their activities, in one joined query of plain values."""
    orders = sorted({r.order_no for r in reqs})
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(_PAY_PG, [orders])
    else:
        rows = await PaymentNotification.filter(order_no__in=orders).using_db(conn).values(
            *_PAY, *[f"offer_activity__{f}" for f in _ACT])
    pays = [PaymentRow(*(r[f] for f in _PAY)) for r in rows]
    acts = {r["offer_activity_id"]: ActivityRow(r["offer_activity_id"], *(r[f"offer_activity__{f}"] for f in _ACT))
            for r in rows if r["offer_activity_id"] is not None}
    return pays, list(acts.values())


async def read_batch(conn: BaseDBAsyncClient, reqs: list[DrawRequest], ctx: DrawContext,
                     now: dt.datetime) -> tuple[DrawBatch, list[int | None]]:
    """The batch state and each request's first alias draw (None: no table to draw from)."""
    pays, acts = await _payments(conn, reqs)
    by_order = {p.order_no: p for p in pays}
    need = Counter(by_order[r.order_no].id for r in reqs if r.order_no in by_order)
    chances, left = _next_chances(pays, need)
    windows = await _used_windows(conn, reqs, acts, ctx.tz, now)
    tables = {a.id: await ctx.tables.get(a.id, a.version) for a in acts}
    b = DrawBatch(conn, by_order, {a.id: a for a in acts}, tables, chances, left, windows)
    firsts = [_first_draw(b, r, ctx) for r in reqs]
    await _prefetch(b, reqs, firsts)
    guarded = {(r.user_id, p.activity_id) for r in reqs if (p := by_order.get(r.order_no)) and p.activity_id
               and p.user_id == r.user_id and b.activities[p.activity_id].guarantee_after}
    if guarded:
        await b.load_streaks(guarded)
    return b, firsts


def _first_draw(b: DrawBatch, req: DrawRequest, ctx: DrawContext) -> int | None:
    pay = b.payments.get(req.order_no)
    table = b.tables.get(pay.activity_id or 0) if pay else None
    return None if table is None else table.table.draw(ctx.rng)


async def _prefetch(b: DrawBatch, reqs: list[DrawRequest], firsts: list[int | None]) -> None:
    """One query each for what the first draws will ask: stock, templates, grants, wins."""
    stock: dict[int, tuple[PrizeTable, int]] = {}
    grants: set[tuple[int, int]] = set()
    wins: set[tuple[int, int]] = set()
    for req, first in zip(reqs, firsts, strict=True):
        act_id = (b.payments[req.order_no].activity_id or 0) if first is not None else 0
        t = b.tables.get(act_id)
        if t is None or first is None or first in t.sold_out or first not in t.real:
            continue
        entry = t.entries[first]
        if entry.limited:
            stock[entry.id] = (t, first)
        if entry.kind is PrizeKind.COUPON and entry.coupon_template_id:
            grants.add((req.user_id, entry.coupon_template_id))
        if b.activities[act_id].win_limit:
            wins.add((req.user_id, act_id))
    if stock:
        await b.load_stock(stock)
    if grants:
        await b.load_templates({t for _u, t in grants})
        await b.load_grants(grants)
    if wins:
        await b.load_wins(wins)
