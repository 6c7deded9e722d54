"""Order events → red packets: issue on `confirmed`, invalidate on `refunded` (SPEC §1.1–1.2).

Idempotent per event_id (unique `order_events` row) and per order (one packet per order), so
the webhook and the RabbitMQ consumer can both deliver the same event any number of times, in any
order: a refund before expire_time invalidates the packet even when split out (the owner's
earnings reversed, helpers keep theirs); a refund that comes before its `confirmed` leaves the
order row as a refund marker, and the late `confirmed` issues no packet. docs/redpacket.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra import db, signing
from bot.jobs import outbox
from bot.settings import CampaignSettings, RedPacketSettings, Settings
from bot.web.policy import KIB
from handlers.redpacket import live
from handlers.redpacket.budget import CounterMissing, add_spent, budget_of, ensure_counters, lock_spent, spent_now
from handlers.redpacket.cache import HelpCache, help_cache_of
from handlers.redpacket.routes import packet_view
from models.budget_rules import NO_BUDGET, Budget, exhausted
from models.enums import REFUNDABLE_STATUSES, DomainEvent, LedgerKind, OrderStatus, PacketStatus
from models.ledger import LedgerEntry
from models.redpacket import OrderEvent, PlatformOrder, RedPacket
from models.redpacket_rules import IssueRules, issue_amount
from models.user import User


class OrderEventIn(BaseModel):
    """The order system's event body (API.md, Orders → red packets)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    event_id: str = Field(min_length=1, max_length=128)
    type: Literal["confirmed", "refunded"]
    order_no: str = Field(min_length=1, max_length=64)
    openid: str = Field(min_length=1, max_length=64)
    goods_id: int = Field(0, ge=0, le=2**62)
    goods_name: str = Field("", max_length=255)
    goods_thumbnail_url: str = Field("", max_length=1024)
    paid_amount: int = Field(0, ge=0, le=10**12)
    coupon_price: int = Field(0, ge=0, le=10**12)
    cashback: int = Field(0, ge=0, le=10**12)
    occurred_at: dt.datetime | None = None


@dataclass(frozen=True)
class EventResult:
    packet_id: int | None
    duplicate: bool
    invalidated_token: str | None = None


def issue_rules(rp: RedPacketSettings) -> IssueRules:
    return IssueRules(rp.leverage, rp.min_amount, rp.max_amount, Fraction(str(rp.max_ratio)))


async def _packet_of(order_no: str) -> int | None:
    ids: list[Any] = await RedPacket.filter(order__order_no=order_no).values_list("id", flat=True)
    return int(ids[0]) if ids else None


def _order_fields(ev: OrderEventIn) -> dict[str, object]:
    return {"goods_id": ev.goods_id, "goods_name": ev.goods_name, "goods_thumbnail_url": ev.goods_thumbnail_url,
            "paid_fen": ev.paid_amount, "coupon_price_fen": ev.coupon_price, "cashback_fen": ev.cashback}


async def _budget_left(budget: Budget, rp: RedPacketSettings, now: dt.datetime, tz: ZoneInfo) -> bool:
    """Issuing stops once a hard budget cannot pay even the smallest ordinary help."""
    return not budget.limited or not exhausted(budget, await spent_now(now, tz), rp.old_user_range[0])


