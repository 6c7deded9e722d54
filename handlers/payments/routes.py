"""Payments → lottery / coupon (API.md): the gateway's notification, the offer, draw and claim.

Two ways in for the notification: `/notify` with the HMAC of the raw body (checked before anything
is parsed) and `/notify/{payments.notify_token}` for gateways that cannot sign (a secret path
segment compared in constant time, redacted from every log line, the route answering 404 while
the token is empty). `payments.allow_from` limits both to the gateway's networks. The body is
parsed with defusedxml and settled by handlers.payments.settle (kept, then applied once per OrderNo).
"""

from __future__ import annotations

import hmac
import ipaddress
import random

from sanic import Blueprint, Request, Sanic, json
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra import logs, signing
from bot.web.policy import KIB
from bot.web.protection import client_ip
from bot.web.session import require_user
from handlers.coupons.grants import claim_payment_coupons, coupon_json
from handlers.lottery.batcher import DrawBatcher
from handlers.lottery.draw import DrawContext, DrawRequest
from handlers.lottery.offer import offer_of, path_order_no
from handlers.lottery.tables import PrizeTables
from handlers.payments.settle import accept_notice
from handlers.redpacket.budget import refuse_if_paused
from models.payment import PaymentNotification, PaymentOrder
from models.payment_rules import PayNotice, PayNoticeError, parse_pay_request

bp = Blueprint("payments", url_prefix="/api/payments")

MAX_OPENID_CHARS = 64


async def start(app: Sanic) -> None:
    ctx = DrawContext(app.ctx.settings.campaign.tz, random.SystemRandom(), PrizeTables())
    app.ctx.draw_batcher = DrawBatcher(ctx)
    app.ctx.draw_batcher.start()
    pay = app.ctx.settings.payments
    logs.redact(pay.notify_token)
    app.ctx.pay_allow_from = [ipaddress.ip_network(n) for n in pay.allow_from]


async def stop(app: Sanic) -> None:
    await app.ctx.draw_batcher.stop()


def _parse(body: bytes) -> PayNotice:
    try:
        notice = parse_pay_request(body)
    except PayNoticeError as e:
        raise FissionError(ErrorCode.INVALID_BODY, f"支付通知格式错误: {e}") from e
    if len(notice.user_code) > MAX_OPENID_CHARS:
        raise FissionError(ErrorCode.INVALID_BODY, f"UserCode 超过 {MAX_OPENID_CHARS} 个字符")
    return notice


def _check_source(request: Request) -> None:
    """403 unless the client address (trusted-proxy rule) is inside `payments.allow_from`, when set."""
    networks = request.app.ctx.pay_allow_from
    if not networks:
        return
    try:
        addr = ipaddress.ip_address(client_ip(request))
    except ValueError:
        raise FissionError(ErrorCode.FORBIDDEN) from None
    if not any(addr in net for net in networks):
        raise FissionError(ErrorCode.FORBIDDEN)


async def _accept(request: Request) -> HTTPResponse:
    notice = _parse(request.body)
    pay_id, duplicate = await accept_notice(notice, utcnow(), request.app.ctx.settings.campaign.tz)
    return json({"status": "ok" if pay_id else "kept", "order_no": notice.order_no, "duplicate": duplicate})


@bp.post("/notify", ctx_body_limit=64 * KIB, ctx_sessionless=True)  # signed webhooks: one small document each
async def notify(request: Request) -> HTTPResponse:
    """200 on accept and on every repeat; 403 source; 401 bad signature (checked first); 400 malformed."""
    _check_source(request)
    signing.verify(request.headers.get(signing.HEADER), request.body, request.app.ctx.settings.payments.secret)
    return await _accept(request)


# named not "token": bot.web.inputguard caps those at 43 chars
@bp.post("/notify/<secret:str>", name="notify_token", ctx_body_limit=64 * KIB, ctx_sessionless=True)
async def notify_token(request: Request, secret: str) -> HTTPResponse:
    """The same without a signature, for gateways that cannot sign: the path's token is the proof.
    404 while `payments.notify_token` is empty; 403 source; 401 wrong token."""
    expected = request.app.ctx.settings.payments.notify_token
    if not expected:
        raise FissionError(ErrorCode.NOT_FOUND)
    _check_source(request)
    if not hmac.compare_digest(secret.encode("utf-8", "surrogateescape"), expected.encode()):
        raise FissionError(ErrorCode.BAD_SIGNATURE)
    return await _accept(request)






@bp.get("/<order_no:str>/offer")
async def offer(request: Request, order_no: str) -> HTTPResponse:
    """The payer's offer; {"kind": "pending"} for their registered order not settled yet."""
    user = require_user(request)
    number = path_order_no(order_no)
    pay = await PaymentNotification.get_or_none(order_no=number, user_id=user.id)
    if pay is None:
        if await PaymentOrder.exists(order_no=number, user_id=user.id, refunded_at=None):
            return json({"kind": "pending"})
        raise FissionError(ErrorCode.NOT_FOUND)
    return json(await offer_of(pay))


@bp.post("/<order_no:str>/draw", ctx_body_limit=4 * KIB, ctx_rate="draw", ctx_metric="draws")
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


@bp.post("/<order_no:str>/claim", ctx_body_limit=4 * KIB, ctx_rate="draw")
async def claim(request: Request, order_no: str) -> HTTPResponse:
    """{"coupons": [...], "unavailable": [{"template_id", "reason"}]}; idempotent per payment."""
    user = require_user(request)
    now = utcnow()
    coupons, refused = await claim_payment_coupons(user.id, path_order_no(order_no), now,
                                                   request.app.ctx.settings.campaign.tz)
    return json({"coupons": [coupon_json(c, now) for c in coupons], "unavailable": refused})
