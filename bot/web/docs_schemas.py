"""JSON Schemas of the wire shapes in API.md (OpenAPI 3.0 components, see bot/web/docs.py).

Responses list the fields the service always sends as `required`; `nullable` marks the ones that
may be null. Request bodies describe what is accepted; the service still validates every field
and answers 400 `invalid_body` listing the problems.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

INT: Schema = {"type": "integer"}
STR: Schema = {"type": "string"}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time"}
NUM: Schema = {"type": "number"}


def null(s: Schema) -> Schema:
    return {"allOf": [s], "nullable": True} if "$ref" in s else {**s, "nullable": True}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def arr(item: Schema, **kw: Any) -> Schema:
    return {"type": "array", "items": item, **kw}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None, **kw: Any) -> Schema:
    props = {**required, **(optional or {})}
    out: Schema = {"type": "object", "properties": props, **kw}
    if required:
        out["required"] = list(required)
    return out


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


PACKET_STATUS = enum("to_share", "splitting", "split_out", "expired", "invalid")
COUPON_KIND = enum("amount", "discount")
WHO = obj({"nickname": STR, "avatar": STR})
HELP = obj({"nickname": STR, "avatar": STR, "amount": INT, "time": null(TIME)})
PACKET_FIELDS: dict[str, Schema] = {
    "id": INT, "status": PACKET_STATUS, "amount": INT, "split_amount": INT, "remaining": INT,
    "expire_time": TIME, "start_time": null(TIME), "end_time": null(TIME), "goods_name": STR,
    "goods_thumbnail_url": STR, "helpers": arr(ref("Help")), "helper_count": INT, "countdown_s": INT}
COUPON = obj({"id": INT, "template_id": INT, "name": STR, "type": COUPON_KIND, "value": INT, "threshold": INT,
              "status": enum("unused", "used", "expired"), "valid_from": null(TIME), "valid_until": null(TIME),
              "used_at": null(TIME), "source": STR, "sharing": BOOL, "granted_at": null(TIME)})
TEMPLATE = obj({"id": INT, "name": STR, "type": COUPON_KIND, "value": INT, "threshold": INT,
                "valid_days": null(INT), "valid_from": null(TIME), "valid_until": null(TIME), "stock": null(INT),
                "stock_left": null(INT), "per_user_limit": INT, "enabled": BOOL})
PRIZE_DETAIL = {"description": STR, "image_url": STR, "how_to_redeem": STR}  # 奖品详情
ACTIVITY_TYPE = enum("pay_lottery", "wheel", "flip_card")
USER_PRIZE = obj({"id": INT, "prize_id": null(INT), "activity_id": null(INT), "name": STR, "kind": STR,
                  "status": STR, "coupon_id": null(INT), "note": null(STR), "time": null(TIME)}, PRIZE_DETAIL,
                 description="On /api/me/prizes with the prize's detail (description, image_url, how_to_redeem).")
PRIZE = obj({"id": INT, "name": STR, "kind": enum("coupon", "goods", "none"), "weight": INT, "stock": null(INT),
             "coupon_template_id": null(INT), **PRIZE_DETAIL})
ACTIVITY = obj({"id": INT, "name": STR, "type": ACTIVITY_TYPE, "type_name": STR, "start_time": null(TIME),
                "end_time": null(TIME), "frequency": INT, "win_limit": INT, "guarantee_after": INT, "enabled": BOOL,
                "version": INT, "prizes": arr(ref("Prize"))})
PAYMENT_ORDER = obj({"order_no": STR, "openid": STR, "product_code": STR, "amount_fen": INT,
                     "status": enum("pending", "paid", "failed", "refunded")})
PAY_CONFIG = obj({"id": INT, "product_code": STR, "min_amount": INT, "kind": enum("lottery", "coupon"),
                  "activity_id": null(INT), "coupon_template_ids": arr(INT), "chances": INT,
                  "start_time": null(TIME), "end_time": null(TIME), "enabled": BOOL})

# ---- request bodies ------------------------------------------------------------------------------

ORDER_EVENT_IN = obj(
    {"event_id": {**STR, "minLength": 1, "maxLength": 128}, "type": enum("confirmed", "refunded"),
     "order_no": {**STR, "minLength": 1, "maxLength": 64}, "openid": {**STR, "minLength": 1, "maxLength": 64}},
    {"goods_id": {**INT, "minimum": 0}, "goods_name": {**STR, "maxLength": 255},
     "goods_thumbnail_url": {**STR, "maxLength": 1024}, "paid_amount": {**INT, "minimum": 0},
     "coupon_price": {**INT, "minimum": 0}, "cashback": {**INT, "minimum": 0}, "occurred_at": TIME},
    description="Money in fen. Signed: X-Fission-Signature = sha256=HMAC-SHA256(raw body, orders.secret).")
TEMPLATE_IN = obj({"name": STR, "type": COUPON_KIND, "value": INT},
                  {"threshold": INT, "valid_days": INT, "valid_from": TIME, "valid_until": TIME, "stock": INT,
                   "per_user_limit": INT, "enabled": BOOL},
                  description="value: fen off (amount) or percent paid (discount, 85 = 15% off). "
                              "Validity: valid_days after the grant, or valid_from/valid_until.")
PRIZE_IN = obj({"name": STR, "kind": enum("coupon", "goods", "none"), "weight": INT},
               {"id": INT, "stock": null(INT), "coupon_template_id": null(INT), **PRIZE_DETAIL},
               description="id: an existing prize of the activity, updated; without it a new prize. "
                           "description, image_url, how_to_redeem (奖品详情) left out: unchanged (new: empty).")
ACTIVITY_IN = obj({"name": STR, "start_time": TIME, "end_time": TIME, "frequency": {**INT, "enum": [0, 1, 2, 3]},
                   "prizes": arr(ref("PrizeIn"))}, {"win_limit": INT, "enabled": BOOL, "type": ACTIVITY_TYPE,
                                                    "guarantee_after": {**INT, "minimum": 0, "maximum": 1000}},
                  description="frequency: 0 unlimited, 1 daily, 2 weekly, 3 monthly; win_limit 0 = unlimited; "
                              "type pay_lottery (default) | wheel | flip_card; guarantee_after N (保底): after N "
                              "non-winning draws in a row the next draw wins a prize in stock, 0 = off.")
PAYMENT_ORDER_IN = obj({"order_no": {**STR, "minLength": 1, "maxLength": 128},
                        "openid": {**STR, "minLength": 1, "maxLength": 64},
                        "product_code": {**STR, "minLength": 1, "maxLength": 64},
                        "amount_fen": {**INT, "minimum": 1}},
                       description="Signed: X-Fission-Signature = sha256=HMAC-SHA256(raw body, payments.secret).")
PAY_CONFIG_IN = obj({"product_code": STR, "min_amount": INT, "kind": enum("lottery", "coupon"), "start_time": TIME,
                     "end_time": TIME}, {"activity_id": INT, "coupon_template_ids": arr(INT), "chances": INT,
                                         "enabled": BOOL})


def patch_of(s: Schema) -> Schema:
    """The same fields, none required (PATCH/PUT apply a change to the stored definition)."""
    return {k: v for k, v in s.items() if k != "required"}


COMPONENTS: dict[str, Schema] = {
    "Error": obj({"error": {**STR, "pattern": "^[a-z][a-z0-9_]*$"}, "message": STR},
                 description="Every 4xx/5xx of /api/* and /admin/api/*: a stable snake_case code and a text."),
    "Help": HELP,
    "Packet": obj(PACKET_FIELDS, description="PACKET (API.md); money in fen, times ISO-8601 UTC."),
    "PacketDetail": obj({**PACKET_FIELDS, "helps": arr(ref("Help"))}),
    "ShareLinks": obj({"share_token": STR, "share_url": STR, "poster_url": STR}),
    "ShareView": obj({"owner": WHO, "goods_name": STR, "amount": INT, "remaining": INT, "status": PACKET_STATUS,
                      "expire_time": TIME, "can_help": BOOL, "reason": null(STR)},
                     {"goods_thumbnail_url": STR, "split_amount": INT, "is_owner": BOOL, "my_help": null(INT),
                      "helper_count": INT, "helps": arr(ref("Help"))}),
    "HelpResult": obj({"amount": INT, "owner_amount": INT, "helper_amount": INT, "remaining": INT,
                       "status": PACKET_STATUS, "last": BOOL}, {"settings_version": null(INT)}),
    "Coupon": COUPON,
    "CouponTemplate": TEMPLATE,
    "UserPrize": USER_PRIZE,
    "Prize": PRIZE,
    "Activity": ACTIVITY,
    "PayConfig": PAY_CONFIG,
    "OrderEventIn": ORDER_EVENT_IN,
    "CouponTemplateIn": TEMPLATE_IN,
    "CouponTemplatePatch": patch_of(TEMPLATE_IN),
    "PrizeIn": PRIZE_IN,
    "ActivityIn": ACTIVITY_IN,
    "PaymentOrder": PAYMENT_ORDER,
    "PaymentOrderIn": PAYMENT_ORDER_IN,
    "ActivityPatch": patch_of(ACTIVITY_IN),
    "PayConfigIn": PAY_CONFIG_IN,
    "PayConfigPatch": patch_of(PAY_CONFIG_IN),
}
