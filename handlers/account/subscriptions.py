"""Subscribe-message consent (订阅通知): stored from the H5 page's wx-open-subscribe result and from
WeChat's subscribe_msg_popup_event / subscribe_msg_change_event callbacks; read by the outbox
before it sends a subscribe message (no consent → no send).

API (session cookie): `GET /api/me/subscriptions` lists the configured subscribe templates with
the user's word on each; `POST /api/me/subscriptions` records the page's result, either
`{"templates": {"<template id>": "accept"|"reject"}}` or `{"subscribeDetails": "<the text the
wx-open-subscribe tag's success event gives>"}` (JSON text mapping each template id to the JSON
text of {"status": "accept"|"reject"}). Only
configured template ids are accepted (400 listing the others; nothing is stored then).

Words may arrive out of order (WeChat retries events): each carries when it was said (the event's
CreateTime, the request's time for the page) and an older word never overwrites a newer one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sanic import Blueprint, Request
from sanic import json as json_response
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.web.admin_api import invalid
from bot.web.policy import SERVER_MAX_BODY
from bot.web.session import require_user
from bot.wechat.messages import ReplyLike, WxMessage
from bot.wechat.router import Router
from bot.wechat.xml import MAX_LIST_ITEMS
from models.subscription import (
    ConsentSource,
    ConsentStatus,
    Subscription,
    record_consent,
)

bp = Blueprint("subscriptions", url_prefix="/api/me/subscriptions")
router = Router("subscribe-messages")

TEMPLATE_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
EVENT_LISTS = {"subscribe_msg_popup_event": ("SubscribeMsgPopupEvent", ConsentSource.POPUP),
               "subscribe_msg_change_event": ("SubscribeMsgChangeEvent", ConsentSource.CHANGE)}


# ---- use cases --------------------------------------------------------------------------------


def event_words(msg: WxMessage) -> list[tuple[str, ConsentStatus]]:
    """(template id, accept|reject) of every item of a subscribe event; malformed items are dropped."""
    top, _ = EVENT_LISTS[msg.event]
    words = []
    for i in range(MAX_LIST_ITEMS):
        template_id = msg.fields.get(f"{top}.List.{i}.TemplateId")
        if template_id is None:
            break
        status = msg.fields.get(f"{top}.List.{i}.SubscribeStatusString", "").strip()
        if TEMPLATE_ID_RE.fullmatch(template_id.strip()) and status in ("accept", "reject"):
            words.append((template_id.strip(), ConsentStatus(status)))
    return words


# ---- the Official Account's events ------------------------------------------------------------


@router.event(*EVENT_LISTS)
async def on_subscribe_event(msg: WxMessage, ctx: Any) -> ReplyLike:
    """Store each item's word, said at the event's CreateTime; no reply."""
    said_at = dt.datetime.fromtimestamp(msg.create_time, dt.UTC)
    _, source = EVENT_LISTS[msg.event]
    for template_id, status in event_words(msg):
        await record_consent(msg.from_user, template_id, status, source, said_at)
    return None


# ---- the page's API ---------------------------------------------------------------------------


def _status_of(value: object) -> str:
    """"accept", {"status": "accept"} or its JSON text (the open tag nests it) -> "accept"."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return ""
    if isinstance(value, dict):
        value = value.get("status")
    return value if isinstance(value, str) else ""


def page_words(body: object, configured: dict[str, str]) -> dict[str, ConsentStatus]:
    """The words in a page's body; 400 listing every problem (nothing is stored then)."""
    raw: object = body.get("templates") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("subscribeDetails"), str):
        try:
            raw = json.loads(body["subscribeDetails"])
        except ValueError:
            raw = None
    if not isinstance(raw, dict) or not raw:
        raise invalid(['body needs {"templates": {id: "accept"|"reject"}} or {"subscribeDetails": "..."}'])
    problems = [f"template {str(k)[:64]!r} is not a subscribe template of this campaign"
                for k in raw if k not in configured]
    words = {k: _status_of(v) for k, v in raw.items() if k in configured}
    problems += [f"template {k!r}: status must be accept or reject" for k, v in words.items()
                 if v not in ("accept", "reject")]
    if problems:
        raise invalid(problems)
    return {k: ConsentStatus(v) for k, v in words.items()}


async def my_subscriptions(request: Request, openid: str) -> list[dict[str, Any]]:
    configured = request.app.ctx.settings.wechat.subscribe.template_ids()
    stored = dict(await Subscription.filter(openid=openid, template_id__in=sorted(configured) or [""]).values_list(
        "template_id", "status"))
    return [{"kind": kind, "template_id": tid, "status": str(stored[tid]) if tid in stored else None}
            for tid, kind in configured.items()]


@bp.get("")
async def list_mine(request: Request) -> HTTPResponse:
    user = require_user(request)
    return json_response({"templates": await my_subscriptions(request, user.openid)})


@bp.post("", ctx_body_limit=SERVER_MAX_BODY)
async def record_mine(request: Request) -> HTTPResponse:
    user = require_user(request)
    try:
        body = request.json
    except Exception as e:  # Sanic raises BadRequest on broken JSON
        raise invalid(["body is not JSON"]) from e
    words = page_words(body, request.app.ctx.settings.wechat.subscribe.template_ids())
    openid, now = user.openid, utcnow()
    for template_id, status in words.items():
        await record_consent(openid, template_id, status, ConsentSource.PAGE, now)
    return json_response({"templates": await my_subscriptions(request, openid)})
