"""What an outbox event becomes when its kind's channel (`wechat.subscribe.channels`) includes
subscribe messages, and how one is delivered exactly once by our hand.

`notices_for` is `bot.jobs.notices.notice_for` extended: channel `template` → the template message as
before; `subscribe` → a subscribe message; `both` → the subscribe message, then the template
message. A subscribe message needs the owner's consent to its template (handlers/account/subscriptions.py):
without it the event is skipped for that channel, never sent.

`deliver_subscribe` keeps the outbox's contract: bizsend takes no client_msg_id, so a row retried
after its subscribe message went out (the template of a `both` failed after it, a lease expired) finds the
send recorded in `subscribe_sends` and does not send again; the record is written right after
WeChat accepts, so only a crash between the two can repeat one (at least once, as before). A 43101
(the user refused or withdrew) records the refusal and skips: it is the user's answer, not a fault.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from bot.jobs.notices import Notice, NoticeKind, Skip, notice_for, owner_notice, owner_openid, spec_of
from bot.jobs.subscribe_settings import Channel, SubscribeTemplate
from bot.settings import Settings
from bot.wechat.gateway import WxErrcode, WxGateway, WxGatewayError
from models.subscription import (
    ConsentSource,
    ConsentStatus,
    SubscribeSend,
    is_subscribed,
    record_consent,
)

# WeChat's limits on subscribe-message values, by keyword type (the keyword's name without digits)
VALUE_MAX_CHARS = {"thing": 20, "name": 10, "phrase": 5, "character_string": 32, "number": 32, "letter": 32,
                   "symbol": 5, "car_number": 8, "amount": 32, "time": 32, "date": 32, "phone_number": 17}


@dataclass(frozen=True)
class SubscribeMessage:
    openid: str
    template_id: str
    data: dict[str, str]
    page: str


Delivery = Notice | SubscribeMessage


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def subscribe_data(template: SubscribeTemplate, fields: dict[str, str]) -> dict[str, str]:
    """The template's keywords filled from the notice's fields, each cut to WeChat's limit."""
    out = {}
    for keyword, text in template.data.items():
        value = string.Formatter().vformat(text, (), _Blank(fields))
        limit = VALUE_MAX_CHARS.get(keyword.rstrip("0123456789"), 32)
        out[keyword] = value if len(value) <= limit else value[: limit - 1] + "…"
    return out


async def _subscribe_message(kind: str, payload: dict[str, Any], s: Settings, now: dt.datetime) -> Delivery:
    content = await owner_notice(kind, payload, s, now)
    if isinstance(content, Skip):
        return content
    template = s.wechat.subscribe.templates[kind]
    openid = await owner_openid(payload)
    if not await is_subscribed(openid, template.template_id):
        return Skip(f"no subscription to {template.template_id}")
    return SubscribeMessage(openid, template.template_id, subscribe_data(template, content.data), content.url)


async def notices_for(kind: str, payload: dict[str, Any], s: Settings, now: dt.datetime) -> list[Delivery]:
    """Everything to deliver for one outbox event, in order (see the module docstring)."""
    channel = s.wechat.subscribe.channel(kind)
    if kind == NoticeKind.ALERT or channel == Channel.TEMPLATE or spec_of(kind).skip:
        return [await notice_for(kind, payload, s, now)]
    then = [await notice_for(kind, payload, s, now)] if channel == Channel.BOTH else []
    return [await _subscribe_message(kind, payload, s, now), *then]


async def deliver_subscribe(gateway: WxGateway, msg: SubscribeMessage, key: str, now: dt.datetime) -> str | None:
    """Send `msg` for the outbox row `key` unless it already went out; a skip note or None."""
    if await SubscribeSend.exists(key=key):
        return "subscribe message already sent"
    try:
        await gateway.send_subscribe(msg.openid, msg.template_id, msg.data, page=msg.page)
    except WxGatewayError as e:
        if e.errcode != WxErrcode.USER_REFUSED:
            raise
        await record_consent(msg.openid, msg.template_id, ConsentStatus.REJECT, ConsentSource.REFUSED, now)
        return f"user refused subscribe template {msg.template_id}"
    try:
        await SubscribeSend.create(key=key, openid=msg.openid, template_id=msg.template_id, sent_at=now)
    except IntegrityError:  # recorded by a worker whose lease had expired: sent twice, recorded once
        pass
    return None
