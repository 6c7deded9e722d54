"""Prizes and coupons on the Official Account (API.md, WeChat OA): the feature's message router.

- text `抽奖` / `我的奖品`, menu CLICK `MY_PRIZES` → the sender's latest prizes (名称, 状态), the
  draw chances still open on their payments with a link to each payment page `/pay/{order_no}`
  (where the cards are flipped), and a link to `/me/prizes`;
- text `优惠券` / `我的优惠券`, menu CLICK `MY_COUPONS` → the sender's unused coupons (terms and
  expiry in the campaign timezone), soonest to expire first, and a link to `/me/coupons`;
- a friendly pointer when there is nothing to show.

Handlers only read, through the use cases of handlers.coupons.routes (`my_coupons`) and
handlers.payments.routes (`offer_of`: chances left on a payment); drawing and claiming happen on the
H5 pages after OAuth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from tortoise.expressions import F

from bot.wechat.messages import ReplyLike, TextReply, WxMessage
from bot.wechat.router import MessageContext, Router
from handlers.coupons.routes import my_coupons
from handlers.lottery.offer import offer_of
from handlers.lottery.pages import STATUS_TEXT
from models.coupon import UserCoupon
from models.coupon_rules import CouponKind, CouponStatus
from models.lottery import UserPrize
from models.lottery_rules import activity_open
from models.money import yuan
from models.payment import OfferKind, PaymentNotification
from models.user import User

router = Router("lottery")

MY_PRIZES_KEY = "MY_PRIZES"
MY_COUPONS_KEY = "MY_COUPONS"
LIST_LIMIT = 5  # lines per reply: a passive text reply should stay well under WeChat's 2048 bytes
PAYMENTS_SCANNED = 50  # latest lottery payments looked at for chances left
NAME_CHARS = 20
NOTHING_TEXT = "你还没有奖品，也没有抽奖机会。支付订单后就有机会抽奖，回复「优惠券」看看你的优惠券～"
NO_PRIZES_TEXT = "你还没有中奖记录。"
NO_CHANCES_TEXT = "暂时没有抽奖机会，支付订单后可获得。"
NO_COUPONS_TEXT = "你暂时没有可用的优惠券。支付订单后有机会领券，回复「抽奖」看看你的奖品和抽奖机会～"


@dataclass(frozen=True)
class OpenChances:
    """Draws still open on one payment: `left` chances in an enabled activity running now."""

    order_no: str
    left: int


async def user_id_of(openid: str) -> int | None:
    """The sender's user id; None for someone who never paid, logged in or got a packet."""
    found: list[Any] = await User.filter(openid=openid).values_list("id", flat=True)
    return int(found[0]) if found else None


async def recent_prizes(user_id: int, limit: int = LIST_LIMIT) -> list[UserPrize]:
    """The user's won prizes, newest first (the order of `/api/me/prizes` and `/me/prizes`)."""
    rows: list[UserPrize] = await UserPrize.filter(user_id=user_id).order_by("-created_at", "-id").limit(limit)
    return rows


async def open_chances(user_id: int, now: dt.datetime) -> list[OpenChances]:
    """Lottery payments with chances left whose activity is enabled and open at `now`, newest first."""
    pays = await (PaymentNotification.filter(user_id=user_id, offer_kind=OfferKind.LOTTERY,
                                             chances__gt=F("chances_used"))
                  .select_related("offer_activity").order_by("-received_at", "-id").limit(PAYMENTS_SCANNED))
    out = []
    for pay in pays:
        act = pay.offer_activity
        if act is None or not act.enabled or not activity_open(act.start_time, act.end_time, now):
            continue
        left = int((await offer_of(pay))["chances"])
        if left > 0:
            out.append(OpenChances(pay.order_no, left))
    return out


def plain(name: str) -> str:
    """User/admin text made safe for a text reply, where `<a>` is markup: no angle brackets, short."""
    return name.replace("<", "").replace(">", "").strip()[:NAME_CHARS] or "-"


