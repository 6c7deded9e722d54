"""Settling payments (SPEC §2): a gateway notification, whenever it arrives, meets its order.

Every notification is first kept as received (`ReceivedPayNotice`, unique per (OrderNo, result)),
then applied when its payer is known: from the registered `PaymentOrder`, or — for integrations
that send them — from the notification's own UserCode/ProductCode while no order is registered.
Registration applies what was kept. Both sides write first and read after (each in its own
statement), so whichever of a racing notification and registration commits second sees the other.

Applying is idempotent and decided by the database: the payment row is unique per OrderNo; a
failed payment turns successful by one conditional update (`success = false` → true), so 50
concurrent copies grant one set of chances; a success is never turned back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.jobs.alerts import raise_alert
from handlers.payments.refund import refund_settled
from models.lottery import LotteryChance
from models.payment import OfferKind, PayActivityConfig, PaymentNotification, PaymentOrder, ReceivedPayNotice
from models.payment_rules import PayConfig, PayNotice, judged_time, match_pay_config, parse_bank_trade_date
from models.user import User

log = logging.getLogger(__name__)

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Payer:
    """Who paid for what: the registered order, or the notification's own fields standing in."""

    user_id: int
    product_code: str
    amount_fen: int | None  # registered amount; None when the notification stands in
    refunded: bool = False


@dataclass(frozen=True, slots=True)
class Received:
    """A kept notification with its first receipt time."""

    notice: PayNotice
    received_at: dt.datetime


def _rule_config(c: PayActivityConfig) -> PayConfig:
    return PayConfig(id=c.id, product_code=c.product_code, min_amount_fen=int(c.min_amount_fen),
                     kind=OfferKind(c.kind), start_time=c.start_time, end_time=c.end_time,
                     activity_id=c.activity_id, coupon_template_ids=tuple(c.coupon_template_ids))


async def _offer_config(notice: PayNotice, at: dt.datetime) -> PayActivityConfig | None:
    """The enabled pay config this payment earns when judged at `at`, if any (match_pay_config decides)."""
    rows = await PayActivityConfig.filter(product_code=notice.product_code, enabled=True)
    chosen = match_pay_config([_rule_config(c) for c in rows], notice, at)
    return next((c for c in rows if chosen and c.id == chosen.id), None)


def check_matches(notice: PayNotice, order: PaymentOrder) -> None:
    """409 conflict when the notification names another payer or product than the registered order."""
    if notice.user_code and notice.user_code != order.openid:
        raise FissionError(ErrorCode.CONFLICT, "UserCode 与登记的支付订单不一致")
    if notice.product_code and notice.product_code != order.product_code:
        raise FissionError(ErrorCode.CONFLICT, "ProductCode 与登记的支付订单不一致")


def payer_of(order: PaymentOrder) -> Payer:
    return Payer(order.user_id, order.product_code, int(order.amount_fen), order.refunded_at is not None)


async def keep(notice: PayNotice, now: dt.datetime) -> Received:
    """Store the notification once per (OrderNo, result); a repeat returns the first receipt."""
    try:
        row = await ReceivedPayNotice.create(
            order_no=notice.order_no, success=notice.success, pay_id=notice.pay_id,
            bank_trade_date=notice.bank_trade_date, amount_fen=notice.amount_fen, err_code=notice.err_code,
            user_code=notice.user_code, product_code=notice.product_code, received_at=now)
    except IntegrityError:
        row = await ReceivedPayNotice.get(order_no=notice.order_no, success=notice.success)
    return Received(_notice_of(row), row.received_at)


def _notice_of(r: ReceivedPayNotice) -> PayNotice:
    return PayNotice(order_no=r.order_no, pay_id=r.pay_id, bank_trade_date=r.bank_trade_date,
                     amount_fen=int(r.amount_fen), success=r.success, err_code=r.err_code, user_code=r.user_code,
                     product_code=r.product_code)


async def kept_for(order_no: str) -> list[Received]:
    """The kept notifications of an order, the failed one first (so a success applies last)."""
    rows = await ReceivedPayNotice.filter(order_no=order_no).order_by("success", "id")
    return [Received(_notice_of(r), r.received_at) for r in rows]