async def _issue(ev: OrderEventIn, rp: RedPacketSettings, now: dt.datetime, budget_left: bool = True) -> EventResult:
    """`confirmed`: record the order and issue its packet — unless the order is known already (a
    duplicate), its refund came first (the refund marker: the order row exists with
    confirmed=False; it is completed and no packet is issued), or the budget is exhausted (the
    order is recorded, no packet)."""
    user = await User.ensure(ev.openid)
    amount = issue_amount(issue_rules(rp), paid_fen=ev.paid_amount, coupon_price_fen=ev.coupon_price,
                          cashback_fen=ev.cashback) if budget_left else None
    async with in_transaction() as conn:
        await OrderEvent.create(event_id=ev.event_id, order_no=ev.order_no, type=ev.type, using_db=conn)
        known = await PlatformOrder.filter(order_no=ev.order_no).select_for_update().using_db(conn).first()
        if known is not None:
            if known.confirmed:
                return EventResult(await _packet_of(ev.order_no), True)
            await PlatformOrder.filter(id=known.id).using_db(conn).update(confirmed=True, **_order_fields(ev))
            return EventResult(None, False)
        order = await PlatformOrder.create(order_no=ev.order_no, user=user, using_db=conn, **_order_fields(ev))
        if amount is None:
            return EventResult(None, False)
        packet = await RedPacket.create(
            order=order, owner=user, share_token=secrets.token_urlsafe(24), amount_fen=amount,
            goods_name=ev.goods_name, goods_thumbnail_url=ev.goods_thumbnail_url,
            expire_time=now + dt.timedelta(seconds=rp.ttl_seconds), using_db=conn)
        await outbox.add(conn, f"packet:{packet.id}:issued", DomainEvent.ISSUED, {
            "packet_id": packet.id, "owner_id": user.id, "amount": amount,
            "expire_time": packet.expire_time.isoformat(), "goods_name": ev.goods_name}, now)
    return EventResult(packet.id, False)


async def _invalidate(conn: BaseDBAsyncClient, p: RedPacket, now: dt.datetime, keys: tuple[str, str]) -> bool:
    """Refund within the validity: 0/1/2 → 4 and the owner's earnings from it reversed (the packet
    row is locked, so its split_fen is exactly what its helps credited the owner); helpers keep
    theirs. After expire_time nothing changes. True when the packet was invalidated now."""
    if now >= p.expire_time or PacketStatus(p.status) not in REFUNDABLE_STATUSES:
        return False
    n = await RedPacket.filter(id=p.id, status__in=list(REFUNDABLE_STATUSES)).using_db(conn).update(
        status=PacketStatus.INVALID, invalid_time=now, version=F("version") + 1)
    if n != 1:
        return False
    earned = int(p.split_fen)
    if earned:
        await lock_spent(conn, keys)  # after the packet, as the help transaction does
        await add_spent(conn, keys, -earned)
        await LedgerEntry.create(user_id=p.owner_id, amount_fen=-earned, kind=LedgerKind.REVERSAL,
                                 ref=f"packet:{p.id}:reversal", packet_id=p.id, created_at=now, using_db=conn)
    await outbox.add(conn, f"packet:{p.id}:invalidated", DomainEvent.INVALIDATED, {
        "packet_id": p.id, "owner_id": p.owner_id, "reversed": earned,
        "was": PacketStatus(p.status).wire}, now)
    return True


async def _refund(ev: OrderEventIn, now: dt.datetime, tz: ZoneInfo) -> EventResult:
    """`refunded`: mark the order refunded — creating it as the refund marker (confirmed=False)
    when its `confirmed` has not arrived yet — and invalidate its packet within the validity."""
    user = await User.ensure(ev.openid)
    keys = await ensure_counters(now, tz)
    async with in_transaction() as conn:
        await OrderEvent.create(event_id=ev.event_id, order_no=ev.order_no, type=ev.type, using_db=conn)
        order = await PlatformOrder.filter(order_no=ev.order_no).select_for_update().using_db(conn).first()
        if order is None:  # unique order_no: a concurrent `confirmed` waits for this row, or we for its
            await PlatformOrder.create(order_no=ev.order_no, user=user, status=OrderStatus.REFUNDED, confirmed=False,
                                       using_db=conn, **_order_fields(ev))
            return EventResult(None, False)
        if order.status == OrderStatus.REFUNDED:
            return EventResult(await _packet_of(ev.order_no), True)
        await PlatformOrder.filter(id=order.id).using_db(conn).update(status=OrderStatus.REFUNDED)
        p = await RedPacket.filter(order_id=order.id).select_for_update().using_db(conn).first()
        if p is None:
            return EventResult(None, False)
        if not await _invalidate(conn, p, now, keys):
            return EventResult(p.id, False)
    return EventResult(p.id, False, invalidated_token=p.share_token)


