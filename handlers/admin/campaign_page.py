"""The admin page runs the campaigns: lottery activities with their prize pools (weights, stock
left, 保底), coupon templates, pay configs and the pause switch — plain HTML forms posting to
`/admin/...` with the CSRF token, answered by a redirect back to the page (303).

The forms call the JSON admin API's own use cases (`new_activity`, `update_activity`,
`new_template`, `update_template`, `new_config`, `update_config`, the disables, `set_paused`):
the rules live there once. A form's fields are only turned into the API's JSON shapes here
(numbers stay text when they are not numbers, so the API's validators name them; a
`datetime-local` without an offset is read in the campaign's timezone). Bad input answers 400
with every problem listed and the form filled in again as it was sent.

The routes are added to the page's blueprint (handlers/admin/page.py imports this module), so
they are audited and role-checked like every admin write route (handlers/admin/audit_routes.py):
a viewer is refused (403) before a handler runs; operators and owners run campaigns.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any
from zoneinfo import ZoneInfo

from sanic import Request
from sanic.response import HTTPResponse
from tortoise.functions import Count

from bot.errors import ErrorCode, FissionError
from bot.web.admin_api import Invalid, audit_of
from bot.web.policy import KIB
from handlers.admin.audit import Role
from handlers.admin.campaign import campaign_state
from handlers.admin.page import FLASH, admin_identity, back, bp, csrf_token, render
from handlers.coupons.admin import (
    disable_template,
    load_template,
    new_template,
    update_template,
)
from handlers.coupons.grants import template_json
from handlers.lottery.admin import (
    activity_json,
    close_activity,
    load_activity,
    new_activity,
    update_activity,
)
from handlers.payments.configs import (
    config_json,
    disable_config,
    load_config,
    new_config,
    update_config,
)
from handlers.redpacket.budget import set_paused
from models.activity_rules import DETAIL_KEYS, activity_types
from models.coupon import CouponTemplate, UserCoupon
from models.lottery import LotteryActivity, LotteryDraw
from models.payment import PayActivityConfig, PaymentNotification

FLASH.update({
    "activity_created": "抽奖活动已创建", "activity_saved": "抽奖活动已保存", "activity_disabled": "抽奖活动已停用",
    "template_created": "优惠券模板已创建", "template_saved": "优惠券模板已保存",
    "template_disabled": "优惠券模板已停用", "config_created": "支付活动配置已创建",
    "config_saved": "支付活动配置已保存", "config_disabled": "支付活动配置已停用",
    "paused": "活动已暂停：新红包、助力和抽奖暂停", "resumed": "活动已恢复", "missing": "要修改的记录不存在",
})
ON_PAGE = 50
BLANK_PRIZE_ROWS = 3
PRIZE_POOL_FORM = 256 * KIB  # body limit of an activity form: a row per prize, with its detail (奖品详情)
MAX_PRIZE_ROWS = 200  # rows read from one form; the API's own limit is far above what a form holds
INT_RE = re.compile(r"-?\d{1,18}")
PRIZE_KEY_RE = re.compile(r"prizes-(\d{1,3})-[a-z_]+")
FREQUENCIES = (("0", "不限"), ("1", "每天"), ("2", "每周"), ("3", "每月"))
PRIZE_KINDS = (("coupon", "优惠券"), ("goods", "实物"), ("none", "谢谢参与"))
COUPON_KINDS = (("amount", "满减（分）"), ("discount", "折扣（支付百分比）"))
PAY_KINDS = (("lottery", "抽奖机会"), ("coupon", "发优惠券"))


# ---- form → the API's JSON shapes -------------------------------------------------------------


UNSTORABLE = ("Cc", "Cs")  # control characters (NUL…) and lone surrogates: no text column stores them


def _unstorable(text: str) -> bool:
    return any(unicodedata.category(ch) in UNSTORABLE for ch in text)


def storable(form: Any) -> None:
    """Invalid (400, listed) when a field holds a control character: PostgreSQL cannot store a NUL."""
    bad = sorted({k for k in (form or {}) for v in (form.getlist(k) or []) if _unstorable(str(v))})
    if bad:
        raise Invalid([f"{k} must not contain control characters" for k in bad])


def _text(form: Any, key: str) -> str:
    return str(form.get(key, "") or "").strip() if form else ""


def _number(raw: str) -> object:
    """An int when the text is one, else the text itself (the API's validator then names the field)."""
    return int(raw) if INT_RE.fullmatch(raw) else raw


def _moment(raw: str, tz: ZoneInfo) -> str:
    """ISO-8601 with an offset; a `datetime-local` value (no offset) is wall-clock time in `tz`."""
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).isoformat()


