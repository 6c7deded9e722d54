"""Builders shared by the payment, lottery and coupon tests: notices, configs, activities."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

import httpx

from bot.infra.signing import sign
from handlers.lottery.draw import DrawContext, DrawOutcome, DrawRequest, commit_draws
from handlers.lottery.tables import PrizeTables
from handlers.payments.routes import accept_notice
from models.coupon import CouponTemplate
from models.lottery import LotteryActivity, LotteryPrize
from models.payment import PayActivityConfig, PaymentNotification
from models.payment_rules import PayNotice
from models.user import User

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)  # Sunday 10:00 in Shanghai
EARLY = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
LATE = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)


def uid(prefix: str = "o") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def notice(openid: str, product: str = "P1", amount_fen: int = 1990, success: bool = True,
           order_no: str | None = None) -> PayNotice:
    return PayNotice(order_no=order_no or uid("ord"), pay_id=uid("pay"), bank_trade_date="2026-11-22 10:00:00",
                     amount_fen=amount_fen, success=success, err_code="" if success else "E01", user_code=openid,
                     product_code=product)


def notice_xml(order_no: str, openid: str, product: str = "P1", amount: str = "19.90", result: str = "2",
               encoded: bool = True) -> bytes:
    order_no, openid, product = xml_escape(order_no), xml_escape(openid), xml_escape(product)
    xml = (f"<Package><Request><OrderNo>{order_no}</OrderNo><PayId>PAY{order_no}</PayId>"
           f"<BankTradeDate>2026-11-22 10:00:00</BankTradeDate><PayAmount>{amount}</PayAmount>"
           f"<PayResult>{result}</PayResult>"
           f"<ErrCode></ErrCode><UserCode>{openid}</UserCode><ProductCode>{product}</ProductCode></Request></Package>")
    return quote(xml).encode() if encoded else xml.encode()


async def template(**kw: Any) -> CouponTemplate:
    fields: dict[str, Any] = {"name": "满10减2", "kind": "amount", "value": 200, "threshold_fen": 1000,
                              "valid_days": 7}
    fields.update(kw)
    fields.setdefault("stock_left", fields.get("stock"))
    return await CouponTemplate.create(**fields)


async def activity(prizes: list[dict[str, Any]], *, frequency: int = 0, win_limit: int = 0,
                   start: dt.datetime = EARLY, end: dt.datetime = LATE) -> LotteryActivity:
    """An activity with prizes given as {"name", "kind", "weight", "stock"?, "coupon_template_id"?}."""
    act = await LotteryActivity.create(name="支付抽奖", start_time=start, end_time=end, frequency=frequency,
                                       win_limit=win_limit)
    for i, p in enumerate(prizes):
        await LotteryPrize.create(activity_id=act.id, position=i, **p)
    return act


async def lottery_config(act: LotteryActivity, product: str = "P1", chances: int = 1,
                         min_amount_fen: int = 0) -> PayActivityConfig:
    return await PayActivityConfig.create(product_code=product, min_amount_fen=min_amount_fen, kind="lottery",
                                          activity_id=act.id, chances=chances, start_time=EARLY, end_time=LATE)


async def coupon_config(template_ids: list[int], product: str = "P1") -> PayActivityConfig:
    return await PayActivityConfig.create(product_code=product, kind="coupon", coupon_template_ids=template_ids,
                                          start_time=EARLY, end_time=LATE)


async def paid(openid: str | None = None, product: str = "P1", now: dt.datetime = NOW,
               **kw: Any) -> tuple[User, PaymentNotification]:
    """A payer and their accepted payment notification."""
    n = notice(openid or uid(), product, **kw)
    pay_id, duplicate = await accept_notice(n, now)
    assert not duplicate
    pay = await PaymentNotification.get(id=pay_id)
    return await User.get(id=pay.user_id), pay


def ctx(seed: int = 1, tables: PrizeTables | None = None) -> DrawContext:
    return DrawContext(SH, random.Random(seed), tables or PrizeTables())


async def draw(user: User, pay: PaymentNotification, now: dt.datetime = NOW,
               c: DrawContext | None = None) -> DrawOutcome:
    return (await commit_draws([DrawRequest(user.id, pay.order_no)], c or ctx(), now))[0]


def at_shanghai(*args: int) -> dt.datetime:
    """A Shanghai wall-clock time as an aware UTC datetime."""
    return dt.datetime(*args, tzinfo=SH).astimezone(dt.UTC)  # type: ignore[misc]


def send_notice(svc: Any, order_no: str, openid: str, *, product: str = "P1", amount: str = "19.90",
                result: str = "2", encoded: bool = True, secret: str | None = None,
                body: bytes | None = None) -> httpx.Response:
    """POST a signed payment notification to a running Service (forge with another `secret`)."""
    content = body if body is not None else notice_xml(order_no, openid, product, amount, result, encoded)
    key = secret or svc.config["payments"]["secret"]
    ctype = "application/x-www-form-urlencoded" if encoded else "text/xml"
    return httpx.post(svc.base + "/api/payments/notify", content=content, timeout=30,
                      headers={"X-Fission-Signature": sign(content, key), "Content-Type": ctype})


def admin_client(svc: Any) -> httpx.Client:
    return httpx.Client(base_url=svc.base, timeout=30,
                        headers={"Authorization": f"Bearer {svc.config['admin']['token']}"})


WINDOW = {"start_time": "2020-01-01T00:00:00+08:00", "end_time": "2040-01-01T00:00:00+08:00"}


def register_order(svc: Any, order_no: str, openid: str, product: str = "P1", amount_fen: int = 1990, *,
                   secret: str | None = None, **extra: Any) -> httpx.Response:
    """POST /api/payments/orders, signed with payments.secret (forge with another `secret`)."""
    body = json.dumps({"order_no": order_no, "openid": openid, "product_code": product, "amount_fen": amount_fen,
                       **extra}).encode()
    key = secret or svc.config["payments"]["secret"]
    return httpx.post(svc.base + "/api/payments/orders", content=body, timeout=30,
                      headers={"X-Fission-Signature": sign(body, key), "Content-Type": "application/json"})


def refund_order(svc: Any, order_no: str, *, secret: str | None = None) -> httpx.Response:
    body = b"{}"
    key = secret or svc.config["payments"]["secret"]
    return httpx.post(svc.base + f"/api/payments/orders/{quote(order_no, safe='')}/refund", content=body,
                      timeout=30, headers={"X-Fission-Signature": sign(body, key), "Content-Type": "application/json"})


def post_token(svc: Any, body: bytes, token: str | None = None,
               headers: dict[str, str] | None = None) -> httpx.Response:
    """POST a notification, unsigned, to the token path (the configured token unless given)."""
    path = token if token is not None else svc.config["payments"]["notify_token"]
    return httpx.post(svc.base + f"/api/payments/notify/{path}", content=body, timeout=30,
                      headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
