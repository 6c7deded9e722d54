"""Any order of arrival, on PostgreSQL, MariaDB and SQLite: a notification before its order's
registration is kept and applied then; a failed result followed by a success counts the success;
a success is never undone by a failure; an amount other than the registered one earns nothing
(recorded, and a WeCom alert queued); BankTradeDate decides the time window; concurrent copies
settle once."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging

import pytest

from handlers.payments.orders import register
from handlers.payments.settle import accept_notice
from models.campaign_rules import aware_moment
from models.lottery import LotteryChance
from models.outbox import OutboxMessage
from models.payment import (
    OfferKind,
    PayActivityConfig,
    PaymentNotification,
    ReceivedPayNotice,
)
from tests.support.paykit import NOW, SH, activity, lottery_config, uid
from tests.support.seedpay import order_in, seed_notice

NONE_ONLY = [{"name": "谢谢参与", "kind": "none", "weight": 1}]


async def _chances(order_no: str) -> int:
    pay = await PaymentNotification.get(order_no=order_no)
    return await LotteryChance.filter(payment_id=pay.id).count()


async def test_register_then_notify(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await register(order_in(order), SH)
    pay_id, duplicate = await accept_notice(seed_notice(order), NOW, SH)
    assert pay_id is not None and not duplicate
    assert await _chances(order) == 1


async def test_notify_then_register(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order, openid = uid("ord"), uid()
    assert await accept_notice(seed_notice(order), NOW, SH) == (None, False)
    assert await accept_notice(seed_notice(order), NOW, SH) == (None, False)
    assert await ReceivedPayNotice.filter(order_no=order).count() == 1
    assert not await PaymentNotification.exists(order_no=order)
    await register(order_in(order, openid), SH)
    pay = await PaymentNotification.get(order_no=order)
    assert (pay.success, pay.offer_kind, pay.chances) == (True, OfferKind.LOTTERY, 1)
    assert await _chances(order) == 1
    await register(order_in(order, openid), SH)  # the same registration again grants nothing more
    assert await _chances(order) == 1


async def test_failed_then_success_counts_the_success(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await register(order_in(order), SH)
    await accept_notice(seed_notice(order, success=False), NOW, SH)
    assert (await PaymentNotification.get(order_no=order)).success is False
    pay_id, duplicate = await accept_notice(seed_notice(order), NOW, SH)
    assert not duplicate
    pay = await PaymentNotification.get(id=pay_id)
    assert (pay.success, pay.offer_kind, pay.err_code) == (True, OfferKind.LOTTERY, "")
    assert await _chances(order) == 1


async def test_failed_then_success_before_registration(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await accept_notice(seed_notice(order), NOW, SH)  # the success arrives first, the failure late
    await accept_notice(seed_notice(order, success=False), NOW, SH)
    await register(order_in(order), SH)
    assert (await PaymentNotification.get(order_no=order)).success is True
    assert await _chances(order) == 1


async def test_success_then_failure_changes_nothing(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await register(order_in(order), SH)
    await accept_notice(seed_notice(order), NOW, SH)
    _pay_id, duplicate = await accept_notice(seed_notice(order, success=False), NOW, SH)
    assert duplicate
    pay = await PaymentNotification.get(order_no=order)
    assert (pay.success, pay.offer_kind) == (True, OfferKind.LOTTERY)
    assert await _chances(order) == 1


async def test_amount_mismatch_earns_nothing_and_alerts(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await register(order_in(order, amount_fen=1990), SH)
    await accept_notice(seed_notice(order, amount_fen=1), NOW, SH)
    pay = await PaymentNotification.get(order_no=order)
    assert (pay.success, pay.amount_mismatch, pay.offer_kind, pay.chances) == (True, True, OfferKind.NONE, 0)
    alerts = await OutboxMessage.filter(kind="alert", key__contains=order)
    assert len(alerts) == 1 and order in alerts[0].payload["text"] and "1990" in alerts[0].payload["text"]


async def test_amount_mismatch_found_at_registration(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await accept_notice(seed_notice(order, amount_fen=1), NOW, SH)
    await register(order_in(order, amount_fen=2), SH)
    pay = await PaymentNotification.get(order_no=order)
    assert (pay.amount_mismatch, pay.chances) == (True, 0)
    assert await OutboxMessage.filter(kind="alert", key__contains=order).count() == 1


async def test_window_is_judged_on_the_bank_trade_date(orm: str) -> None:
    """The config closed at 10:00 Shanghai; paid 09:30, the notification retried at 12:00."""
    act = await activity(NONE_ONLY)
    cfg = await lottery_config(act)
    closes = dt.datetime(2026, 11, 22, 10, 0, tzinfo=SH).astimezone(dt.UTC)
    await PayActivityConfig.filter(id=cfg.id).update(end_time=closes)
    late = closes + dt.timedelta(hours=2)
    paid_in_window, paid_after = uid("ord"), uid("ord")
    for order in (paid_in_window, paid_after):
        await register(order_in(order), SH)
    await accept_notice(seed_notice(paid_in_window, paid="2026-11-22 09:30:00"), late, SH)
    await accept_notice(seed_notice(paid_after, paid="2026-11-22 10:30:00"), late, SH)
    first = await PaymentNotification.get(order_no=paid_in_window)
    assert first.paid_at == dt.datetime(2026, 11, 22, 1, 30, tzinfo=dt.UTC) and first.chances == 1
    assert (await PaymentNotification.get(order_no=paid_after)).chances == 0


async def test_a_skewed_bank_trade_date_is_judged_on_receipt(orm: str, caplog: pytest.LogCaptureFixture) -> None:
    """The seed's own date (2018) is years off: the window is judged on the receipt time, logged."""
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await register(order_in(order), SH)
    with caplog.at_level(logging.WARNING, logger="handlers.payments.settle"):
        await accept_notice(seed_notice(order, paid="2018-01-08 17:44:18"), NOW, SH)
    assert any(order in r.getMessage() and "receipt time" in r.getMessage() for r in caplog.records)
    pay = await PaymentNotification.get(order_no=order)
    assert pay.paid_at == dt.datetime(2018, 1, 8, 9, 44, 18, tzinfo=dt.UTC) and pay.chances == 1


