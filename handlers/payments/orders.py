"""Payment orders the mall registers before payment, and their refunds (API.md, Payments).

Both are signed like the order webhook (`X-Fission-Signature`, HMAC of the raw body with
`payments.secret`). Registration is idempotent per order_no (unique key): the same body again →
200, other fields → 409 conflict. After the order row is committed, the notifications kept for it
are applied (handlers.payments.settle), so a notification that came first earns its offer now.
"""

from __future__ import annotations

import json as stdjson
import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.exceptions import IntegrityError

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra import signing
from bot.web.policy import KIB
from handlers.lottery.offer import path_order_no
from handlers.payments.refund import refund_payment
from handlers.payments.settle import kept_for, payer_of, settle
from models.payment import PaymentNotification, PaymentOrder
from models.user import User

bp = Blueprint("payment_orders", url_prefix="/api/payments/orders")
log = logging.getLogger(__name__)


class PaymentOrderIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    order_no: str = Field(min_length=1, max_length=128)
    openid: str = Field(min_length=1, max_length=64)
    product_code: str = Field(min_length=1, max_length=64)
    amount_fen: int = Field(ge=1, le=10**12, strict=True)


def _signed_json(request: Request) -> Any:
    signing.verify(request.headers.get(signing.HEADER), request.body, request.app.ctx.settings.payments.secret)
    try:
        return stdjson.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as e:
        raise FissionError(ErrorCode.INVALID_BODY, "请求体不是 JSON") from e


async def status_of(order: PaymentOrder) -> str:
    """pending | paid | failed | refunded."""
    if order.refunded_at is not None:
        return "refunded"
    pay = await PaymentNotification.get_or_none(order_no=order.order_no)
    if pay is None:
        return "pending"
    return "paid" if pay.success else "failed"


async def order_json(order: PaymentOrder) -> dict[str, Any]:
    return {"order_no": order.order_no, "openid": order.openid, "product_code": order.product_code,
            "amount_fen": int(order.amount_fen), "status": await status_of(order)}


def _same(order: PaymentOrder, body: PaymentOrderIn) -> bool:
    return (order.openid, order.product_code, int(order.amount_fen)) == (body.openid, body.product_code,
                                                                          body.amount_fen)


async def _settled_elsewhere(body: PaymentOrderIn, user_id: int) -> bool:
    """A notification that named its own payer/product was applied before: does it disagree?"""
    pay = await PaymentNotification.get_or_none(order_no=body.order_no)
    return pay is not None and (pay.user_id, pay.product_code) != (user_id, body.product_code)


async def register(body: PaymentOrderIn, tz: Any) -> tuple[PaymentOrder, bool]:
    """(order, created); 409 conflict for the same order_no with other fields."""
    found = await PaymentOrder.get_or_none(order_no=body.order_no)
    if found is None:
        user = await User.ensure(body.openid)
        if await _settled_elsewhere(body, user.id):
            raise FissionError(ErrorCode.CONFLICT, "该订单已按另一付款人或商品结算")
        try:
            found = await PaymentOrder.create(order_no=body.order_no, user_id=user.id, openid=body.openid,
                                              product_code=body.product_code, amount_fen=body.amount_fen,
                                              created_at=utcnow())
            created = True
        except IntegrityError:
            found, created = await PaymentOrder.get(order_no=body.order_no), False
    else:
        created = False
    if not _same(found, body):
        raise FissionError(ErrorCode.CONFLICT, "该订单号已登记为其他内容")
    for received in await kept_for(found.order_no):  # read after our commit: a racing notice is seen
        n = received.notice
        if _consistent(n.user_code, found.openid) and _consistent(n.product_code, found.product_code):
            await settle(received, payer_of(found), tz)
        else:
            log.warning("payment order %s: a kept notification names another payer or product; not applied",
                        found.order_no)
    return found, created


def _consistent(sent: str, registered: str) -> bool:
    return not sent or sent == registered


@bp.post("", ctx_body_limit=4 * KIB, ctx_sessionless=True)  # signed webhooks: one small document each
async def register_order(request: Request) -> HTTPResponse:
    """201 registered; 200 the same again; 409 conflict; 401 bad signature; 400 malformed."""
    raw = _signed_json(request)
    try:
        body = PaymentOrderIn.model_validate(raw)
    except ValidationError as e:
        raise FissionError(ErrorCode.INVALID_BODY, e.errors()[0]["msg"]) from e
    order, created = await register(body, request.app.ctx.settings.campaign.tz)
    return json(await order_json(order), status=201 if created else 200)


@bp.post("/<order_no:str>/refund", ctx_body_limit=4 * KIB, ctx_sessionless=True)
async def refund(request: Request, order_no: str) -> HTTPResponse:
    """Revoke what the payment granted and is still unused; idempotent. 404 unknown order."""
    _signed_json(request)
    result = await refund_payment(path_order_no(order_no), utcnow())
    return json(result)
