"""My coupons and prizes, gifting a coupon to a friend, and redemption (SPEC §2, API.md).

Every change of a coupon is a conditional update guarded in the database plus a history row in
the same transaction: sharing sets a token only on an unused coupon, a friend's claim moves the
coupon only while it still belongs to the giver with that token (so it is claimed once and the
giver loses it), redemption sets used_at only once, for the holder, per merchant order `ref` (the same ref again
answers the same; another ref is refused).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.web.admin_api import require_admin
from bot.web.policy import ADMIN_API, KIB
from bot.web.session import require_user
from handlers.coupons.grants import coupon_json
from handlers.coupons.prizes import prize_details
from handlers.wire import iso
from models.coupon import CouponAction, CouponHistory, UserCoupon
from models.coupon_rules import CouponStatus, ThresholdNotMet, coupon_status, discounted_price
from models.lottery import UserPrize
from models.user import User

bp = Blueprint("coupons")

LIST_LIMIT = 200
_REFUSALS = {CouponStatus.USED: ErrorCode.COUPON_USED, CouponStatus.EXPIRED: ErrorCode.COUPON_EXPIRED}


def prize_json(p: UserPrize) -> dict[str, Any]:
    return {"id": p.id, "prize_id": p.prize_id, "activity_id": p.activity_id, "name": p.name,
            "kind": str(p.kind), "status": str(p.status), "coupon_id": p.coupon_id, "note": p.note,
            "time": iso(p.created_at)}


async def my_coupons(user_id: int, status: CouponStatus | None, now: dt.datetime) -> list[UserCoupon]:
    """The user's coupons, newest first, filtered by coupon_status (getUserCouponList)."""
    rows = await UserCoupon.filter(user_id=user_id).order_by("-created_at", "-id").limit(LIST_LIMIT)
    return [c for c in rows if status is None or coupon_status(c.used_at, c.valid_until, now) is status]


def _refuse_unless_unused(c: UserCoupon, now: dt.datetime) -> None:
    status = coupon_status(c.used_at, c.valid_until, now)
    if status in _REFUSALS:
        raise FissionError(_REFUSALS[status])


async def share_coupon(coupon_id: int, user_id: int, now: dt.datetime) -> str:
    """The share token of the user's unused coupon (the same token when shared again)."""
    c = await UserCoupon.get_or_none(id=coupon_id, user_id=user_id)
    if c is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    _refuse_unless_unused(c, now)
    if c.share_token:
        return c.share_token
    token = secrets.token_urlsafe(24)
    async with in_transaction() as conn:
        n = await UserCoupon.filter(id=c.id, user_id=user_id, used_at__isnull=True, share_token__isnull=True
                                    ).using_db(conn).update(share_token=token, shared_at=now)
        if n == 1:
            await CouponHistory.create(coupon_id=c.id, action=CouponAction.SHARED, user_id=user_id,
                                       ref=f"share:{token}", created_at=now, using_db=conn)
    if n != 1:  # shared concurrently, or redeemed meanwhile
        c = await UserCoupon.get(id=c.id)
        _refuse_unless_unused(c, now)
        if c.user_id != user_id or not c.share_token:
            raise FissionError(ErrorCode.NOT_FOUND)
        return c.share_token
    return token


async def shared_coupon(token: str) -> UserCoupon:
    c = await UserCoupon.get_or_none(share_token=token[:64])
    if c is None:
        if await CouponHistory.exists(action=CouponAction.CLAIMED, ref=f"share:{token[:64]}"):
            raise FissionError(ErrorCode.ALREADY_CLAIMED)
        raise FissionError(ErrorCode.NOT_FOUND)
    return c


async def claim_shared(token: str, friend_id: int, now: dt.datetime) -> UserCoupon:
    """Move a shared coupon to the friend, once: 404 unknown token, 409 already_claimed,
    403 self_claim, 409 coupon_used / coupon_expired."""
    c = await shared_coupon(token)
    if c.user_id == friend_id:
        raise FissionError(ErrorCode.SELF_CLAIM)
    _refuse_unless_unused(c, now)
    async with in_transaction() as conn:
        n = await UserCoupon.filter(id=c.id, user_id=c.user_id, share_token=c.share_token, used_at__isnull=True,
                                    ).using_db(conn).update(user_id=friend_id, share_token=None, shared_at=None)
        if n == 1:
            await CouponHistory.create(coupon_id=c.id, action=CouponAction.CLAIMED, user_id=friend_id,
                                       from_user_id=c.user_id, ref=f"share:{c.share_token}", created_at=now,
                                       using_db=conn)
    if n != 1:
        raise FissionError(ErrorCode.ALREADY_CLAIMED)
    return await UserCoupon.get(id=c.id)


def _already_redeemed(c: UserCoupon, ref: str) -> UserCoupon:
    if c.redeem_ref != ref:
        raise FissionError(ErrorCode.ALREADY_USED)  # redeemed for another purchase
    return c


