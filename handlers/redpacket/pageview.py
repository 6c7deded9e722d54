"""View models of the H5 pages (`/p/{token}`, `/me`), read with the same rules as the JSON API.

A help page shows only what `GET /api/share/{token}` already shows anyone with the link (owner's
nickname and avatar, goods, amounts, status, helpers' nicknames, avatars, amounts, times) plus the
viewer's own help. `/me` shows only the viewer's own packets. Nothing else (openids, orders,
wallets) reaches a template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sanic import Request

from handlers.redpacket.routes import helps_of, packet_json, reminders_for
from handlers.redpacket.share import share_links, viewer_refusal
from models.enums import PacketStatus
from models.redpacket import Help, RedPacket
from models.redpacket_rules import effective_status, local_day
from models.user import User

HELPERS_SHOWN = 50
MY_PACKETS_SHOWN = 100
DEFAULT_NICKNAME = "微信用户"
STATUS_LABELS = {"to_share": "待分享", "splitting": "帮拆中", "split_out": "已拆光", "expired": "已过期",
                 "invalid": "已失效"}
TERMINAL = ("split_out", "expired", "invalid")
LIMIT_REASONS = ("daily_limit", "daily_same_owner_limit")


def image_url(url: str | None) -> str:
    """Only http(s) image URLs reach a template; anything else draws a placeholder."""
    return url if url and url.startswith(("https://", "http://")) and len(url) <= 1024 else ""


@dataclass(frozen=True, slots=True)
class HelperRow:
    nickname: str
    avatar: str
    amount_fen: int
    time_text: str


@dataclass(frozen=True, slots=True)
class HelpPage:
    token: str
    state: str
    status: str
    reason: str | None
    is_owner: bool
    owner_nickname: str
    owner_avatar: str
    goods_name: str
    goods_thumbnail: str
    amount_fen: int
    split_fen: int
    countdown_s: int
    version: int
    helper_count: int
    helpers: list[HelperRow]
    my_help_fen: int | None
    share_url: str
    share_image: str
    poster_url: str

    @property
    def remaining_fen(self) -> int:
        return max(0, self.amount_fen - self.split_fen)

    def images(self) -> list[str]:
        return [self.owner_avatar, self.goods_thumbnail, *(h.avatar for h in self.helpers)]


@dataclass(frozen=True, slots=True)
class MyPacket:
    packet: dict[str, Any]
    token: str
    label: str
    helpers: list[HelperRow] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.packet["status"] in ("to_share", "splitting")

    @property
    def thumbnail(self) -> str:
        return image_url(self.packet["goods_thumbnail_url"])


def page_state(status: str, is_owner: bool, my_help_fen: int | None, reason: str | None) -> str:
    """Which block of the help page shows: a help the viewer made wins, then a terminal status,
    then the owner's own (live) packet, then the daily limits; else the viewer can help."""
    if my_help_fen is not None or reason == "already_helped":
        return "helped"
    if status in TERMINAL:
        return status
    if is_owner:
        return "owner"
    if reason in LIMIT_REASONS:
        return "daily_limit"
    return "can_help"


def helper_rows(rows: list[dict[str, Any]], tz: dt.tzinfo, now: dt.datetime) -> list[HelperRow]:
    """Rows from `helps_of`, times shown in the campaign timezone ("14:05", else "3月2日 14:05")."""
    today = now.astimezone(tz).date()
    out = []
    for r in rows:
        local = r["created_at"].astimezone(tz)
        when = local.strftime("%H:%M") if local.date() == today else f"{local.month}月{local.day}日 {local:%H:%M}"
        out.append(HelperRow(r["helper__nickname"] or DEFAULT_NICKNAME, image_url(r["helper__avatar"]),
                             int(r["amount_fen"]), when))
    return out


async def help_page(request: Request, token: str, viewer_id: int, now: dt.datetime) -> HelpPage | None:
    """The help page of `token` as `viewer_id` sees it at `now`; None for an unknown token."""
    p = await RedPacket.filter(share_token=token).select_related("owner").first()
    if p is None:
        return None
    status = effective_status(PacketStatus(p.status), p.expire_time, now).wire
    owner: User = p.owner
    is_owner = owner.id == viewer_id
    reason = None if is_owner else await viewer_refusal(request, p, viewer_id, now)
    mine = await Help.filter(packet_id=p.id, helper_id=viewer_id).first()
    tz = request.app.ctx.settings.campaign.tz
    links = share_links(request.app.ctx.settings.server.public_url, token)
    my_help = int(mine.amount_fen) if mine else None
    return HelpPage(
        token=token, state=page_state(status, is_owner, my_help, reason), status=status, reason=reason,
        is_owner=is_owner, owner_nickname=owner.nickname or DEFAULT_NICKNAME, owner_avatar=image_url(owner.avatar),
        goods_name=p.goods_name, goods_thumbnail=image_url(p.goods_thumbnail_url), amount_fen=int(p.amount_fen),
        split_fen=int(p.split_fen), countdown_s=max(0, int((p.expire_time - now).total_seconds())),
        version=int(p.version), helper_count=int(p.help_count),
        helpers=helper_rows((await helps_of([p.id], HELPERS_SHOWN)).get(p.id, []), tz, now),
        my_help_fen=my_help, share_url=links["share_url"], share_image=links["poster_url"],
        poster_url=f"/api/share/{token}/poster.png?v={int(p.version)}")


async def my_packets(request: Request, owner_id: int, now: dt.datetime) -> tuple[list[MyPacket], list[dict[str, Any]]]:
    """The owner's packets (newest first) and their page reminders."""
    packets = await RedPacket.filter(owner_id=owner_id).order_by("-created_at", "-id").limit(MY_PACKETS_SHOWN)
    helps = await helps_of([p.id for p in packets], 10)
    tz = request.app.ctx.settings.campaign.tz
    items = []
    for p in packets:
        body = packet_json(p, helps.get(p.id, []), now)
        items.append(MyPacket(body, p.share_token, STATUS_LABELS[body["status"]],
                              helper_rows(helps.get(p.id, []), tz, now)))
    helped_today = await Help.filter(owner_id=owner_id, day=local_day(now, tz)).count()
    by_expiry = sorted(packets, key=lambda p: p.expire_time)
    return items, reminders_for(by_expiry, helped_today, now)
