"""Server-rendered H5 pages after payment: `/pay/{order_no}` (result + card-flip draw or coupon
claim), `/me/prizes`, `/me/coupons`, `/c/{token}` (a friend's gifted coupon) and their assets.

Templates are stdlib `string.Template` files in web/lottery/; every value is HTML-escaped
before substitution, so user text (names, order numbers) is always text. No CDN, no build, no
inline code: the pages load /assets/lottery/app.{js,css} under a strict Content-Security-Policy.
The pages read through the same use cases as the JSON API; the draw itself is a fetch to it.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote, urlencode

from sanic import Blueprint, Request, html, redirect
from sanic.response import HTTPResponse, file

from bot.clock import utcnow
from bot.errors import FissionError
from bot.web.session import current_user
from handlers.coupons.grants import coupon_json
from handlers.coupons.prizes import prize_details
from handlers.coupons.routes import my_coupons, prize_json, shared_coupon
from handlers.lottery.offer import offer_of, path_order_no
from models.coupon_rules import CouponStatus
from models.lottery import UserPrize
from models.payment import PaymentNotification, PaymentOrder
from models.payment_rules import fen_to_yuan
from models.user import User

WEB = Path(__file__).resolve().parents[2] / "web" / "lottery"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STATUS_TEXT = {"pending": "待发货", "shipped": "已发货", "delivered": "已签收", "granted": "已发放到券包",
               "cancelled": "已取消", "unused": "未使用", "used": "已使用", "expired": "已过期"}
TABS = (("", "全部"), ("unused", "未使用"), ("used", "已使用"), ("expired", "已过期"))

bp = Blueprint("lottery_pages")


@lru_cache(maxsize=32)
def _template(name: str) -> Template:
    return Template((WEB / f"{name}.html").read_text(encoding="utf-8"))


def render(name: str, **values: str) -> str:
    """Fill web/lottery/{name}.html; values are escaped here unless passed through `raw()`."""
    return _template(name).substitute({k: v if isinstance(v, _Raw) else escape(v) for k, v in values.items()})


class _Raw(str):
    """Markup produced by `render` itself (already escaped)."""


def raw(markup: str) -> _Raw:
    return _Raw(markup)


def page(title: str, body: str, status: int = 200) -> HTTPResponse:
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}
    return html(render("layout", title=title, body=raw(body)), status=status, headers=headers)


def _login(request: Request) -> HTTPResponse:
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return redirect("/oauth/login?" + urlencode({"next": target}))


def _coupon_terms(c: dict[str, Any]) -> str:
    value = f"¥{fen_to_yuan(c['value'])}" if c["type"] == "amount" else f"{c['value'] / 10:g}折"
    threshold = f"满{fen_to_yuan(c['threshold'])}元可用" if c["threshold"] else "无门槛"
    return f"{value}|{threshold}"


def coupon_row(c: dict[str, Any], shareable: bool) -> str:
    value, threshold = _coupon_terms(c).split("|")
    until = (c.get("valid_until") or "")[:10]
    button = (f'<button class="small" type="button" data-share="{c["id"]}">送给好友</button>'
              if shareable and c.get("status") == "unused" else "")
    return (f'<li><span class="value">{escape(value)}</span><span class="grow">{escape(c["name"])}<br>'
            f'<span class="muted">{escape(threshold)} · 有效期至 {escape(until)}</span></span>'
            f'<span class="tag">{escape(STATUS_TEXT.get(c.get("status", ""), ""))}</span>{button}</li>')


def _offer_markup(offer: dict[str, Any], order_no: str) -> str:
    if offer["kind"] == "lottery":
        return render("offer_lottery", chances=str(offer["chances"]), order_no_attr=order_no)
    if offer["kind"] == "coupon":
        rows = "".join(coupon_row({**t, "status": ""}, False) for t in offer["templates"])
        return render("offer_coupon", templates=raw(rows), order_no_attr=order_no)
    return render("offer_none")


@bp.get("/pay/<order_no:str>", ctx_page=True)
async def pay_page(request: Request, order_no: str) -> HTTPResponse:
    user = current_user(request)
    if user is None:
        return _login(request)
    missing = page("支付结果", render("message", text="没有找到这笔订单"), status=404)
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
        return page("支付结果", render("pay_pending", amount=fen_to_yuan(int(order.amount_fen)),
                                         order_no=number, order_no_attr=number))
    offer = raw(_offer_markup(await offer_of(pay), pay.order_no))
    state, state_class = _pay_state(pay)
    body = render("pay", amount=fen_to_yuan(int(pay.amount_fen)), order_no=pay.order_no, offer=offer, state=state,
                  state_class=state_class)
    return page("支付结果", body)


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
    rows = [{**prize_json(p), **details[p.id]} for p in won]
    markup = "".join(_prize_row(p) for p in rows)
    empty = "" if rows else '<p class="muted">还没有奖品，支付后去抽奖吧</p>'
    return page("我的奖品", render("prizes", rows=raw(markup), empty=raw(empty)))


def _prize_row(p: dict[str, Any]) -> str:
    """One won prize: name, date, status, and its detail (image, description, how to redeem)."""
    image = (f'<img class="prize-img" src="{escape(p["image_url"])}" alt="">' if p["image_url"] else "")
    extra = "".join(f'<br><span class="muted">{label}{escape(p[key])}</span>' for key, label in (
        ("description", ""), ("how_to_redeem", "兑换方式：")) if p[key])
    return (f'<li>{image}<span class="grow">{escape(p["name"])}<br><span class="muted">'
            f'{escape((p["time"] or "")[:10])}</span>{extra}</span>'
            f'<span class="tag">{escape(STATUS_TEXT.get(p["status"], p["status"]))}</span></li>')


def _tabs(current: str) -> str:
    return "".join(f'<a href="/me/coupons{"?status=" + key if key else ""}"{" class=on" if key == current else ""}>'
                   f"{label}</a>" for key, label in TABS)


@bp.get("/me/coupons", ctx_page=True)
async def coupons_page(request: Request) -> HTTPResponse:
    user = current_user(request)
    if user is None:
        return _login(request)
    raw_status = request.args.get("status", "")
    status = CouponStatus(raw_status) if raw_status in {s.value for s in CouponStatus} else None
    now = utcnow()
    rows = [coupon_json(c, now) for c in await my_coupons(user.id, status, now)]
    empty = "" if rows else '<p class="muted">这里还没有优惠券</p>'
    body = render("coupons", tabs=raw(_tabs(status.value if status else "")),
                  rows=raw("".join(coupon_row(c, True) for c in rows)), empty=raw(empty))
    return page("我的优惠券", body)


@bp.get("/c/<token:str>", ctx_page=True)
async def gift_page(request: Request, token: str) -> HTTPResponse:
    if current_user(request) is None:
        return _login(request)
    try:
        c = await shared_coupon(token)
    except FissionError as e:
        return page("好友送券", render("message", text=e.message), status=e.status)
    giver = await User.get(id=c.user_id)
    row = coupon_row(coupon_json(c, utcnow()), False)
    body = render("gift", giver=giver.nickname or "好友", row=raw(row), token_attr=quote(token, safe=""))
    return page("好友送券", body)


@bp.get("/assets/lottery/<name:str>", ctx_page=True)
async def asset(request: Request, name: str) -> HTTPResponse:
    types = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
    if name not in types:
        return html("", status=404)
    return await file(WEB / name, mime_type=types[name], headers={"Cache-Control": "public, max-age=3600"})