def _enabled(form: Any, data: dict[str, Any]) -> None:
    raw = _text(form, "enabled")
    if raw:
        data["enabled"] = {"1": True, "0": False}.get(raw, raw)


def _optional_int(form: Any, data: dict[str, Any], key: str, field: str | None = None) -> None:
    raw = _text(form, key)
    if raw:
        data[field or key] = _number(raw)


def prize_rows(form: Any) -> list[dict[str, str]]:
    """The prize rows of an activity form as sent (`prizes-<n>-<field>`), in row order."""
    rows = sorted({int(m.group(1)) for k in (form or {}) if (m := PRIZE_KEY_RE.fullmatch(k))})[:MAX_PRIZE_ROWS]
    fields = ("id", "name", "kind", "weight", "stock", "coupon_template_id", "remove")
    return [{f: _text(form, f"prizes-{n}-{f}") for f in fields}
            | {k: _text(form, f"prizes-{n}-{k}") for k in DETAIL_KEYS if f"prizes-{n}-{k}" in form} for n in rows]


def _prize(row: dict[str, str]) -> dict[str, Any]:
    prize: dict[str, Any] = {"name": row["name"], "kind": row["kind"], "weight": _number(row["weight"]),
                             "stock": _number(row["stock"]) if row["stock"] else None,
                             "coupon_template_id": _number(row["coupon_template_id"]) if row["coupon_template_id"]
                             else None}
    prize |= {k: row[k] for k in DETAIL_KEYS if k in row}  # a form without them leaves them unchanged
    if row["id"]:
        prize["id"] = _number(row["id"])
    return prize


def activity_data(form: Any, tz: ZoneInfo) -> dict[str, Any]:
    """An activity form as the API's JSON body. A row left blank is no prize; an existing prize
    whose row is ticked "remove" is left out (the API then retires it)."""
    storable(form)
    data: dict[str, Any] = {"name": _text(form, "name"), "start_time": _moment(_text(form, "start_time"), tz),
                            "end_time": _moment(_text(form, "end_time"), tz), "frequency": _number(
                                _text(form, "frequency") or "0")}
    for key in ("type",):
        if _text(form, key):
            data[key] = _text(form, key)
    _optional_int(form, data, "win_limit")
    _optional_int(form, data, "guarantee_after")
    _enabled(form, data)
    rows = [r for r in prize_rows(form) if r["id"] or r["name"] or r["weight"] or r["stock"]]
    data["prizes"] = [_prize(r) for r in rows if not (r["id"] and r["remove"])]
    return data


def template_data(form: Any, tz: ZoneInfo, *, update: bool = False) -> dict[str, Any]:
    """A coupon-template form as the API's body: validity is `valid_days` when given, else the dates."""
    storable(form)
    data: dict[str, Any] = {"name": _text(form, "name"), "type": _text(form, "type"), "value": _number(
        _text(form, "value"))}
    _optional_int(form, data, "threshold")
    _optional_int(form, data, "per_user_limit")
    if _text(form, "valid_days"):
        data["valid_days"] = _number(_text(form, "valid_days"))
    else:
        for key in ("valid_from", "valid_until"):
            if _text(form, key):
                data[key] = _moment(_text(form, key), tz)
    stock = _text(form, "stock")
    if stock or update:
        data["stock"] = _number(stock) if stock else None  # blank: unlimited
    _enabled(form, data)
    return data


