"""Admin API for lottery activities, pay activity configs and won-prize fulfilment (API.md, Admin).

Create, list, read, update (PATCH/PUT, validated as a whole after applying the change) and
disable. Any change of an activity or its prize pool bumps the activity's version, which
retires cached alias tables. An update's `prizes` list is the new pool: entries with an "id"
change that prize (its `stock` is set to the given number left), entries without one are
added, prizes left out are retired (kept for history, never drawn again). Money in fen.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot.errors import ErrorCode, FissionError
from bot.web.admin_api import admin_body, audit_of, enabled_problems, invalid, not_found, require_admin
from bot.web.policy import ADMIN_API, route_defaults
from handlers.coupons.routes import prize_json
from handlers.wire import iso
from models.activity_rules import (
    ACTIVITY_TYPE_NAMES,
    DETAIL_KEYS,
    ActivityType,
    activity_types,
    validate_activity_extras,
)
from models.campaign_rules import FulfilmentStatus, aware_moment, can_fulfil, validate_activity
from models.coupon import CouponTemplate
from models.lottery import LotteryActivity, LotteryPrize, UserPrize

bp = route_defaults(Blueprint("lottery_admin", url_prefix="/admin/api"), **ADMIN_API)

ACTIVITY_KEYS = ("name", "start_time", "end_time", "frequency", "win_limit", "enabled", "prizes", "type",
                 "guarantee_after")
PRIZE_KEYS = ("id", "name", "kind", "weight", "stock", "coupon_template_id", *DETAIL_KEYS)


def prize_doc(p: LotteryPrize) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "kind": str(p.kind), "weight": int(p.weight), "stock": p.stock,
            "coupon_template_id": p.coupon_template_id, "description": p.description, "image_url": p.image_url,
            "how_to_redeem": p.how_to_redeem}


async def activity_json(a: LotteryActivity) -> dict[str, Any]:
    prizes = await LotteryPrize.filter(activity_id=a.id, active=True).order_by("position", "id")
    kind = ActivityType(a.activity_type)
    return {"id": a.id, "name": a.name, "type": kind.value, "type_name": ACTIVITY_TYPE_NAMES[kind],
            "start_time": iso(a.start_time), "end_time": iso(a.end_time), "frequency": int(a.frequency),
            "win_limit": a.win_limit, "guarantee_after": a.guarantee_after, "enabled": a.enabled,
            "version": a.version, "prizes": [prize_doc(p) for p in prizes]}


async def _reference_problems(prizes: list[dict[str, Any]]) -> list[str]:
    wanted = {p["coupon_template_id"] for p in prizes if p.get("coupon_template_id")}
    found = set(await CouponTemplate.filter(id__in=sorted(wanted)).values_list("id", flat=True)) if wanted else set()
    return [f"coupon template {t} does not exist" for t in sorted(wanted - found)]


async def activity_problems(data: dict[str, Any]) -> list[str]:
    problems = validate_activity(data) + validate_activity_extras(data) + enabled_problems(data)
    return problems or await _reference_problems(list(data["prizes"]))


def _activity_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {"name": data["name"].strip(), "start_time": aware_moment(data["start_time"]),
            "end_time": aware_moment(data["end_time"]), "frequency": data["frequency"],
            "win_limit": data.get("win_limit", 0), "enabled": data.get("enabled", True),
            "activity_type": data.get("type", ActivityType.PAY_LOTTERY.value),
            "guarantee_after": data.get("guarantee_after", 0)}


def _prize_fields(p: dict[str, Any], position: int) -> dict[str, Any]:
    """The prize's columns from its body; a detail (奖品详情) left out keeps what the prize has (a new
    prize: empty), so a client that does not know the details cannot blank them."""
    return {"name": p["name"].strip(), "kind": p["kind"], "weight": p["weight"], "stock": p.get("stock"),
            "coupon_template_id": p.get("coupon_template_id"), "position": position,
            **{k: p[k] for k in DETAIL_KEYS if k in p}}


async def _write_prizes(conn: BaseDBAsyncClient, activity_id: int, prizes: list[dict[str, Any]]) -> None:
    """Make `prizes` the activity's active pool: update listed ids, add new, retire the rest."""
    keep = {int(p["id"]) for p in prizes if p.get("id")}
    await LotteryPrize.filter(activity_id=activity_id, active=True, id__not_in=sorted(keep) or [0]).using_db(
        conn).update(active=False)
    new = []
    for position, p in enumerate(prizes):
        if p.get("id"):
            await LotteryPrize.filter(id=p["id"], activity_id=activity_id).using_db(conn).update(
                **_prize_fields(p, position))
        else:
            new.append(LotteryPrize(activity_id=activity_id, **_prize_fields(p, position)))
    if new:
        await LotteryPrize.bulk_create(new, using_db=conn)


async def new_activity(data: dict[str, Any]) -> LotteryActivity:
    """Validate and create an activity with its prize pool (the API and the admin page)."""
    problems = await activity_problems(data)
    if problems:
        raise invalid(problems)
    async with in_transaction() as conn:
        a = await LotteryActivity.create(**_activity_fields(data), using_db=conn)
        await _write_prizes(conn, a.id, [{k: v for k, v in p.items() if k != "id"} for p in data["prizes"]])
    return a


@bp.post("/activities")
async def create_activity(request: Request) -> HTTPResponse:
    return json(await activity_json(await new_activity(admin_body(request))))


