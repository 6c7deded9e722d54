"""What each outbox event becomes when delivered: a template message to the event's owner, a WeCom
text to the admins, or nothing (`Skip`, e.g. `shared`, an unset template, a reminder overtaken).

The copy belongs to the features: each declares a `NoticeSpec` per outbox kind it writes
(`Feature.notices`; handlers/redpacket/notices.py, handlers/lottery/notices.py), and
`bot.feature.compose` installs them here. The platform itself knows one kind: `alert`, a WeCom text
to `wecom.admins`. Template data uses the classic keys (first, keyword1..3, remark); copy is
Chinese, money is shown exactly to the fen. Reads only what rendering needs; sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.settings import Settings
from models import money
from models.user import User


class NoticeKind(StrEnum):
    """The platform's own outbox kinds (features name theirs in their notices module)."""

    ALERT = "alert"  # written by bot/jobs/alerts.py


class NoticeError(Exception):
    """An event that can never be delivered (unknown kind, missing owner): dead-lettered at once."""


@dataclass(frozen=True)
class TemplateMessage:
    openid: str
    template_id: str
    data: dict[str, str]
    url: str


@dataclass(frozen=True)
class WecomText:
    users: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Skip:
    reason: str


Notice = TemplateMessage | WecomText | Skip


def yuan(fen: int) -> str:
    """Exact money: 1234 fen -> '¥12.34' (models.money, the one formatter)."""
    return money.yuan(fen, symbol="¥")


def local_time(iso_or_dt: str | dt.datetime, s: Settings) -> str:
    t = dt.datetime.fromisoformat(iso_or_dt) if isinstance(iso_or_dt, str) else iso_or_dt
    return t.astimezone(s.campaign.tz).strftime("%m-%d %H:%M")


NoticeData = Callable[[dict[str, Any], Settings, dt.datetime], Awaitable[dict[str, str] | None]]


@dataclass(frozen=True)
class NoticeSpec:
    """What one outbox kind says to its owner (`payload["owner_id"]`): `data` gives the classic
    template fields, or None when the notice no longer applies (a reminder overtaken); `template`
    picks the template id from the settings ("" = not configured: skipped); `page` is where the
    notice leads. A kind with `skip` set is never notified (the reason is recorded)."""

    data: NoticeData | None = None
    template: Callable[[Settings], str] = lambda s: ""
    page: str = "/me"
    skip: str = ""


_SPECS: dict[str, NoticeSpec] = {}


def install(specs: Mapping[str, NoticeSpec]) -> None:
    """The composed features' notices (bot.feature.compose); replaces what was installed."""
    _SPECS.clear()
    _SPECS.update(specs)


def spec_of(kind: str) -> NoticeSpec:
    spec = _SPECS.get(kind)
    if spec is None:
        raise NoticeError(f"no notice for kind {kind!r}")
    return spec


async def _owner_openid(payload: dict[str, Any]) -> str:
    openid = await User.filter(id=int(payload.get("owner_id") or 0)).values_list("openid", flat=True)
    if not openid:
        raise NoticeError(f"owner {payload.get('owner_id')!r} not found")
    return str(openid[0])


@dataclass(frozen=True)
class OwnerNotice:
    """What an owner notice says, whatever channel carries it: the classic fields and the page."""

    data: dict[str, str]
    url: str


async def owner_notice(kind: str, payload: dict[str, Any], s: Settings, now: dt.datetime) -> OwnerNotice | Skip:
    """The content of the owner's notice for `kind`, or Skip when it no longer applies."""
    spec = spec_of(kind)
    if spec.skip:
        return Skip(spec.skip)
    data = await spec.data(payload, s, now) if spec.data is not None else None
    if data is None:
        return Skip("packet no longer live")
    return OwnerNotice(data, f"{s.server.public_url}{spec.page}")


async def owner_openid(payload: dict[str, Any]) -> str:
    """The openid of the event's owner; NoticeError when there is none."""
    return await _owner_openid(payload)


async def notice_for(kind: str, payload: dict[str, Any], s: Settings, now: dt.datetime) -> Notice:
    """What to deliver for one outbox event at `now`. Raises NoticeError for an undeliverable event."""
    if kind == NoticeKind.ALERT:
        admins = tuple(s.wecom.admins)
        return WecomText(admins, str(payload.get("text", ""))) if admins else Skip("no wecom.admins")
    template_id = spec_of(kind).template(s)
    content = await owner_notice(kind, payload, s, now)
    if isinstance(content, Skip):
        return content
    if not template_id:
        return Skip(f"no template configured for {kind}")
    return TemplateMessage(await _owner_openid(payload), template_id, content.data, content.url)
