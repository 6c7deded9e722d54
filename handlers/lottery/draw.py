"""The draw use case (SPEC §2): many concurrent draws decided and committed in one transaction.

For a batch of requests one transaction reads what the draws need (lottery_batch.read_batch: a
fixed number of queries), decides every draw in order with the pure rules (alias table, stock
fallback, win limit), then writes it all (lottery_write.write_batch: the payments' chances_used
counters, prize and template stock by conditional decrements, draw history rows (one per
chance: unique), won prizes, coupons and outbox rows). The database is the only judge: unique keys (draw per chance,
(user, activity, window_key), (user, activity, win_slot), coupon grant slot) and conditional
updates make a race with another transaction fail loudly; `commit_draws` then raises, nothing
is written, and the caller retries. One chance is never drawn twice; stock never goes negative.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from bot.errors import ErrorCode
from bot.infra.logs import current_request_id
from handlers.lottery.read import ActivityRow, Award, DrawBatch, read_batch
from handlers.lottery.tables import PrizeEntry, PrizeTable, PrizeTables
from handlers.lottery.write import DrawConflict, write_batch
from models.activity_rules import guarantee_due, pick_weighted
from models.campaign_rules import PrizeKind, grant_refusal
from models.lottery_rules import activity_open, may_win, resolve_stock, window_key
from models.payment import OfferKind

__all__ = ["DrawConflict", "DrawContext", "DrawOutcome", "DrawRequest", "commit_draws"]


@dataclass(frozen=True, slots=True)
class DrawRequest:
    user_id: int
    order_no: str
    request_id: str | None = field(default_factory=current_request_id)  # of the request that asked


@dataclass(frozen=True, slots=True)
class DrawOutcome:
    """A committed draw (`prize` None = nothing awarded) or `error`; `chances` left afterwards."""

    error: ErrorCode | None = None
    prize: PrizeEntry | None = None
    chances: int = 0


@dataclass(frozen=True)
class DrawContext:
    tz: dt.tzinfo
    rng: random.Random
    tables: PrizeTables


async def _available(b: DrawBatch, t: PrizeTable, index: int, user_id: int, now: dt.datetime) -> bool:
    """Whether entry `index` can be awarded to this user now: stock, and for a coupon prize the
    template's state, stock and per-user limit."""
    entry = t.entries[index]
    if entry.limited:
        left = await b.prize_left(t, index)
        if left is not None and left <= 0:
            return False
    if entry.kind is PrizeKind.COUPON:
        tpl = await b.template(entry.coupon_template_id or 0)
        if tpl is None:
            return False
        left = b.template_left[tpl.id]
        refusal = grant_refusal(enabled=tpl.enabled, valid_until=tpl.valid_until, now=now,
                                stock_left=None if left is None else left - b.template_taken[tpl.id],
                                granted_to_user=await b.granted(user_id, tpl.id), per_user_limit=tpl.per_user_limit)
        if refusal is not None:
            return False
    return True


async def _pick(b: DrawBatch, t: PrizeTable, act: ActivityRow, user_id: int, drawn: int,
                ctx: DrawContext, now: dt.datetime) -> PrizeEntry | None:
    """Award alias draw `drawn` if available; an unavailable prize falls back to the remaining
    ones by their weights (resolve_stock), a reached win limit to the "none" entries; None =
    nothing left to award."""
    unavailable = set(t.sold_out)
    while True:
        index = resolve_stock(t.table, drawn, unavailable, ctx.rng)
        if index is None:
            return None
        entry = t.entries[index]
        if entry.kind is PrizeKind.NONE:
            return entry
        if act.win_limit and not may_win(await b.won(user_id, act.id), act.win_limit):
            unavailable |= t.real
        elif await _available(b, t, index, user_id, now):
            return entry
        else:
            unavailable.add(index)
        drawn = index


async def _guaranteed(b: DrawBatch, t: PrizeTable, act: ActivityRow, user_id: int, ctx: DrawContext,
                      now: dt.datetime) -> PrizeEntry | None:
    """保底: a real prize that can be awarded now, by weight; None when none can (sold out, win limit)."""
    if act.win_limit and not may_win(await b.won(user_id, act.id), act.win_limit):
        return None
    candidates = {i: t.weights[i] if i < len(t.weights) else 1 for i in t.real - t.sold_out}
    while (index := pick_weighted(candidates, ctx.rng)) is not None:
        if await _available(b, t, index, user_id, now):
            return t.entries[index]
        del candidates[index]
    return None


