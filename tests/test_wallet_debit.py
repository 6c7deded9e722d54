"""Spending the wallet, storage-level on PostgreSQL, MariaDB and SQLite: idempotent per order_no,
never below zero under 100 concurrent debits, reversals, a refund taking a spent balance below zero."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.errors import ErrorCode, FissionError
from handlers.redpacket.commit import HelpAttempt, commit_batch
from handlers.redpacket.orders import handle_order_event
from handlers.redpacket.wallet import DebitIn, balance_fen, debit, reverse_debit, wallet_page
from models.enums import LedgerKind
from models.ledger import LedgerEntry
from models.user import User
from tests.support.storage import NOW, RP, ctx, event, issue, users


async def funded(fen: int) -> User:
    (u,) = await users(1)
    await LedgerEntry.create(user_id=u.id, amount_fen=fen, kind=LedgerKind.HELP_HELPER,
                             ref=f"test:{uuid.uuid4().hex}", created_at=NOW)
    return u


def d(u: User, amount: int, order_no: str | None = None) -> DebitIn:
    return DebitIn(openid=u.openid, order_no=order_no or uuid.uuid4().hex[:20], amount_fen=amount)


async def code_of(coro: object) -> ErrorCode:
    with pytest.raises(FissionError) as e:
        await coro  # type: ignore[misc]
    return e.value.code


async def test_debit_is_idempotent_per_order_and_reversible_once(orm: str) -> None:
    u = await funded(500)
    first, dup1 = await debit(d(u, 300, "ck-1"), NOW)
    again, dup2 = await debit(d(u, 300, "ck-1"), NOW)
    assert (dup1, dup2) == (False, True) and first.id == again.id and first.amount_fen == -300
    assert await balance_fen(u.id) == 200
    assert await code_of(debit(d(u, 301, "ck-1"), NOW)) is ErrorCode.CONFLICT  # same order, other amount
    other = await funded(1000)
    assert await code_of(debit(d(other, 300, "ck-1"), NOW)) is ErrorCode.CONFLICT  # same order, other payer
    assert await code_of(debit(d(u, 201), NOW)) is ErrorCode.INSUFFICIENT_BALANCE
    back, dup = await reverse_debit("ck-1", NOW)
    assert (back.amount_fen, back.kind, dup) == (300, LedgerKind.DEBIT_REVERSAL, False)
    assert (await reverse_debit("ck-1", NOW))[1] is True
    assert await balance_fen(u.id) == 500
    assert await code_of(reverse_debit("never-debited", NOW)) is ErrorCode.NOT_FOUND
    page = await wallet_page(u.id)
    assert [e["text"] for e in page["entries"]][:2] == ["订单取消，抵扣退回", "下单抵扣"]


async def test_a_stranger_or_nothing_to_spend_is_insufficient(orm: str) -> None:
    assert await code_of(debit(DebitIn(openid="o-nobody", order_no="x1", amount_fen=1), NOW)) is \
        ErrorCode.INSUFFICIENT_BALANCE
    (u,) = await users(1)
    assert await code_of(debit(d(u, 1), NOW)) is ErrorCode.INSUFFICIENT_BALANCE


async def test_a_hundred_concurrent_debits_never_go_below_zero(orm: str, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("one writer at a time: nothing to race")
    u = await funded(1000)
    results = await asyncio.gather(*[debit(d(u, 30), NOW) for _ in range(100)], return_exceptions=True)
    won = [r for r in results if isinstance(r, tuple)]
    lost = [r for r in results if not isinstance(r, tuple)]
    assert all(isinstance(r, FissionError) and r.code is ErrorCode.INSUFFICIENT_BALANCE for r in lost), lost[:3]
    assert len(won) == 33  # 33 x 30 = 990 <= 1000 < 34 x 30
    assert await balance_fen(u.id) == 10


async def test_a_refund_after_spending_shows_a_negative_balance_that_pays_nothing(orm: str) -> None:
    p = await issue(cashback=100, paid_amount=1000, coupon_price=1000)
    helpers = await users(10)
    out = await commit_batch([HelpAttempt(p.id, h.id, h.openid) for h in helpers], ctx(), NOW)
    earned = sum(o.amount for o in out)
    owner = await User.get(id=p.owner_id)
    await debit(d(owner, earned), NOW)  # spent it all at checkout
    await handle_order_event(event(type="refunded", order_no=(await p.order).order_no), RP, NOW)
    assert await balance_fen(owner.id) == -earned
    page = await wallet_page(owner.id)
    assert (page["balance"], page["spendable"], page["owed"]) == (-earned, 0, earned)
    assert await code_of(debit(d(owner, 1), NOW)) is ErrorCode.INSUFFICIENT_BALANCE