def _prize_lines(prizes: list[UserPrize], public_url: str) -> list[str]:
    if not prizes:
        return [NO_PRIZES_TEXT]
    lines = ["你的奖品："]
    lines += [f"{i}. {plain(p.name)}｜{STATUS_TEXT.get(str(p.status), str(p.status))}" for i, p in enumerate(prizes, 1)]
    return [*lines, f'<a href="{public_url}/me/prizes">查看全部奖品</a>']


def _chance_lines(chances: list[OpenChances], public_url: str) -> list[str]:
    if not chances:
        return [NO_CHANCES_TEXT]
    lines = [f"你还有 {sum(c.left for c in chances)} 次抽奖机会："]
    for c in chances[:LIST_LIMIT]:
        link = f"{public_url}/pay/{quote(c.order_no, safe='')}"
        lines.append(f'· 订单 {plain(c.order_no)}：{c.left} 次 <a href="{link}">去抽奖</a>')
    return lines


def prizes_reply(prizes: list[UserPrize], chances: list[OpenChances], public_url: str) -> ReplyLike:
    """Prizes (名称｜状态) then open chances with their draw links; one pointer when both are empty."""
    if not prizes and not chances:
        return TextReply(NOTHING_TEXT)
    return TextReply("\n".join([*_prize_lines(prizes, public_url), "", *_chance_lines(chances, public_url)]))


def coupon_terms(c: UserCoupon) -> str:
    """The terms in words, e.g. `¥5.00，满20.00元可用` or `8.5折，无门槛`."""
    value = f"¥{yuan(int(c.value))}" if c.kind == CouponKind.AMOUNT else f"{int(c.value) / 10:g}折"
    threshold = f"满{yuan(int(c.threshold_fen))}元可用" if c.threshold_fen else "无门槛"
    return f"{value}，{threshold}"


def coupons_reply(coupons: list[UserCoupon], public_url: str, tz: dt.tzinfo) -> ReplyLike:
    """Unused coupons, soonest to expire first, with terms and expiry in the campaign timezone."""
    if not coupons:
        return TextReply(NO_COUPONS_TEXT)
    soonest = sorted(coupons, key=lambda c: (c.valid_until, c.id))
    shown = f"（最快到期的 {LIST_LIMIT} 张）" if len(soonest) > LIST_LIMIT else ""
    lines = [f"你有 {len(soonest)} 张可用优惠券{shown}："]
    for i, c in enumerate(soonest[:LIST_LIMIT], 1):
        until = c.valid_until.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        shared = "（已分享给好友，待领取）" if c.share_token else ""
        lines.append(f"{i}. {plain(c.name)}：{coupon_terms(c)}，有效期至 {until}{shared}")
    return TextReply("\n".join([*lines, f'<a href="{public_url}/me/coupons?status=unused">查看我的优惠券</a>']))


@router.text("抽奖", "我的奖品", "奖品")
@router.click(MY_PRIZES_KEY)
async def on_my_prizes(msg: WxMessage, ctx: MessageContext) -> ReplyLike:
    user_id = await user_id_of(msg.from_user)
    if user_id is None:
        return TextReply(NOTHING_TEXT)
    prizes = await recent_prizes(user_id)
    return prizes_reply(prizes, await open_chances(user_id, ctx.now), ctx.settings.server.public_url)


@router.text("优惠券", "我的优惠券", "券")
@router.click(MY_COUPONS_KEY)
async def on_my_coupons(msg: WxMessage, ctx: MessageContext) -> ReplyLike:
    user_id = await user_id_of(msg.from_user)
    unused = [] if user_id is None else await my_coupons(user_id, CouponStatus.UNUSED, ctx.now)
    return coupons_reply(unused, ctx.settings.server.public_url, ctx.settings.campaign.tz)