def config_data(form: Any, tz: ZoneInfo) -> dict[str, Any]:
    """A pay-config form as the API's body (`min_amount` in fen)."""
    storable(form)
    data: dict[str, Any] = {"product_code": _text(form, "product_code"), "kind": _text(form, "kind"),
                            "min_amount": _number(_text(form, "min_amount") or "0"),
                            "start_time": _moment(_text(form, "start_time"), tz),
                            "end_time": _moment(_text(form, "end_time"), tz)}
    if data["kind"] == "lottery":
        _optional_int(form, data, "activity_id")
        _optional_int(form, data, "chances")
    else:
        ids = form.getlist("coupon_template_ids") if form else []
        data["coupon_template_ids"] = [_number(str(i).strip()) for i in ids or [] if str(i).strip()]
    _enabled(form, data)
    return data


# ---- stored → form values (text) --------------------------------------------------------------


def local_input(iso: str | None, tz: ZoneInfo) -> str:
    """An ISO time as a `datetime-local` value in the campaign's timezone."""
    if not iso:
        return ""
    return dt.datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S")


def _blank(v: object) -> str:
    return "" if v is None else str(v)


def activity_values(a: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    prizes = [{"id": str(p["id"]), "name": p["name"], "kind": p["kind"], "weight": str(p["weight"]),
               "stock": _blank(p["stock"]), "coupon_template_id": _blank(p["coupon_template_id"]), "remove": "",
               **{k: p[k] for k in DETAIL_KEYS}} for p in a["prizes"]]
    return {"name": a["name"], "type": a["type"], "start_time": local_input(a["start_time"], tz),
            "end_time": local_input(a["end_time"], tz), "frequency": str(a["frequency"]),
            "win_limit": str(a["win_limit"]), "guarantee_after": str(a["guarantee_after"]),
            "enabled": "1" if a["enabled"] else "0", "prizes": prizes}


def template_values(t: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    return {"name": t["name"], "type": t["type"], "value": str(t["value"]), "threshold": str(t["threshold"]),
            "valid_days": _blank(t["valid_days"]), "valid_from": local_input(t["valid_from"], tz),
            "valid_until": local_input(t["valid_until"], tz), "stock": _blank(t["stock"]),
            "per_user_limit": str(t["per_user_limit"]), "enabled": "1" if t["enabled"] else "0"}


def config_values(c: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    return {"product_code": c["product_code"], "kind": c["kind"], "min_amount": str(c["min_amount"]),
            "activity_id": _blank(c["activity_id"]), "coupon_template_ids": [str(i) for i in c["coupon_template_ids"]],
            "chances": str(c["chances"]), "start_time": local_input(c["start_time"], tz),
            "end_time": local_input(c["end_time"], tz), "enabled": "1" if c["enabled"] else "0"}


def sent_values(form: Any) -> dict[str, Any]:
    """A form as it was sent, to fill it in again next to its problems."""
    values: dict[str, Any] = {k: _text(form, k) for k in (form or {}) if k != "csrf" and not PRIZE_KEY_RE.fullmatch(k)}
    values["prizes"] = prize_rows(form)
    values["coupon_template_ids"] = [str(i) for i in (form.getlist("coupon_template_ids") or [])] if form else []
    return values


# ---- what the page shows ----------------------------------------------------------------------


async def pay_funnel_counts() -> dict[str, int]:
    """Successful payments → draws made → draws won → coupons redeemed (every source)."""
    return {"payments": await PaymentNotification.filter(success=True).count(),
            "draws": await LotteryDraw.all().count(), "wins": await LotteryDraw.filter(won=True).count(),
            "redeemed": await UserCoupon.filter(used_at__isnull=False).count()}


async def _wins_by_prize(prize_ids: list[int]) -> dict[int, int]:
    if not prize_ids:
        return {}
    rows = await LotteryDraw.filter(won=True, prize_id__in=prize_ids).annotate(n=Count("id")).group_by(
        "prize_id").values("prize_id", "n")
    return {int(r["prize_id"]): int(r["n"]) for r in rows}


async def campaign_context(request: Request) -> dict[str, Any]:
    """The campaign sections of the dashboard: lists with their edit forms' values, and the choices."""
    tz = request.app.ctx.settings.campaign.tz
    activities = [await activity_json(a) for a in await LotteryActivity.all().order_by("-id").limit(ON_PAGE)]
    wins = await _wins_by_prize([p["id"] for a in activities for p in a["prizes"]])
    for a in activities:
        a["form"] = activity_values(a, tz)
        for p in a["prizes"]:
            p["won"] = wins.get(p["id"], 0)
    templates = [template_json(t) for t in await CouponTemplate.all().order_by("-id").limit(ON_PAGE)]
    for t in templates:
        t["form"] = template_values(t, tz)
    configs = [config_json(c) for c in await PayActivityConfig.all().order_by("-id").limit(ON_PAGE)]
    for c in configs:
        c["form"] = config_values(c, tz)
    return {"activities": activities, "coupon_templates": templates, "pay_configs": configs,
            "campaign": await campaign_state(request.app.ctx.settings), **choices(tz)}


def choices(tz: ZoneInfo) -> dict[str, Any]:
    return {"activity_types": activity_types(), "frequencies": FREQUENCIES, "prize_kinds": PRIZE_KINDS,
            "coupon_kinds": COUPON_KINDS, "pay_kinds": PAY_KINDS, "campaign_tz": str(tz),
            "blank_rows": BLANK_PRIZE_ROWS}


async def _choices_of_records() -> dict[str, Any]:
    """The activities and templates a form's selects offer (for the problems page)."""
    acts = await LotteryActivity.all().order_by("-id").limit(ON_PAGE).values("id", "name")
    temps = await CouponTemplate.all().order_by("-id").limit(ON_PAGE).values("id", "name")
    return {"activities": acts, "coupon_templates": temps}


async def problems_page(request: Request, form: str, problems: list[str]) -> HTTPResponse:
    """400: the problems listed and the form filled in again as sent (no write, no audit row)."""
    audit_of(request).unchanged()
    who = admin_identity(request)
    tz = request.app.ctx.settings.campaign.tz
    return render("admin_campaign_problems.html", {
        "problems": problems, "form": form, "action": request.path, "v": sent_values(request.form),
        "csrf": csrf_token(request, who[2]) if who else "", "who": who[0] if who else "",
        "role": who[1] if who else Role.VIEWER, **choices(tz), **await _choices_of_records()}, status=400)


# ---- routes (page blueprint; audited and role-checked by handlers/admin/audit_routes.py) --------


def _tz(request: Request) -> ZoneInfo:
    return request.app.ctx.settings.campaign.tz


def _missing(request: Request, e: FissionError) -> HTTPResponse:
    if e.code != ErrorCode.NOT_FOUND:
        raise e
    audit_of(request).unchanged()
    return back("missing")


@dataclass(frozen=True, slots=True)
class Record:
    """A kind of record the page's forms create, edit and disable through the JSON API's own use
    cases; its routes are `admin_page.{kind}_create`, `_update` and `_disable`."""

    kind: str  # the route names' and the form's name; the flash keys are {kind}_created, _saved, _disabled
    path: str
    form_limit: int  # the create and edit forms' body limit (a disable form carries its token only)
    create: Callable[[Request], Awaitable[Any]]  # the form's record, made
    load: Callable[[int], Awaitable[Any]]
    update: Callable[[Request, int], Awaitable[Any]]  # the form's changes, made
    disable: Callable[[int], Awaitable[Any]]
    as_json: Callable[[Any], Any]  # for the audit row (may be a coroutine function)


async def _maybe(value: Any) -> Any:
    return await value if isawaitable(value) else value


def _routes(r: Record) -> None:
    """The record's three form routes: the audit row has its JSON before and after; the form's
    problems come back on a 400 page (nothing written); a record gone meanwhile → back "missing"."""

    async def create(request: Request) -> HTTPResponse:
        try:
            made = await r.create(request)
        except Invalid as e:
            return await problems_page(request, r.kind, e.problems)
        audit_of(request).record(target=f"{r.kind}_id={made.id}", after=await _maybe(r.as_json(made)))
        return back(f"{r.kind}_created")

    async def changed(request: Request, record_id: int, change: Callable[[], Awaitable[Any]],
                      done: str) -> HTTPResponse:
        try:
            before = await _maybe(r.as_json(await r.load(record_id)))
            after = await _maybe(r.as_json(await change()))
        except Invalid as e:
            return await problems_page(request, r.kind, e.problems)
        except FissionError as e:
            return _missing(request, e)
        audit_of(request).record(before=before, after=after)
        return back(done)

    param = f"{r.kind}_id"  # the path parameter's name, as in the API's routes

    async def update(request: Request, **path: int) -> HTTPResponse:
        record_id = path[param]
        return await changed(request, record_id, lambda: r.update(request, record_id), f"{r.kind}_saved")

    async def disable(request: Request, **path: int) -> HTTPResponse:
        record_id = path[param]
        return await changed(request, record_id, lambda: r.disable(record_id), f"{r.kind}_disabled")

    one = f"{r.path}/<{param}:int>"
    bp.add_route(create, r.path, methods=["POST"], name=f"{r.kind}_create", ctx_body_limit=r.form_limit)
    bp.add_route(update, one, methods=["POST"], name=f"{r.kind}_update", ctx_body_limit=r.form_limit)
    bp.add_route(disable, one + "/disable", methods=["POST"], name=f"{r.kind}_disable", ctx_body_limit=4 * KIB)


RECORDS = (
    Record("activity", "/activities", PRIZE_POOL_FORM,
           lambda rq: new_activity(activity_data(rq.form, _tz(rq))), load_activity,
           lambda rq, i: update_activity(i, activity_data(rq.form, _tz(rq))), close_activity, activity_json),
    Record("template", "/coupon-templates", 8 * KIB,
           lambda rq: new_template(template_data(rq.form, _tz(rq))), load_template,
           lambda rq, i: update_template(i, template_data(rq.form, _tz(rq), update=True)), disable_template,
           template_json),
    Record("config", "/pay-configs", 8 * KIB,
           lambda rq: new_config(config_data(rq.form, _tz(rq))), load_config,
           lambda rq, i: update_config(i, config_data(rq.form, _tz(rq))), disable_config, config_json),
)
for _record in RECORDS:
    _routes(_record)


@bp.post("/campaign/pause", ctx_body_limit=4 * KIB)
async def campaign_pause(request: Request) -> HTTPResponse:
    s = request.app.ctx.settings
    before = await campaign_state(s)
    reason = "".join(ch for ch in _text(request.form, "reason") if unicodedata.category(ch) not in UNSTORABLE)
    await set_paused(s, True, reason[:255] or "admin page", author=audit_of(request).actor.who)
    audit_of(request).record(target="campaign", before=before, after=await campaign_state(s))
    return back("paused")


@bp.post("/campaign/resume", ctx_body_limit=4 * KIB)
async def campaign_resume(request: Request) -> HTTPResponse:
    s = request.app.ctx.settings
    before = await campaign_state(s)
    await set_paused(s, False, author=audit_of(request).actor.who)
    audit_of(request).record(target="campaign", before=before, after=await campaign_state(s))
    return back("resumed")