async def _values(r: Received, payer: Payer, tz: dt.tzinfo) -> dict[str, Any]:
    """The payment row's fields: the offer judged at the payment time, nothing for a mismatch."""
    n = dataclasses.replace(r.notice, product_code=payer.product_code)
    paid_at = parse_bank_trade_date(n.bank_trade_date, tz)
    at, set_aside = judged_time(paid_at, r.received_at)
    if set_aside or (paid_at is None and n.success):
        log.warning("payment %s: BankTradeDate %r judged on receipt time %s", n.order_no, n.bank_trade_date,
                    r.received_at.isoformat())
    mismatch = payer.amount_fen is not None and payer.amount_fen != n.amount_fen
    config = None if mismatch or payer.refunded else await _offer_config(n, at)
    kind = OfferKind(config.kind) if config else OfferKind.NONE
    chances = int(config.chances) if config and kind is OfferKind.LOTTERY else 0
    return {"pay_id": n.pay_id, "bank_trade_date": n.bank_trade_date, "paid_at": paid_at,
            "amount_fen": n.amount_fen, "success": n.success, "err_code": n.err_code, "user_id": payer.user_id,
            "product_code": n.product_code, "config_id": config.id if config else None, "offer_kind": kind,
            "offer_activity_id": config.activity_id if config and chances else None, "chances": chances,
            "offer_template_ids": list(config.coupon_template_ids) if config and kind is OfferKind.COUPON else [],
            "received_at": r.received_at, "amount_mismatch": mismatch and n.success}


async def _grant_chances(pay_id: int, values: dict[str, Any], conn: BaseDBAsyncClient) -> None:
    chances = int(values["chances"])
    if chances:
        now = values["received_at"]
        await LotteryChance.bulk_create([
            LotteryChance(id=LotteryChance.key(pay_id, i), user_id=values["user_id"],
                          activity_id=values["offer_activity_id"], payment_id=pay_id, seq=i, created_at=now)
            for i in range(chances)], using_db=conn)


async def settle(r: Received, payer: Payer, tz: dt.tzinfo) -> tuple[int, bool]:
    """Apply a kept notification to its payer: (payment id, duplicate). Idempotent; a success
    replaces a failed payment once (conditional update), nothing replaces a success."""
    values = await _values(r, payer, tz)
    try:
        async with in_transaction() as conn:
            pay = await PaymentNotification.create(order_no=r.notice.order_no, using_db=conn, **values)
            await _grant_chances(pay.id, values, conn)
    except IntegrityError:
        pay_id, duplicate = await _upgrade(r.notice.order_no, values)
    else:
        pay_id, duplicate = pay.id, False
        await _alert_mismatch(r.notice, payer, values)
    if not duplicate and await PaymentOrder.exists(order_no=r.notice.order_no, refunded_at__isnull=False):
        await refund_settled(r.notice.order_no, utcnow())  # a refund that raced this settlement
    return pay_id, duplicate


async def _upgrade(order_no: str, values: dict[str, Any]) -> tuple[int, bool]:
    first = await PaymentNotification.get(order_no=order_no)
    if first.success or not values["success"]:
        return first.id, True
    async with in_transaction() as conn:
        moved = await PaymentNotification.filter(id=first.id, success=False).using_db(conn).update(**values)
        if moved:
            await _grant_chances(first.id, values, conn)
    return first.id, not moved


async def _alert_mismatch(n: PayNotice, payer: Payer, values: dict[str, Any]) -> None:
    if not values["amount_mismatch"]:
        return
    text = (f"【Fission 告警】支付金额不符：订单 {n.order_no} 登记 {payer.amount_fen} 分，"
            f"支付通知 {n.amount_fen} 分，未发放奖励")
    await raise_alert("pay_amount", n.order_no, text, utcnow())


async def accept_notice(notice: PayNotice, now: dt.datetime, tz: dt.tzinfo = DEFAULT_TZ) -> tuple[int | None, bool]:
    """Keep a notification and apply it when its payer is known: (payment id | None, duplicate).

    None = kept for an order not registered yet. 409 conflict when UserCode/ProductCode
    contradict the registered order (nothing kept).
    """
    order = await PaymentOrder.get_or_none(order_no=notice.order_no)
    if order is not None:
        check_matches(notice, order)
    received = await keep(notice, now)
    if order is None:
        order = await PaymentOrder.get_or_none(order_no=notice.order_no)  # registered meanwhile?
    if order is not None:
        return await settle(received, payer_of(order), tz)
    if notice.user_code and notice.product_code:  # an integration that names the payer itself
        user = await User.ensure(notice.user_code)
        return await settle(received, Payer(user.id, notice.product_code, None), tz)
    return None, False
