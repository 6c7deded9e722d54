"""Admin API for pay activity configs (支付活动配置, API.md Admin): create, list, read, update,
disable. `min_amount` is in fen. A config maps a successful payment of `product_code` with
at least `min_amount` inside [start_time, end_time) to `chances` draws in `activity_id`
(kind lottery) or to `coupon_template_ids` (kind coupon). Payments already accepted keep the
offer they earned; changes apply to later payments.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from bot.web.admin_api import admin_body, audit_of, enabled_problems, invalid, not_found, require_admin
from bot.web.policy import ADMIN_API, route_defaults
from handlers.wire import iso
from models.campaign_rules import aware_moment, validate_pay_config
from models.coupon import CouponTemplate
from models.lottery import LotteryActivity
from models.payment import OfferKind, PayActivityConfig

bp = route_defaults(Blueprint("payconfig_admin", url_prefix="/admin/api/pay-configs"), **ADMIN_API)

KEYS = ("product_code", "min_amount", "kind", "activity_id", "coupon_template_ids", "chances", "start_time",
        "end_time", "enabled")


def config_json(c: PayActivityConfig) -> dict[str, Any]:
    return {"id": c.id, "product_code": c.product_code, "min_amount": int(c.min_amount_fen), "kind": str(c.kind),
            "activity_id": c.activity_id, "coupon_template_ids": list(c.coupon_template_ids),
            "chances": c.chances, "start_time": iso(c.start_time), "end_time": iso(c.end_time),
            "enabled": c.enabled}


async def config_problems(data: dict[str, Any]) -> list[str]:
    problems = validate_pay_config(data) + enabled_problems(data)
    if problems:
        return problems
    if data["kind"] == OfferKind.LOTTERY:
        if not await LotteryActivity.exists(id=data["activity_id"]):
            problems.append(f"activity {data['activity_id']} does not exist")
        return problems
    wanted = set(data["coupon_template_ids"])
    found = set(await CouponTemplate.filter(id__in=sorted(wanted)).values_list("id", flat=True))
    return [f"coupon template {t} does not exist" for t in sorted(wanted - found)]


def config_fields(data: dict[str, Any]) -> dict[str, Any]:
    lottery = data["kind"] == OfferKind.LOTTERY
    return {"product_code": data["product_code"].strip(), "min_amount_fen": data["min_amount"],
            "kind": data["kind"], "activity_id": data["activity_id"] if lottery else None,
            "coupon_template_ids": [] if lottery else list(data["coupon_template_ids"]),
            "chances": data.get("chances", 1) if lottery else 1, "start_time": aware_moment(data["start_time"]),
            "end_time": aware_moment(data["end_time"]), "enabled": data.get("enabled", True)}


async def load_config(config_id: int) -> PayActivityConfig:
    c = await PayActivityConfig.get_or_none(id=config_id)
    if c is None:
        raise not_found("支付活动配置")
    return c


async def new_config(data: dict[str, Any]) -> PayActivityConfig:
    """Validate and create a pay config (the API and the admin page)."""
    problems = await config_problems(data)
    if problems:
        raise invalid(problems)
    return await PayActivityConfig.create(**config_fields(data))


async def update_config(config_id: int, patch: dict[str, Any]) -> PayActivityConfig:
    """Validate the stored config with `patch` applied as a whole, then write it."""
    data = {**config_json(await load_config(config_id)), **{k: v for k, v in patch.items() if k in KEYS}}
    problems = await config_problems(data)
    if problems:
        raise invalid(problems)
    await PayActivityConfig.filter(id=config_id).update(**config_fields(data))
    return await load_config(config_id)


async def disable_config(config_id: int) -> PayActivityConfig:
    if not await PayActivityConfig.filter(id=config_id).update(enabled=False):
        raise not_found("支付活动配置")
    return await load_config(config_id)


@bp.post("")
async def create(request: Request) -> HTTPResponse:
    return json(config_json(await new_config(admin_body(request))))


@bp.get("")
async def list_configs(request: Request) -> HTTPResponse:
    require_admin(request)
    return json({"pay_configs": [config_json(c) for c in await PayActivityConfig.all().order_by("-id").limit(500)]})


@bp.get("/<config_id:int>")
async def read(request: Request, config_id: int) -> HTTPResponse:
    require_admin(request)
    return json(config_json(await load_config(config_id)))


@bp.route("/<config_id:int>", methods=["PATCH", "PUT"])
async def update(request: Request, config_id: int) -> HTTPResponse:
    patch = admin_body(request)
    audit_of(request).record(before=config_json(await load_config(config_id)))
    return json(config_json(await update_config(config_id, patch)))


@bp.post("/<config_id:int>/disable")
async def disable(request: Request, config_id: int) -> HTTPResponse:
    require_admin(request)
    audit_of(request).record(before=config_json(await load_config(config_id)))
    return json(config_json(await disable_config(config_id)))