async def test_concurrent_successes_after_a_failure_grant_once(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY), chances=2)
    order = uid("ord")
    await register(order_in(order), SH)
    await accept_notice(seed_notice(order, success=False), NOW, SH)
    results = await asyncio.gather(*[accept_notice(seed_notice(order), NOW, SH) for _ in range(10)])
    assert sum(1 for _id, duplicate in results if not duplicate) == 1
    assert await _chances(order) == 2


async def test_concurrent_registration_and_notification_meet(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    orders = [uid("ord") for _ in range(5)]
    await asyncio.gather(*[f for o in orders for f in (register(order_in(o), SH), accept_notice(
        seed_notice(o), NOW, SH))])
    for o in orders:
        assert await _chances(o) == 1


async def test_stand_in_payer_without_registration(orm: str) -> None:
    """An integration that sends UserCode and ProductCode works with no registered order."""
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    n = dataclasses.replace(seed_notice(order, amount_fen=1990), user_code=uid(), product_code="P1")
    pay_id, _dup = await accept_notice(n, NOW, SH)
    assert pay_id is not None and await _chances(order) == 1


async def test_an_edited_window_keeps_its_instant(orm: str) -> None:
    """Admin edits go through `.update()`; a +08:00 time must mean the same instant on every backend."""
    cfg = await lottery_config(await activity(NONE_ONLY))
    closes = aware_moment("2026-11-22T10:00:00+08:00")
    await PayActivityConfig.filter(id=cfg.id).update(end_time=closes)
    assert (await PayActivityConfig.get(id=cfg.id)).end_time == dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
