"""Payments → lottery / coupon (API.md): the signed notification, the offer, draw and claim.

The notification is verified (HMAC of the raw body) before anything is parsed, parsed with
defusedxml, and stored once per OrderNo: the unique key makes every repeat — sequential or
concurrent — find the first row and change nothing. The offer (lottery chances or coupons) is
decided by the pay activity configs at acceptance and written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from urllib.parse import unquote

from sanic import Blueprint, Request, Sanic, json
from sanic.response import HTTPResponse
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot import signing
from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.session import require_user
from handlers.budget import refuse_if_paused
from handlers.coupon_grants import claim_payment_coupons, coupon_json, template_json
from handlers.drawbatcher import DrawBatcher
from handlers.lottery import DrawContext, DrawRequest
from handlers.lottery_tables import PrizeTables
from models.coupon import CouponTemplate
from models.lottery import LotteryChance
from models.payment import OfferKind, PayActivityConfig, PaymentNotification
from models.payment_rules import PayConfig, PayNotice, PayNoticeError, PayOfferKind, match_pay_config, parse_pay_request
from models.user import User

bp = Blueprint("payments", url_prefix="/api/payments")

MAX_OPENID_CHARS = 64
MAX_ORDER_NO_CHARS = 128


async def start(app: Sanic) -> None:
    ctx = DrawContext(app.ctx.settings.campaign.tz, random.SystemRandom(), PrizeTables())
    app.ctx.draw_batcher = DrawBatcher(ctx)
    app.ctx.draw_batcher.start()


async def stop(app: Sanic) -> None:
    await app.ctx.draw_batcher.stop()


def _rule_config(c: PayActivityConfig) -> PayConfig:
    return PayConfig(id=c.id, product_code=c.product_code, min_amount_fen=int(c.min_amount_fen),
                     kind=PayOfferKind(c.kind), start_time=c.start_time, end_time=c.end_time,
                     activity_id=c.activity_id, coupon_template_ids=tuple(c.coupon_template_ids))


async def _offer_config(notice: PayNotice, now: dt.datetime) -> PayActivityConfig | None:
    """The enabled pay config this payment earns now, if any (match_pay_config decides)."""
    rows = await PayActivityConfig.filter(product_code=notice.product_code, enabled=True)
    chosen = match_pay_config([_rule_config(c) for c in rows], notice, now)
    return next((c for c in rows if chosen and c.id == chosen.id), None)


async def accept_notice(notice: PayNotice, now: dt.datetime) -> tuple[int, bool]:
    """Store a payment notification once per OrderNo with the offer it earned.

    Returns (notification id, duplicate). A failed payment (PayResult != 2) is stored with offer
    "none". Concurrent repeats race on the unique order_no; the losers report a duplicate.
    """
    found = await PaymentNotification.filter(order_no=notice.order_no).first()
    if found:
        return found.id, True
    user = await User.ensure(notice.user_code)
    config = await _offer_config(notice, now)
    kind = OfferKind(config.kind) if config else OfferKind.NONE
    chances = int(config.chances) if config and kind is OfferKind.LOTTERY else 0
    activity_id = config.activity_id if config and chances else None
    template_ids = list(config.coupon_template_ids) if config and kind is OfferKind.COUPON else []
    try:
        async with in_transaction() as conn:
            pay = await PaymentNotification.create(
                order_no=notice.order_no, pay_id=notice.pay_id, bank_trade_date=notice.bank_trade_date,
                amount_fen=notice.amount_fen, success=notice.success, err_code=notice.err_code, user_id=user.id,
                product_code=notice.product_code, config_id=config.id if config else None, offer_kind=kind,
                offer_activity_id=activity_id, chances=chances, offer_template_ids=template_ids,
                received_at=now, using_db=conn)
            if chances:
                await LotteryChance.bulk_create([
                    LotteryChance(id=LotteryChance.key(pay.id, i), user_id=user.id, activity_id=activity_id,
                                  payment_id=pay.id, seq=i, created_at=now) for i in range(chances)], using_db=conn)
    except IntegrityError:
        first = await PaymentNotification.get(order_no=notice.order_no)
        return first.id, True
    return pay.id, False


def _parse(body: bytes) -> PayNotice:
    try:
        notice = parse_pay_request(body)
    except PayNoticeError as e:
        raise FissionError(ErrorCode.INVALID_BODY, f"支付通知格式错误: {e}") from e
    if len(notice.user_code) > MAX_OPENID_CHARS:
        raise FissionError(ErrorCode.INVALID_BODY, f"UserCode 超过 {MAX_OPENID_CHARS} 个字符")
    return notice


@bp.post("/notify")
async def notify(request: Request) -> HTTPResponse:
    """200 on accept and on every repeat; 401 bad signature (checked first); 400 malformed."""
    signing.verify(request.headers.get(signing.HEADER), request.body, request.app.ctx.settings.payments.secret)
    notice = _parse(request.body)
    _pay_id, duplicate = await accept_notice(notice, utcnow())
    return json({"status": "ok", "order_no": notice.order_no, "duplicate": duplicate})


def path_order_no(raw: str) -> str:
    """The OrderNo from a URL path segment: Sanic hands it over percent-encoded."""
    return unquote(raw)[:MAX_ORDER_NO_CHARS]


async def my_payment(order_no: str, user_id: int) -> PaymentNotification:
    """The payer's own notification; another user's order is indistinguishable from a missing one."""
    pay = await PaymentNotification.get_or_none(order_no=order_no, user_id=user_id)
    if pay is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    return pay


async def offer_of(pay: PaymentNotification) -> dict[str, Any]:
    if pay.offer_kind == OfferKind.LOTTERY:
        return {"kind": "lottery", "activity_id": pay.offer_activity_id, "chances": pay.chances - pay.chances_used}
    if pay.offer_kind == OfferKind.COUPON:
        ids = [int(i) for i in pay.offer_template_ids]
        templates = {t.id: t for t in await CouponTemplate.filter(id__in=ids)} if ids else {}
        return {"kind": "coupon", "templates": [template_json(templates[i]) for i in ids if i in templates]}
    return {"kind": "none"}


@bp.get("/<order_no:str>/offer")
async def offer(request: Request, order_no: str) -> HTTPResponse:
    user = require_user(request)
    return json(await offer_of(await my_payment(path_order_no(order_no), user.id)))


@bp.post("/<order_no:str>/draw")
async def draw(request: Request, order_no: str) -> HTTPResponse:
    """{"prize": {"id", "name", "kind"}|null, "chances": n}; 409 no_chance, 429 frequency_limit."""
    user = require_user(request)
    await refuse_if_paused(request.app.ctx.settings)
    outcome = await request.app.ctx.draw_batcher.submit(DrawRequest(user.id, path_order_no(order_no)))
    if outcome.error is not None:
        raise FissionError(outcome.error)
    prize = outcome.prize.wire() if outcome.prize else None
    request.ctx.draw_result = str(prize["kind"]) if prize else "none"  # the draws metric's label
    return json({"prize": prize, "chances": outcome.chances})


@bp.post("/<order_no:str>/claim")
async def claim(request: Request, order_no: str) -> HTTPResponse:
    """{"coupons": [...], "unavailable": [{"template_id", "reason"}]}; idempotent per payment."""
    user = require_user(request)
    now = utcnow()
    coupons, refused = await claim_payment_coupons(user.id, path_order_no(order_no), now,
                                                   request.app.ctx.settings.campaign.tz)
    return json({"coupons": [coupon_json(c, now) for c in coupons], "unavailable": refused})
