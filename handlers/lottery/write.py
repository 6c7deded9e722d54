"""What a decided draw batch writes, in one transaction (the caller's).

The payments' chances_used counters, prize and coupon-template stock by conditional decrements,
draw history rows (unique per chance), won prizes, coupons and the winners' outbox rows. Any row
that moved under the batch (stock short, a chance drawn elsewhere) raises: nothing is written.

On PostgreSQL everything but the (rare) coupon grants is ONE statement: the counter and stock
updates and the inserts are data-modifying CTEs over `unnest` arrays. A hot prize row stays
locked from its update to COMMIT, and every round trip in between also waits for a busy event
loop; four statements per batch held it for four of them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Case, F, Q, When
from tortoise.models import Model

from bot.infra import db
from bot.jobs.outbox import insert_values, outbox_values
from handlers.coupons.grants import issue_coupon
from handlers.lottery.notices import PRIZE_WON
from handlers.lottery.read import Award, DrawBatch
from models.campaign_rules import FulfilmentStatus, PrizeKind
from models.coupon import CouponSource, CouponTemplate
from models.lottery import DrawStreak, LotteryDraw, LotteryPrize, UserPrize
from models.outbox import OutboxMessage
from models.payment import PaymentNotification


class DrawConflict(Exception):
    """Another transaction moved a chance or a stock under this batch; nothing was written."""


def _won_prize(a: Award, coupon_id: int | None, now: dt.datetime) -> dict[str, object]:
    status = FulfilmentStatus.GRANTED if coupon_id else FulfilmentStatus.PENDING
    return {"user_id": a.user_id, "activity_id": a.activity_id, "prize_id": a.entry.id, "chance_id": a.chance_id,
            "name": a.entry.name, "kind": a.entry.kind, "status": status, "coupon_id": coupon_id,
            "win_slot": a.win_slot, "note": "", "created_at": now, "updated_at": now}


def _won_message(a: Award, coupon_id: int | None, now: dt.datetime) -> dict[str, Any]:
    """The winner's template message, keyed by the chance (one per draw, ever), as plain values
    carrying the id of the request that drew it."""
    return outbox_values(f"prize:chance:{a.chance_id}:won", PRIZE_WON, {
        "owner_id": a.user_id, "chance_id": a.chance_id, "prize_id": a.entry.id, "prize_name": a.entry.name,
        "kind": str(a.entry.kind), "activity_id": a.activity_id, "order_no": a.order_no,
        "coupon_id": coupon_id, "at": now.isoformat()}, now, request_id=a.request_id)


async def _award_rows(b: DrawBatch, tz: dt.tzinfo,
                      now: dt.datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Won prizes and their notices as plain rows; a coupon prize first grants its coupon (row by
    row, rare) so that the prize row can name it."""
    prizes, messages = [], []
    for a in b.awards:
        coupon_id = None
        if a.entry.kind is PrizeKind.COUPON:
            tpl = b.templates[a.entry.coupon_template_id or 0]
            assert tpl is not None, "a coupon prize is awarded only with its template loaded"
            coupon_id = (await issue_coupon(b.conn, tpl, a.user_id, CouponSource.LOTTERY, f"chance:{a.chance_id}",
                                            a.grant_slot, now, tz)).id
        prizes.append(_won_prize(a, coupon_id, now))
        messages.append(_won_message(a, coupon_id, now))
    return prizes, messages


def _row(row_id: int, column: str, floor: int | None) -> Q:
    """This row, and only while column >= floor (when given)."""
    match: dict[str, Any] = {"id": row_id}
    if floor is not None:
        match[f"{column}__gte"] = floor
    return Q(**match)