async def _choose(b: DrawBatch, t: PrizeTable | None, act: ActivityRow, user_id: int, drawn: int | None,
                  ctx: DrawContext, now: dt.datetime) -> PrizeEntry | None:
    """The alias draw's outcome, or the guaranteed win once the user missed guarantee_after times in a row."""
    if t is None or drawn is None:
        return None
    if guarantee_due(b.misses((user_id, act.id)), act.guarantee_after):
        entry = await _guaranteed(b, t, act, user_id, ctx, now)
        if entry is not None:
            return entry
    return await _pick(b, t, act, user_id, drawn, ctx, now)


def _take(b: DrawBatch, entry: PrizeEntry, act: ActivityRow, req: DrawRequest, chance_id: int) -> None:
    """Count an award against stock, template stock and the user's limits in this batch."""
    user_id = req.user_id
    if b.stock.get(entry.id) is not None:
        b.taken[entry.id] += 1
    grant_slot = None
    if entry.kind is PrizeKind.COUPON and (tpl := b.templates.get(entry.coupon_template_id or 0)):
        if b.template_left.get(tpl.id) is not None:
            b.template_taken[tpl.id] += 1
        grant_slot = b.grants[(user_id, tpl.id)] if tpl.per_user_limit else None
        b.grants[(user_id, tpl.id)] += 1
    win_slot = None
    if act.win_limit:
        win_slot = b.wins[(user_id, act.id)]
        b.wins[(user_id, act.id)] += 1
    b.awards.append(Award(user_id, act.id, chance_id, req.order_no, entry, win_slot, grant_slot, req.request_id))


async def _decide(b: DrawBatch, req: DrawRequest, drawn: int | None, ctx: DrawContext,
                  now: dt.datetime) -> DrawOutcome:
    pay = b.payments.get(req.order_no)
    if pay is None or pay.user_id != req.user_id:  # another user's order looks like a missing one
        return DrawOutcome(ErrorCode.NOT_FOUND)
    queue, left = b.chances.get(pay.id, []), b.left.get(pay.id, 0)
    act = b.activities.get(pay.activity_id or 0)
    if pay.offer_kind != OfferKind.LOTTERY or act is None or not queue:
        return DrawOutcome(ErrorCode.NO_CHANCE)
    if not act.enabled or not activity_open(act.start_time, act.end_time, now):
        return DrawOutcome(ErrorCode.ACTIVITY_CLOSED, chances=left)
    key = window_key(act.frequency, now, ctx.tz)
    if key is not None and (req.user_id, act.id, key) in b.windows:
        return DrawOutcome(ErrorCode.FREQUENCY_LIMIT, chances=left)
    chance_id = queue.pop(0)
    b.left[pay.id] = left - 1
    b.drawn[pay.id] += 1
    key = key or f"c:{chance_id}"
    b.windows.add((req.user_id, act.id, key))
    entry = await _choose(b, b.tables.get(act.id), act, req.user_id, drawn, ctx, now)
    won = entry is not None and entry.kind is not PrizeKind.NONE
    if entry is not None and won:
        _take(b, entry, act, req, chance_id)
    if act.guarantee_after:
        pair = (req.user_id, act.id)
        b.streak_now[pair] = 0 if won else b.misses(pair) + 1
    b.draws.append({
        "user_id": req.user_id, "activity_id": act.id, "chance_id": chance_id, "payment_id": pay.id,
        "prize_id": entry.id if entry else None, "prize_kind": str(entry.kind) if entry else None, "won": won,
        "window_key": key, "activity_version": act.version, "created_at": now})
    return DrawOutcome(prize=entry, chances=left - 1)


async def commit_draws(reqs: list[DrawRequest], ctx: DrawContext, now: dt.datetime) -> list[DrawOutcome]:
    """Decide and commit every request in one transaction; outcomes in the same order.

    Raises (IntegrityError, OperationalError, DrawConflict) when another transaction raced this
    one; nothing was written then, and the caller retries the requests one by one.
    """
    async with in_transaction() as conn:
        batch, firsts = await read_batch(conn, reqs, ctx, now)
        outcomes = [await _decide(batch, r, first, ctx, now) for r, first in zip(reqs, firsts, strict=True)]
        await write_batch(batch, ctx.tz, now)
    for pid, (table, index) in batch.prize_slots.items():
        left = batch.stock.get(pid)
        if left is not None and left - batch.taken[pid] <= 0:
            table.sold_out.add(index)  # stock only falls within a version: it is 0 now
    return outcomes
