"""Refunding a payment: what it granted and is still unused is taken back (SPEC §2, API.md).

One transaction holding the payment row's lock (the draw's counter update and a coupon claim
take the same row, so they serialize with a refund): the unused chances are deleted — a draw
that read one before fails on its foreign key and retries into `no_chance` — each with a
`ChanceRevocation` history row; the unused coupons the payment granted (directly, or won with
its chances) are revoked by a conditional update (`used_at IS NULL`, so a coupon redeemed
meanwhile stays redeemed), each with a `revoked` history row. A repeat changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bot.errors import ErrorCode, FissionError
from models.coupon import CouponAction, CouponHistory, UserCoupon
from models.lottery import LotteryChance, LotteryDraw
from models.payment import ChanceRevocation, PaymentNotification, PaymentOrder


def refund_ref(payment_id: int) -> str:
    return f"refund:{payment_id}"


async def _revoke_chances(conn: BaseDBAsyncClient, pay: PaymentNotification, now: dt.datetime) -> None:
    left = await LotteryChance.filter(payment_id=pay.id, seq__gte=pay.chances_used).using_db(conn).order_by("seq")
    if not left:
        return
    await ChanceRevocation.bulk_create([
        ChanceRevocation(chance_id=c.id, payment_id=pay.id, user_id=c.user_id, activity_id=c.activity_id, seq=c.seq,
                         created_at=now) for c in left], using_db=conn)
    await LotteryChance.filter(id__in=[c.id for c in left]).using_db(conn).delete()


async def _coupon_refs(conn: BaseDBAsyncClient, pay: PaymentNotification) -> list[str]:
    drawn: list[Any] = await LotteryDraw.filter(payment_id=pay.id).using_db(conn).values_list("chance_id", flat=True)
    return [f"pay:{pay.id}:{int(t)}" for t in pay.offer_template_ids] + [f"chance:{int(c)}" for c in drawn]


async def _revoke_coupons(conn: BaseDBAsyncClient, pay: PaymentNotification, now: dt.datetime) -> None:
    refs = await _coupon_refs(conn, pay)
    if not refs:
        return
    for coupon in await UserCoupon.filter(source_ref__in=refs, used_at=None, revoked_at=None).using_db(conn):
        moved = await UserCoupon.filter(id=coupon.id, used_at=None, revoked_at=None).using_db(conn).update(
            revoked_at=now, valid_until=min(coupon.valid_until, now), share_token=None)
        if moved:
            await CouponHistory.create(coupon_id=coupon.id, action=CouponAction.REVOKED, user_id=coupon.user_id,
                                       ref=refund_ref(pay.id), created_at=now, using_db=conn)


async def refund_settled(order_no: str, now: dt.datetime) -> PaymentNotification | None:
    """Refund the settled payment of `order_no`, if any; the payment row (None: not settled)."""
    async with in_transaction() as conn:
        pay = await PaymentNotification.filter(order_no=order_no).select_for_update().using_db(conn).first()
        if pay is None or pay.refunded_at is not None:
            return pay
        await PaymentNotification.filter(id=pay.id).using_db(conn).update(refunded_at=now, chances=pay.chances_used)
        await _revoke_chances(conn, pay, now)
        await _revoke_coupons(conn, pay, now)
    return pay


async def refund_payment(order_no: str, now: dt.datetime) -> dict[str, Any]:
    """{"order_no", "status": "refunded", "revoked_chances", "revoked_coupons"} (totals, the same on
    every repeat); 404 when neither an order nor a payment is known."""
    await PaymentOrder.filter(order_no=order_no, refunded_at=None).update(refunded_at=now)
    pay = await refund_settled(order_no, now)
    if pay is None and not await PaymentOrder.exists(order_no=order_no):
        raise FissionError(ErrorCode.NOT_FOUND)
    chances = await ChanceRevocation.filter(payment_id=pay.id).count() if pay else 0
    coupons = await CouponHistory.filter(action=CouponAction.REVOKED, ref=refund_ref(pay.id)).count() if pay else 0
    return {"order_no": order_no, "status": "refunded", "revoked_chances": chances, "revoked_coupons": coupons}
