"""Granting coupons: the one place a UserCoupon is born (direct claim after a payment, lottery).

Callers run inside their transaction and have already taken one unit of template stock with
`take_template_stock`; `issue_coupon` writes the coupon and its history row. The database
guards every grant: `source_ref` is unique (the same business event never grants twice), the
per-user limit is a unique (granted_to, template, grant_slot) and stock a conditional update.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot.errors import ErrorCode, FissionError
from handlers.wire import iso
from models.campaign_rules import GrantRefusal, grant_refusal
from models.coupon import CouponAction, CouponHistory, CouponSource, CouponTemplate, UserCoupon
from models.coupon_rules import coupon_status, validity_window
from models.payment import OfferKind, PaymentNotification


def template_json(t: CouponTemplate) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "type": str(t.kind), "value": int(t.value),
            "threshold": int(t.threshold_fen), "valid_days": t.valid_days, "valid_from": iso(t.valid_from),
            "valid_until": iso(t.valid_until), "stock": t.stock, "stock_left": t.stock_left,
            "per_user_limit": t.per_user_limit, "enabled": t.enabled}


def coupon_json(c: UserCoupon, now: dt.datetime) -> dict[str, Any]:
    return {"id": c.id, "template_id": c.template_id, "name": c.name, "type": str(c.kind),
            "value": int(c.value), "threshold": int(c.threshold_fen),
            "status": str(coupon_status(c.used_at, c.valid_until, now)), "valid_from": iso(c.valid_from),
            "valid_until": iso(c.valid_until), "used_at": iso(c.used_at), "source": str(c.source),
            "sharing": c.share_token is not None, "granted_at": iso(c.created_at)}


def refusal_for(t: CouponTemplate, granted_to_user: int, now: dt.datetime) -> GrantRefusal | None:
    return grant_refusal(enabled=t.enabled, stock_left=t.stock_left, valid_until=t.valid_until,
                         granted_to_user=granted_to_user, per_user_limit=t.per_user_limit, now=now)


async def take_template_stock(conn: BaseDBAsyncClient, template_id: int, count: int) -> bool:
    """Take `count` units of a limited template's stock; False (nothing taken) when short."""
    n = await CouponTemplate.filter(id=template_id, stock_left__gte=count).using_db(conn).update(
        stock_left=F("stock_left") - count)
    return n == 1


async def issue_coupon(conn: BaseDBAsyncClient, t: CouponTemplate, user_id: int, source: CouponSource,
                       ref: str, grant_slot: int | None, now: dt.datetime, tz: dt.tzinfo) -> UserCoupon:
    """Write one coupon of template `t` for `user_id` plus its "granted" history row.

    `grant_slot` is the number of coupons of `t` granted to the user before (None when the
    template has no per-user limit). Raises IntegrityError on a repeated `ref` or slot.
    """
    if t.valid_days is not None:
        window = validity_window(now, tz, valid_days=t.valid_days)
    else:
        window = validity_window(now, tz, valid_from=t.valid_from, valid_until=t.valid_until)
    coupon = await UserCoupon.create(
        template_id=t.id, user_id=user_id, granted_to_id=user_id, grant_slot=grant_slot, source=source,
        source_ref=ref, name=t.name, kind=t.kind, value=t.value, threshold_fen=t.threshold_fen,
        valid_from=window.valid_from, valid_until=window.valid_until, created_at=now, using_db=conn)
    await CouponHistory.create(coupon_id=coupon.id, action=CouponAction.GRANTED, user_id=user_id, ref=ref,
                               created_at=now, using_db=conn)
    return coupon


async def granted_count(conn: BaseDBAsyncClient | None, user_id: int, template_id: int) -> int:
    return await UserCoupon.filter(granted_to_id=user_id, template_id=template_id).using_db(conn).count()


async def _grant_one(conn: BaseDBAsyncClient, pay: PaymentNotification, template_id: int, now: dt.datetime,
                     tz: dt.tzinfo) -> str | None:
    """Grant one offered template inside the claim transaction; the refusal reason or None."""
    t = await CouponTemplate.filter(id=template_id).select_for_update().using_db(conn).first()
    if t is None:
        return str(GrantRefusal.DISABLED)
    ref = payment_ref(pay.id, t.id)
    if await UserCoupon.exists(source_ref=ref, using_db=conn):  # a concurrent claim won the lock first
        return None
    count = await granted_count(conn, pay.user_id, t.id)
    reason = refusal_for(t, count, now)
    if reason is not None:
        return str(reason)
    if t.stock_left is not None and not await take_template_stock(conn, t.id, 1):
        return str(GrantRefusal.OUT_OF_STOCK)
    slot = count if t.per_user_limit else None
    await issue_coupon(conn, t, pay.user_id, CouponSource.PAYMENT, ref, slot, now, tz)
    return None


def payment_ref(payment_id: int, template_id: int) -> str:
    return f"pay:{payment_id}:{template_id}"


async def claim_payment_coupons(user_id: int, order_no: str, now: dt.datetime,
                                tz: dt.tzinfo) -> tuple[list[UserCoupon], list[dict[str, Any]]]:
    """Grant the coupons a payment earned to its payer, once per (payment, template).

    Idempotent: a repeat (or a concurrent claim) grants nothing new and returns the same
    coupons. Returns (coupons granted by this payment, [{"template_id", "reason"}] refused now).
    404 for another user's or an unknown order, 409 nothing_to_claim for a non-coupon offer.
    """
    pay = await PaymentNotification.get_or_none(order_no=order_no, user_id=user_id)
    if pay is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    if pay.offer_kind != OfferKind.COUPON or pay.refunded_at is not None:
        raise FissionError(ErrorCode.NOTHING_TO_CLAIM)
    refs = {payment_ref(pay.id, int(tid)): int(tid) for tid in pay.offer_template_ids}
    done = set(await UserCoupon.filter(source_ref__in=list(refs)).values_list("source_ref", flat=True))
    refused: list[dict[str, Any]] = []
    if len(done) < len(refs):
        try:
            async with in_transaction() as conn:
                # the payment row's lock orders this claim against a refund of the same payment
                if not await PaymentNotification.filter(id=pay.id, refunded_at=None).select_for_update().using_db(
                        conn).exists():
                    raise FissionError(ErrorCode.NOTHING_TO_CLAIM)
                for ref, tid in refs.items():
                    reason = None if ref in done else await _grant_one(conn, pay, tid, now, tz)
                    if reason is not None:
                        refused.append({"template_id": tid, "reason": reason})
        except IntegrityError:
            refused = []  # a concurrent claim of the same payment committed first: return its coupons
    coupons = await UserCoupon.filter(source_ref__in=list(refs)).order_by("id")
    return coupons, refused