RETRIES = 3
RETRY_ON: tuple[type[BaseException], ...] = (*db.RACE_ERRORS, CounterMissing)


async def handle_order_event(ev: OrderEventIn, rp: RedPacketSettings, now: dt.datetime,
                             campaign: CampaignSettings | None = None, budget: Budget = NO_BUDGET) -> EventResult:
    """Apply one order event exactly once; a repeat (same event or same order) is a duplicate.

    A `confirmed` and a `refunded` of one order racing each other meet on the order row (unique
    order_no, locked FOR UPDATE): the loser's transaction fails on the unique key (or a deadlock),
    is rolled back whole and tried again, and then sees the winner's row."""
    tz = (campaign or CampaignSettings()).tz
    for attempt in range(RETRIES):
        if await OrderEvent.exists(event_id=ev.event_id):
            return EventResult(await _packet_of(ev.order_no), True)
        try:
            if ev.type == "confirmed":
                return await _issue(ev, rp, now, await _budget_left(budget, rp, now, tz))
            return await _refund(ev, now, tz)
        except RETRY_ON:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


async def apply_order_event(ev: OrderEventIn, s: Settings, help_cache: HelpCache, now: dt.datetime,
                            settings: live.Snapshot | None = None) -> EventResult:
    """THE order-event use case of every entry (the signed webhook, the RabbitMQ consumer): apply it
    under ONE version of the live settings (`settings`, else the current one: its redpacket tunables
    and budgets), then tell the help screen's cache that a refund made its packet terminal
    (`invalid`), so help asks are refused from Redis at once. The one place this is written."""
    settings = settings or await live.current(s)
    result = await handle_order_event(ev, settings.redpacket, now, settings.campaign, settings.budget)
    if result.invalidated_token:
        await help_cache.mark_terminal(result.invalidated_token, PacketStatus.INVALID.wire)
    return result


bp = Blueprint("orders", url_prefix="/api/orders")


@bp.post("/events", ctx_body_limit=64 * KIB, ctx_sessionless=True)  # a signed webhook: one small document
async def order_events(request: Request) -> HTTPResponse:
    """The order system's signed webhook (API.md): 200 {"packet", "duplicate"}; 401 on a bad signature."""
    s = request.app.ctx.settings
    signing.verify(request.headers.get(signing.HEADER), request.body, s.orders.secret)
    try:
        ev = OrderEventIn.model_validate_json(request.body)
    except ValidationError as e:
        raise FissionError(ErrorCode.INVALID_BODY, f"请求格式错误: {e.error_count()} 个字段无效") from e
    settings = await live.current(s)  # one version of the live settings issues the packet
    if ev.type == "confirmed" and settings.paused:  # refunds are taken while paused: they only take money back
        raise FissionError(ErrorCode.CAMPAIGN_PAUSED)
    now = utcnow()
    result = await apply_order_event(ev, s, request.app.ctx.help_cache, now, settings)
    packet = await RedPacket.get_or_none(id=result.packet_id) if result.packet_id else None
    return json({"packet": await packet_view(packet, now) if packet else None, "duplicate": result.duplicate})


def queue_handler(ctx: Any) -> Callable[[OrderEventIn], Awaitable[EventResult]]:
    """The RabbitMQ consumer's use case: the webhook's, with the packet marked terminal on refunds."""
    s = ctx.settings

    async def handle(ev: OrderEventIn) -> EventResult:
        # while the campaign is paused a `confirmed` waits here, unacked: the queue keeps it (and
        # the rest, up to the prefetch) until resume; a refund goes through at once
        while ev.type == "confirmed" and (await budget_of(s)).paused:
            await asyncio.sleep(max(1.0, s.campaign.controls_cache_s))
        return await apply_order_event(ev, s, help_cache_of(ctx), utcnow())

    return handle
