"""WeCom admin commands (API.md, WeCom): the message router behind `/wechat/work`.

Text from a user listed in `wecom.admins`: `stats`, `block <openid>`, `unblock <openid>`
(case-insensitive); any other text gets the usage. Anyone else gets a polite refusal and nothing
runs. Events (enter_agent…) get no reply. The commands call the admin API's use cases
(handlers/admin/api.py), so both doors apply exactly the same rules.
"""

from __future__ import annotations

import functools

from bot.errors import FissionError
from bot.wechat.messages import ReplyLike, TextReply, WxMessage
from bot.wechat.router import Handler, MessageContext, Router
from handlers.admin.api import CampaignStats, audit_blacklist, block_openid, campaign_stats, unblock_openid
from handlers.admin.audit import Actor, Channel, Role, audit_scope
from models.money import yuan

router = Router("wecom-admin")

REFUSAL_TEXT = "抱歉，你没有管理权限，无法使用这些命令。如需开通，请联系活动负责人。"
USAGE_TEXT = ("可用命令：\n"
              "stats — 查看活动数据\n"
              "block <openid> — 拉黑用户（之后帮拆只得 0.01 元）\n"
              "unblock <openid> — 解除拉黑")
BLOCK_RE = r"(?i)block\s+\S+"
UNBLOCK_RE = r"(?i)unblock\s+\S+"


def admins_only(handler: Handler) -> Handler:
    """Run `handler` only for senders in `wecom.admins`; everyone else gets REFUSAL_TEXT."""

    @functools.wraps(handler)
    async def guarded(msg: WxMessage, ctx: MessageContext) -> ReplyLike:
        if msg.from_user not in ctx.settings.wecom.admins:
            return TextReply(REFUSAL_TEXT)
        return await handler(msg, ctx)

    return guarded


VIEWER_TEXT = "你的账号只能查看数据（viewer），不能执行 block / unblock。"


def wecom_actor(msg: WxMessage, ctx: MessageContext) -> Actor | None:
    """The WeCom admin sending a command, as the audit log records them; None for a viewer."""
    role = ctx.settings.wecom.role_of(msg.from_user) or Role.VIEWER
    return None if role == Role.VIEWER else Actor(msg.from_user, role, Channel.WECOM)


def command_arg(msg: WxMessage) -> str:
    """The single argument of `block x` / `unblock x`."""
    return msg.content.split(maxsplit=1)[1].strip()


def stats_text(s: CampaignStats) -> str:
    return (f"活动数据（{s.day.isoformat()}）\n"
            f"红包：发放 {s.issued} → 分享 {s.shared} → 被帮拆 {s.helped} → 拆光 {s.split_out}\n"
            f"帮拆次数：{s.helps}\n"
            f"支出：今日 {yuan(s.spent_today_fen)} 元，累计 {yuan(s.spent_total_fen)} 元\n"
            f"通知：待发送 {s.outbox_pending}，死信 {s.outbox_dead}\n"
            f"黑名单：{s.blacklisted} 人")


@router.text_matches(r"(?i)stats")
@admins_only
async def on_stats(msg: WxMessage, ctx: MessageContext) -> ReplyLike:
    return TextReply(stats_text(await campaign_stats(ctx.settings.campaign.tz, ctx.now)))


@router.text_matches(BLOCK_RE)
@admins_only
async def on_block(msg: WxMessage, ctx: MessageContext) -> ReplyLike:
    openid, actor = command_arg(msg), wecom_actor(msg, ctx)
    if actor is None:
        return TextReply(VIEWER_TEXT)
    try:
        async with audit_scope(actor, "wecom.block") as scope:
            added = await block_openid(openid, f"wecom:{msg.from_user}", epochs=ctx.epochs)
            audit_blacklist(scope, openid, was_listed=not added, now_listed=True, reason=f"wecom:{msg.from_user}")
    except FissionError as e:
        return TextReply(f"{e.message}：{openid[:64]}")
    return TextReply(f"已拉黑 {openid}" if added else f"{openid} 已在黑名单中")


@router.text_matches(UNBLOCK_RE)
@admins_only
async def on_unblock(msg: WxMessage, ctx: MessageContext) -> ReplyLike:
    openid, actor = command_arg(msg), wecom_actor(msg, ctx)
    if actor is None:
        return TextReply(VIEWER_TEXT)
    try:
        async with audit_scope(actor, "wecom.unblock") as scope:
            removed = await unblock_openid(openid)
            audit_blacklist(scope, openid, was_listed=removed, now_listed=False)
    except FissionError as e:
        return TextReply(f"{e.message}：{openid[:64]}")
    return TextReply(f"已解除拉黑 {openid}" if removed else f"{openid} 不在黑名单中")


@router.default
async def on_other(msg: WxMessage, ctx: MessageContext) -> ReplyLike:
    """Events need no reply; other text gets the usage (admins) or the refusal (everyone else)."""
    if msg.is_event:
        return None
    return TextReply(USAGE_TEXT if msg.from_user in ctx.settings.wecom.admins else REFUSAL_TEXT)
