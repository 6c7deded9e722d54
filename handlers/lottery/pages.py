"""Server-rendered H5 pages after payment: `/pay/{order_no}` (result + card-flip draw or coupon
claim), `/me/prizes`, `/me/coupons`, `/c/{token}` (a friend's gifted coupon) and their assets.

Rendered by the one page engine (bot/web/pages.py: Jinja2, autoescape on) from
web/templates/lottery/, so user text (names, order numbers) is always text. No CDN, no build, no
inline code: the pages load /assets/lottery/app.{js,css} under the pages' Content-Security-Policy.
The pages read through the same use cases as the JSON API; the draw itself is a fetch to it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sanic import Blueprint, Request, html
from sanic.response import HTTPResponse, file

from bot.clock import utcnow
from bot.errors import FissionError
from bot.web.pages import WEB_DIR, add_filters, login_redirect, render
from bot.web.session import current_user
from handlers.coupons.grants import coupon_json
from handlers.coupons.prizes import prize_details
from handlers.coupons.routes import my_coupons, prize_json, shared_coupon
from handlers.lottery.offer import offer_of, path_order_no
from models.coupon_rules import CouponStatus
from models.lottery import UserPrize
from models.money import yuan
from models.payment import OfferKind, PaymentNotification, PaymentOrder
from models.user import User

ASSETS = WEB_DIR / "static" / "lottery"
STATUS_TEXT = {"pending": "待发货", "shipped": "已发货", "delivered": "已签收", "granted": "已发放到券包",
               "cancelled": "已取消", "unused": "未使用", "used": "已使用", "expired": "已过期"}
TABS = (("", "全部"), ("unused", "未使用"), ("used", "已使用"), ("expired", "已过期"))

bp = Blueprint("lottery_pages")
add_filters(yuan=yuan)


def page(template: str, title: str, status: int = 200, **context: Any) -> HTTPResponse:
    """web/templates/lottery/{template}.html under the pages' CSP and headers."""
    return render(f"lottery/{template}.html", {"title": title, **context}, status=status)


def _login(request: Request) -> HTTPResponse:
    return login_redirect(request, keep_query=True)


def coupon_view(c: dict[str, Any], shareable: bool) -> dict[str, Any]:
    """A coupon (or an offered template) as its row shows it: value, threshold, validity, status."""
    value = f"¥{yuan(c['value'])}" if c["type"] == "amount" else f"{c['value'] / 10:g}折"
    threshold = f"满{yuan(c['threshold'])}元可用" if c["threshold"] else "无门槛"
    return {"value": value, "name": c["name"], "threshold": threshold, "until": (c.get("valid_until") or "")[:10],
            "status_text": STATUS_TEXT.get(c.get("status", ""), ""),
            "share_id": c["id"] if shareable and c.get("status") == "unused" else None}


@bp.get("/pay/<order_no:str>", ctx_page=True)
async def pay_page(request: Request, order_no: str) -> HTTPResponse:
    user = current_user(request)
    if user is None:
        return _login(request)
    missing = page("message", "支付结果", status=404, text="没有找到这笔订单")
    try:
        number = path_order_no(order_no)
    except FissionError:
        return missing
    pay = await PaymentNotification.get_or_none(order_no=number, user_id=user.id)  # another's looks missing
    if pay is None:
        order = await PaymentOrder.get_or_none(order_no=number, user_id=user.id, refunded_at=None)
        if order is None:
            return missing
        # registered, the gateway's notification not in yet: app.js polls the offer and reloads
        return page("pay_pending", "支付结果", amount_fen=int(order.amount_fen), order_no=number)
    offer = await offer_of(pay)
    coupons = [coupon_view({**t, "status": ""}, False) for t in offer["templates"]] \
        if offer["kind"] == OfferKind.COUPON else []
    state, state_class = _pay_state(pay)
    return page("pay", "支付结果", amount_fen=int(pay.amount_fen), order_no=pay.order_no, offer=offer,
                coupons=coupons, state=state, state_class=state_class)


def _pay_state(pay: PaymentNotification) -> tuple[str, str]:
    if pay.refunded_at is not None:
        return "已退款", "muted"
    return ("支付成功", "ok") if pay.success else ("支付未成功", "muted")


@bp.get("/me/prizes", ctx_page=True)
async def prizes_page(request: Request) -> HTTPResponse:
    user = current_user(request)
    if user is None:
        return _login(request)
    won = list(await UserPrize.filter(user_id=user.id).order_by("-created_at", "-id").limit(200))
    details = await prize_details(won)
    return page("prizes", "我的奖品", prizes=[prize_view({**prize_json(p), **details[p.id]}) for p in won])


def prize_view(p: dict[str, Any]) -> dict[str, Any]:
    """One won prize as its row shows it: name, date, status, and its detail (image, description,
    how to redeem)."""
    return {"image_url": p["image_url"], "name": p["name"], "day": (p["time"] or "")[:10],
            "description": p["description"], "how_to_redeem": p["how_to_redeem"],
            "status_text": STATUS_TEXT.get(p["status"], p["status"])}


@bp.get("/me/coupons", ctx_page=True)
async def coupons_page(request: Request) -> HTTPResponse:
    user = current_user(request)
    if user is None:
        return _login(request)
    raw_status = request.args.get("status", "")
    status = CouponStatus(raw_status) if raw_status in {s.value for s in CouponStatus} else None
    now = utcnow()
    coupons = [coupon_view(coupon_json(c, now), True) for c in await my_coupons(user.id, status, now)]
    return page("coupons", "我的优惠券", tabs=TABS, current=status.value if status else "", coupons=coupons)


@bp.get("/c/<token:str>", ctx_page=True)
async def gift_page(request: Request, token: str) -> HTTPResponse:
    if current_user(request) is None:
        return _login(request)
    try:
        c = await shared_coupon(token)
    except FissionError as e:
        return page("message", "好友送券", status=e.status, text=e.message)
    giver = await User.get(id=c.user_id)
    return page("gift", "好友送券", giver=giver.nickname or "好友", coupon=coupon_view(coupon_json(c, utcnow()), False),
                token=quote(token, safe=""))


@bp.get("/assets/lottery/<name:str>", ctx_page=True)
async def asset(request: Request, name: str) -> HTTPResponse:
    types = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
    if name not in types:
        return html("", status=404)
    return await file(ASSETS / name, mime_type=types[name], headers={"Cache-Control": "public, max-age=3600"})
