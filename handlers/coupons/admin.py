"""Admin API for coupon templates (API.md, Admin): create, list, read, update, disable.

Money in fen. Validity is `valid_days` (N days after the grant) or `valid_from`/`valid_until`;
`stock` is the total to grant (null = unlimited), `per_user_limit` 0 = unlimited. An update is
validated as a whole (the stored template with the changes applied); lowering the stock below
what was already granted is refused. Coupons already granted keep their own terms.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.transactions import in_transaction

from bot.web.admin_api import admin_body, audit_of, enabled_problems, invalid, not_found, require_admin
from bot.web.policy import ADMIN_API, route_defaults
from handlers.coupons.grants import template_json
from models.campaign_rules import aware_moment, validate_per_user_limit
from models.coupon import CouponTemplate, UserCoupon
from models.coupon_rules import validate_template

bp = route_defaults(Blueprint("coupon_admin", url_prefix="/admin/api/coupon-templates"), **ADMIN_API)

EDITABLE = ("name", "type", "value", "threshold", "valid_days", "valid_from", "valid_until", "stock",
            "per_user_limit", "enabled")


def template_problems(data: dict[str, Any]) -> list[str]:
    return validate_template(data) + validate_per_user_limit(data) + enabled_problems(data)


def template_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Model fields from a validated definition (stock_left is the caller's business)."""
    return {"name": data["name"].strip(), "kind": data["type"], "value": data["value"],
            "threshold_fen": data.get("threshold") or 0, "valid_days": data.get("valid_days"),
            "valid_from": aware_moment(data.get("valid_from")), "valid_until": aware_moment(data.get("valid_until")),
            "stock": data.get("stock"), "per_user_limit": data.get("per_user_limit") or 0,
            "enabled": data.get("enabled", True)}


def _merged(t: CouponTemplate, patch: dict[str, Any]) -> dict[str, Any]:
    current = template_json(t)
    if "valid_days" in patch:  # switching to relative validity drops the fixed dates, and back
        current.update(valid_from=None, valid_until=None)
    if "valid_from" in patch or "valid_until" in patch:
        current["valid_days"] = None
    return {**current, **{k: v for k, v in patch.items() if k in EDITABLE}}


async def load_template(template_id: int) -> CouponTemplate:
    t = await CouponTemplate.get_or_none(id=template_id)
    if t is None:
        raise not_found("优惠券模板")
    return t


async def new_template(data: dict[str, Any]) -> CouponTemplate:
    """Validate and create a template (the API and the admin page)."""
    problems = template_problems(data)
    if problems:
        raise invalid(problems)
    fields = template_fields(data)
    return await CouponTemplate.create(**fields, stock_left=fields["stock"])


async def disable_template(template_id: int) -> CouponTemplate:
    if not await CouponTemplate.filter(id=template_id).update(enabled=False):
        raise not_found("优惠券模板")
    return await load_template(template_id)


@bp.post("")
async def create(request: Request) -> HTTPResponse:
    return json(template_json(await new_template(admin_body(request))))


@bp.get("")
async def list_templates(request: Request) -> HTTPResponse:
    require_admin(request)
    return json({"templates": [template_json(t) for t in await CouponTemplate.all().order_by("-id").limit(500)]})


@bp.get("/<template_id:int>")
async def read(request: Request, template_id: int) -> HTTPResponse:
    require_admin(request)
    return json(template_json(await load_template(template_id)))


async def update_template(template_id: int, patch: dict[str, Any]) -> CouponTemplate:
    """Apply a validated change; the row is locked so stock_left follows grants exactly."""
    async with in_transaction() as conn:
        t = await CouponTemplate.filter(id=template_id).select_for_update().using_db(conn).first()
        if t is None:
            raise not_found("优惠券模板")
        data = _merged(t, patch)
        problems = template_problems(data)
        fields = template_fields(data)
        granted = await UserCoupon.filter(template_id=t.id).using_db(conn).count()
        if fields["stock"] is not None and fields["stock"] < granted:
            problems.append(f"stock must be at least the {granted} coupons already granted")
        if problems:
            raise invalid(problems)
        left = None if fields["stock"] is None else fields["stock"] - granted
        await CouponTemplate.filter(id=t.id).using_db(conn).update(**fields, stock_left=left)
    return await CouponTemplate.get(id=template_id)


@bp.route("/<template_id:int>", methods=["PATCH", "PUT"])
async def update(request: Request, template_id: int) -> HTTPResponse:
    patch = admin_body(request)
    audit_of(request).record(before=template_json(await load_template(template_id)))
    return json(template_json(await update_template(template_id, patch)))


@bp.route("/<template_id:int>/disable", methods=["POST"])
async def disable(request: Request, template_id: int) -> HTTPResponse:
    """No new grants (claims skip it, lottery prizes of it fall back); granted coupons stay valid."""
    require_admin(request)
    audit_of(request).record(before=template_json(await load_template(template_id)))
    return json(template_json(await disable_template(template_id)))