async def _add_each(model: type[Model], conn: BaseDBAsyncClient, amounts: Counter[int], column: str,
                    sign: int) -> int:
    """column += sign * k for every id, in ONE update (its rows are locked in one scan order, so
    two racing batches wait for each other instead of deadlocking); a decrement only where
    column >= k. One amount for all (the usual case) is a plain IN update, mixed ones a CASE.
    Returns the rows changed."""
    if not amounts:
        return 0
    ids, ks = sorted(amounts), set(amounts.values())
    if len(ks) == 1:
        k = ks.pop()
        query = model.filter(id__in=ids)
        query = query.filter(**{f"{column}__gte": k}) if sign < 0 else query
        return await query.using_db(conn).update(**{column: F(column) + sign * k})
    guard = [_row(i, column, amounts[i] if sign < 0 else None) for i in ids]
    value = Case(*[When(id=i, then=F(column) + sign * amounts[i]) for i in ids], default=F(column))
    return await model.filter(Q(*guard, join_type="OR")).using_db(conn).update(**{column: value})


def _draw_rows(b: DrawBatch) -> list[dict[str, object]]:
    """In chance order, so two batches racing for the same chances wait rather than deadlock."""
    return sorted(b.draws, key=lambda d: cast(int, d["chance_id"]))


async def _write_each(b: DrawBatch, prizes: list[dict[str, Any]], messages: list[dict[str, Any]]) -> None:
    """MySQL/MariaDB and SQLite: one statement per table."""
    await _add_each(PaymentNotification, b.conn, b.drawn, "chances_used", 1)
    if await _add_each(LotteryPrize, b.conn, b.taken, "stock", -1) != len(b.taken):
        raise DrawConflict("a prize ran short under the batch")
    await db.insert_rows(b.conn, LotteryDraw, _draw_rows(b))
    await db.insert_rows(b.conn, UserPrize, prizes)
    await insert_values(b.conn, messages)


async def _write_pg(b: DrawBatch, prizes: list[dict[str, Any]], messages: list[dict[str, Any]]) -> None:
    """`_write_each` in ONE statement; the counts of rows the updates moved come back."""
    args: list[Any] = []
    ctes = [f"c AS ({db.pg_unnest_add(PaymentNotification, 'chances_used', b.drawn, 1, args)})",
            f"s AS ({db.pg_unnest_add(LotteryPrize, 'stock', b.taken, -1, args)})"]
    ctes += [f"{name} AS ({db.pg_unnest_insert(b.conn, model, rows, args)})"
             for name, model, rows in (("d", LotteryDraw, _draw_rows(b)), ("w", UserPrize, prizes),
                                       ("o", OutboxMessage, messages)) if rows]
    sql = f"WITH {', '.join(ctes)} SELECT (SELECT count(*) FROM c) AS c, (SELECT count(*) FROM s) AS s"
    _n, rows = await b.conn.execute_query(sql, args)
    if int(rows[0]["s"]) != len(b.taken):
        raise DrawConflict("a prize ran short under the batch")
    if int(rows[0]["c"]) != len(b.drawn):
        raise DrawConflict("a payment vanished under the batch")


async def _write_streaks(b: DrawBatch, now: dt.datetime) -> None:
    """保底 counters: each moves from the value this batch read (conditional update) or is born
    (unique insert); another transaction having moved it first raises."""
    for (user_id, activity_id), misses in sorted(b.streak_now.items()):
        read = b.streaks.get((user_id, activity_id))
        if read is None:
            await DrawStreak.create(user_id=user_id, activity_id=activity_id, misses=misses, updated_at=now,
                                    using_db=b.conn)
        elif not await DrawStreak.filter(user_id=user_id, activity_id=activity_id, misses=read).using_db(
                b.conn).update(misses=misses, updated_at=now):
            raise DrawConflict("a draw streak moved under the batch")


async def write_batch(b: DrawBatch, tz: dt.tzinfo, now: dt.datetime) -> None:
    """Everything the batch decided, in the caller's transaction; raises DrawConflict (or the
    database's IntegrityError) when another transaction got there first."""
    await _write_streaks(b, now)
    if await _add_each(CouponTemplate, b.conn, b.template_taken, "stock_left", -1) != len(b.template_taken):
        raise DrawConflict("a coupon template ran short under the batch")
    prizes, messages = await _award_rows(b, tz, now)
    if b.conn.capabilities.dialect == "postgres":
        await _write_pg(b, prizes, messages)
    else:
        await _write_each(b, prizes, messages)