async def redeem(coupon_id: int, ref: str, holder_openid: str, now: dt.datetime) -> tuple[UserCoupon, bool]:
    """Mark the holder's coupon used for the merchant's order `ref`, once. Returns (coupon,
    duplicate): the same ref again is a duplicate answered alike; another ref on a used coupon →
    409 already_used; a coupon the openid does not hold → 404; expired / not yet valid → 409.
    Concurrent redemptions meet in one conditional update (used_at IS NULL, same holder): one wins."""
    c = await UserCoupon.get_or_none(id=coupon_id, user__openid=holder_openid)
    if c is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    if c.used_at is not None:
        return _already_redeemed(c, ref), True
    if now < c.valid_from:
        raise FissionError(ErrorCode.COUPON_NOT_STARTED)
    _refuse_unless_unused(c, now)
    async with in_transaction() as conn:
        n = await UserCoupon.filter(id=c.id, user_id=c.user_id, used_at__isnull=True).using_db(conn).update(
            used_at=now, redeem_ref=ref, share_token=None, shared_at=None)
        if n == 1:
            await CouponHistory.create(coupon_id=c.id, action=CouponAction.REDEEMED, user_id=c.user_id,
                                       ref=f"redeem:{ref}"[:128], created_at=now, using_db=conn)
    holder = c.user_id
    c = await UserCoupon.get(id=c.id)
    if n == 1:
        return c, False
    if c.user_id != holder or c.used_at is None:  # claimed by a friend meanwhile
        raise FissionError(ErrorCode.NOT_FOUND)
    return _already_redeemed(c, ref), True


@bp.get("/api/me/coupons")
async def list_coupons(request: Request) -> HTTPResponse:
    user = require_user(request)
    raw = request.args.get("status")
    try:
        status = CouponStatus(raw) if raw else None
    except ValueError as e:
        raise FissionError(ErrorCode.INVALID_BODY, "status 只能是 unused、used 或 expired") from e
    now = utcnow()
    return json({"coupons": [coupon_json(c, now) for c in await my_coupons(user.id, status, now)]})


@bp.get("/api/me/prizes")
async def list_prizes(request: Request) -> HTTPResponse:
    user = require_user(request)
    rows = await UserPrize.filter(user_id=user.id).order_by("-created_at", "-id").limit(LIST_LIMIT)
    details = await prize_details(list(rows))
    return json({"prizes": [{**prize_json(p), **details[p.id]} for p in rows]})


@bp.post("/api/me/coupons/<coupon_id:int>/share", ctx_body_limit=4 * KIB)
async def share(request: Request, coupon_id: int) -> HTTPResponse:
    user = require_user(request)
    token = await share_coupon(coupon_id, user.id, utcnow())
    return json({"share_token": token, "share_url": f"{request.app.ctx.settings.server.public_url}/c/{token}"})


@bp.get("/api/coupons/claim/<token:str>")
async def shared_view(request: Request, token: str) -> HTTPResponse:
    """What a friend sees before claiming: the coupon and the giver."""
    now = utcnow()
    c = await shared_coupon(token)
    giver = await User.get(id=c.user_id)
    return json({"coupon": coupon_json(c, now), "giver": {"nickname": giver.nickname or "微信用户",
                                                          "avatar": giver.avatar}})


@bp.post("/api/coupons/claim/<token:str>", ctx_body_limit=4 * KIB)
async def claim(request: Request, token: str) -> HTTPResponse:
    user = require_user(request)
    now = utcnow()
    return json({"coupon": coupon_json(await claim_shared(token, user.id, now), now)})


class RedeemIn(BaseModel):
    """The merchant's redemption: its order number (`ref`), the holder's openid, optionally the price."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    ref: str = Field(min_length=1, max_length=100)
    openid: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    price: StrictInt | None = Field(None, ge=0)


def _redeem_body(request: Request) -> RedeemIn:
    try:
        return RedeemIn.model_validate_json(request.body or b"")
    except ValidationError as e:
        raise FissionError(ErrorCode.INVALID_BODY, "请求体需要 {\"ref\": 商户订单号, \"openid\": 持券人}") from e


@bp.post("/admin/api/coupons/<coupon_id:int>/redeem", **ADMIN_API)
async def redeem_route(request: Request, coupon_id: int) -> HTTPResponse:
    """Admin/merchant redemption, idempotent per `ref`: {"coupon", "duplicate", "pay_amount"}; with a
    "price" (fen) the price after the coupon is computed and a missed threshold refused first."""
    require_admin(request)
    body = _redeem_body(request)
    ref, price = body.ref, body.price
    now = utcnow()
    target = await UserCoupon.get_or_none(id=coupon_id, user__openid=body.openid)
    pay_amount = None
    if target is not None and price is not None:
        try:
            pay_amount = discounted_price(target.kind, int(target.value), int(target.threshold_fen), price)
        except ThresholdNotMet as e:
            raise FissionError(ErrorCode.THRESHOLD_NOT_MET) from e
    coupon, duplicate = await redeem(coupon_id, ref, body.openid, now)
    return json({"coupon": coupon_json(coupon, now), "duplicate": duplicate, "pay_amount": pay_amount})