@bp.get("/activities")
async def list_activities(request: Request) -> HTTPResponse:
    """Newest first; ?type=pay_lottery|wheel|flip_card lists one type."""
    require_admin(request)
    query = LotteryActivity.all()
    kind = request.args.get("type")
    if kind:
        if kind not in [t.value for t in ActivityType]:
            raise invalid([f"type must be one of {[t.value for t in ActivityType]}"])
        query = query.filter(activity_type=kind)
    rows = await query.order_by("-id").limit(200)
    return json({"activities": [await activity_json(a) for a in rows]})


@bp.get("/activity-types")
async def list_activity_types(request: Request) -> HTTPResponse:
    """活动类型: [{"code", "name"}]."""
    require_admin(request)
    return json({"activity_types": activity_types()})


async def load_activity(activity_id: int) -> LotteryActivity:
    a = await LotteryActivity.get_or_none(id=activity_id)
    if a is None:
        raise not_found("抽奖活动")
    return a


@bp.get("/activities/<activity_id:int>")
async def read_activity(request: Request, activity_id: int) -> HTTPResponse:
    require_admin(request)
    return json(await activity_json(await load_activity(activity_id)))


def _merge_prizes(current: list[dict[str, Any]], given: object) -> tuple[object, list[str]]:
    if not isinstance(given, list):
        return given, []
    by_id = {p["id"]: p for p in current}
    merged, problems = [], []
    for i, p in enumerate(given):
        if not isinstance(p, dict) or p.get("id") is None:
            merged.append(p)
        elif p["id"] not in by_id:
            problems.append(f"prizes[{i}].id {p['id']!r} is not an active prize of this activity")
        else:
            merged.append({**by_id[p["id"]], **{k: v for k, v in p.items() if k in PRIZE_KEYS}})
    return merged, problems


async def update_activity(activity_id: int, patch: dict[str, Any]) -> LotteryActivity:
    """Validate the activity with `patch` applied, write it and its pool, bump the version."""
    current = await activity_json(await load_activity(activity_id))
    data = {**current, **{k: v for k, v in patch.items() if k in ACTIVITY_KEYS}}
    data["prizes"], problems = _merge_prizes(current["prizes"], data["prizes"])
    problems += await activity_problems(data)
    if problems:
        raise invalid(problems)
    async with in_transaction() as conn:
        await LotteryActivity.filter(id=activity_id).using_db(conn).update(
            **_activity_fields(data), version=F("version") + 1)
        if "prizes" in patch:
            await _write_prizes(conn, activity_id, list(data["prizes"]))
    return await load_activity(activity_id)


@bp.route("/activities/<activity_id:int>", methods=["PATCH", "PUT"])
async def update_activity_route(request: Request, activity_id: int) -> HTTPResponse:
    patch = admin_body(request)
    audit_of(request).record(before=await activity_json(await load_activity(activity_id)))
    return json(await activity_json(await update_activity(activity_id, patch)))


@bp.post("/activities/<activity_id:int>/disable")
async def disable_activity(request: Request, activity_id: int) -> HTTPResponse:
    """Draws are refused (409 activity_closed) from now on; chances and history stay."""
    require_admin(request)
    audit_of(request).record(before=await activity_json(await load_activity(activity_id)))
    return json(await activity_json(await close_activity(activity_id)))


async def close_activity(activity_id: int) -> LotteryActivity:
    """Disable an activity (404 when there is none): the API and the admin page."""
    if not await LotteryActivity.filter(id=activity_id).update(enabled=False, version=F("version") + 1):
        raise not_found("抽奖活动")
    return await load_activity(activity_id)


@bp.get("/user-prizes")
async def list_user_prizes(request: Request) -> HTTPResponse:
    """Won prizes, newest first; ?status=pending lists what awaits fulfilment."""
    require_admin(request)
    query = UserPrize.all()
    status = request.args.get("status")
    if status:
        if status not in {s.value for s in FulfilmentStatus}:  # an unknown word used to reach the ORM: 500
            raise invalid([f"status must be one of {[s.value for s in FulfilmentStatus]}"])
        query = query.filter(status=status)
    return json({"prizes": [prize_json(p) for p in await query.order_by("-id").limit(500)]})


@bp.post("/user-prizes/<prize_id:int>/fulfilment")
async def fulfil(request: Request, prize_id: int) -> HTTPResponse:
    """{"status": "shipped"|"delivered"|"cancelled", "note"}: pending → shipped → delivered."""
    data = admin_body(request)
    target, note = data.get("status"), data.get("note", "")
    problems = [] if target in [s.value for s in FulfilmentStatus] else [
        f"status must be one of {[s.value for s in FulfilmentStatus]}"]
    if not isinstance(note, str) or len(note) > 255:
        problems.append("note must be a string of at most 255 characters")
    if problems:
        raise invalid(problems)
    p = await UserPrize.get_or_none(id=prize_id)
    if p is None:
        raise not_found("中奖记录")
    if not can_fulfil(p.status, str(target)):
        raise FissionError(ErrorCode.BAD_TRANSITION, f"不能从 {p.status} 变为 {target}")
    audit_of(request).record(before=prize_json(p))
    if not await UserPrize.filter(id=p.id, status=p.status).update(status=target, note=note or p.note):
        raise FissionError(ErrorCode.BAD_TRANSITION, "状态已被修改，请刷新")
    return json(prize_json(await UserPrize.get(id=p.id)))
