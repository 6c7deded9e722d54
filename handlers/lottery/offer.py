"""What a payment offers its payer (SPEC §2): draws left on a lottery activity, coupons to claim,
or nothing (refunded, no matching config); and the order number as a URL path carries it. Read by
the payments routes, the pay page and the Official Account's 抽奖 reply."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from bot.errors import ErrorCode, FissionError
from handlers.coupons.grants import template_json
from models.coupon import CouponTemplate
from models.payment import OfferKind, PaymentNotification

MAX_ORDER_NO_CHARS = 128

def path_order_no(raw: str) -> str:
    """The OrderNo from a URL path segment: Sanic hands it over percent-encoded. 404 for one no
    order can have (a NUL, which PostgreSQL cannot even compare with)."""
    number = unquote(raw)[:MAX_ORDER_NO_CHARS]
    if "\x00" in number:
        raise FissionError(ErrorCode.NOT_FOUND)
    return number


async def offer_of(pay: PaymentNotification) -> dict[str, Any]:
    if pay.refunded_at is not None:
        return {"kind": "none"}
    if pay.offer_kind == OfferKind.LOTTERY:
        return {"kind": "lottery", "activity_id": pay.offer_activity_id, "chances": pay.chances - pay.chances_used}
    if pay.offer_kind == OfferKind.COUPON:
        ids = [int(i) for i in pay.offer_template_ids]
        templates = {t.id: t for t in await CouponTemplate.filter(id__in=ids)} if ids else {}
        return {"kind": "coupon", "templates": [template_json(templates[i]) for i in ids if i in templates]}
    return {"kind": "none"}
