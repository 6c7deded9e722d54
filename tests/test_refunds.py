"""Refunds against red packets on PostgreSQL, MariaDB and SQLite (SPEC §1.2): split out or not
within the validity, after expire_time, and a refund that arrives before its confirm."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.jobs.notices import TemplateMessage, notice_for
from handlers.redpacket.commit import HelpAttempt, commit_batch
from handlers.redpacket.orders import handle_order_event
from models.enums import DomainEvent, LedgerKind, OrderStatus, PacketStatus
from models.ledger import LedgerEntry
from models.outbox import OutboxMessage
from models.redpacket import PlatformOrder, RedPacket
from models.user import User
from tests.support.config import make_settings
from tests.support.storage import NOW, RP, ctx, event, issue, users


async def small() -> RedPacket:
    return await issue(cashback=100, paid_amount=1000, coupon_price=1000)  # 200 fen: a few helps


async def balance(user_id: int) -> int:
    return sum(await LedgerEntry.filter(user_id=user_id).values_list("amount_fen", flat=True))


async def split_out(p: RedPacket) -> list[int]:
    """Help until the packet is split out; the helper ids."""
    helpers = await users(40)
    out = await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in helpers], ctx(), NOW)
    assert any(o.last for o in out)
    return [u.id for u, o in zip(helpers, out, strict=True) if o.error is None]


async def test_refund_of_a_split_out_packet_reverses_the_owner_only(orm: str) -> None:
    p = await small()
    helper_ids = await split_out(p)
    helpers_before = {h: await balance(h) for h in helper_ids}
    assert await balance(p.owner_id) == p.amount_fen
    res = await handle_order_event(event(type="refunded", order_no=(await p.order).order_no), RP,
                                   NOW + dt.timedelta(hours=1))
    assert res.invalidated_token == p.share_token
    q = await RedPacket.get(id=p.id)
    assert q.status == PacketStatus.INVALID and q.split_fen == p.amount_fen  # what was split stays recorded
    assert await balance(p.owner_id) == 0
    reversal = await LedgerEntry.get(user_id=p.owner_id, kind=LedgerKind.REVERSAL)
    assert reversal.amount_fen == -p.amount_fen and reversal.packet_id == p.id
    assert {h: await balance(h) for h in helper_ids} == helpers_before
    notice = await OutboxMessage.get(key=f"packet:{p.id}:invalidated")
    assert notice.kind == DomainEvent.INVALIDATED and notice.payload["reversed"] == p.amount_fen
    message = await notice_for(notice.kind, notice.payload, make_settings(), NOW)  # what the worker sends
    assert isinstance(message, TemplateMessage)
    assert message.openid == (await User.get(id=p.owner_id)).openid and "已失效" in message.data["first"]


async def test_refund_after_expire_time_changes_nothing(orm: str) -> None:
    live, gone = await issue(), await small()
    await split_out(gone)
    for p in (live, await RedPacket.get(id=gone.id)):
        owner_before = await balance(p.owner_id)
        at = p.expire_time  # expiry takes effect exactly at expire_time
        res = await handle_order_event(event(type="refunded", order_no=(await p.order).order_no), RP, at)
        assert res.invalidated_token is None
        q = await RedPacket.get(id=p.id)
        assert q.status == p.status and q.invalid_time is None
        assert await balance(p.owner_id) == owner_before
        assert not await LedgerEntry.exists(kind=LedgerKind.REVERSAL)
        assert not await OutboxMessage.exists(key=f"packet:{p.id}:invalidated")


async def test_refund_one_microsecond_before_expiry_still_invalidates(orm: str) -> None:
    p = await issue()
    at = p.expire_time - dt.timedelta(microseconds=1)
    res = await handle_order_event(event(type="refunded", order_no=(await p.order).order_no), RP, at)
    assert res.invalidated_token == p.share_token
    assert (await RedPacket.get(id=p.id)).status == PacketStatus.INVALID
    assert not await LedgerEntry.exists(kind=LedgerKind.REVERSAL)  # nothing was earned: nothing reversed


async def test_refund_before_confirm_issues_no_packet(orm: str) -> None:
    refund = event(type="refunded")
    assert (await handle_order_event(refund, RP, NOW)).packet_id is None
    order = await PlatformOrder.get(order_no=refund.order_no)
    assert order.status == OrderStatus.REFUNDED and not order.confirmed  # the refund marker
    confirm = event(order_no=refund.order_no, openid=refund.openid)
    late = await handle_order_event(confirm, RP, NOW + dt.timedelta(seconds=5))
    assert late.packet_id is None and not late.duplicate
    assert not await RedPacket.exists(order__order_no=refund.order_no)
    order = await PlatformOrder.get(order_no=refund.order_no)
    assert order.status == OrderStatus.REFUNDED and order.confirmed and order.cashback_fen == 2500
    # redeliveries of either change nothing
    assert (await handle_order_event(confirm, RP, NOW)).duplicate
    assert (await handle_order_event(refund, RP, NOW)).duplicate
    assert (await handle_order_event(confirm.model_copy(update={"event_id": "again"}), RP, NOW)).packet_id is None
    assert await RedPacket.all().count() == 0


async def test_confirm_then_refund_in_the_usual_order(orm: str) -> None:
    confirm = event()
    issued = await handle_order_event(confirm, RP, NOW)
    assert issued.packet_id is not None
    res = await handle_order_event(event(type="refunded", order_no=confirm.order_no, openid=confirm.openid), RP, NOW)
    assert res.packet_id == issued.packet_id and res.invalidated_token
    assert (await RedPacket.get(id=issued.packet_id)).status == PacketStatus.INVALID


async def test_confirm_and_refund_racing_never_leave_a_live_packet(orm: str) -> None:
    for _ in range(6):
        confirm = event()
        refund = event(type="refunded", order_no=confirm.order_no, openid=confirm.openid)
        await asyncio.gather(handle_order_event(confirm, RP, NOW), handle_order_event(refund, RP, NOW))
        statuses = await RedPacket.filter(order__order_no=confirm.order_no).values_list("status", flat=True)
        assert statuses in ([], [PacketStatus.INVALID])
        order = await PlatformOrder.get(order_no=confirm.order_no)
        assert order.status == OrderStatus.REFUNDED and order.confirmed
