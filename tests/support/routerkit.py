"""WeChat messages for the router and dispatch tests, and a sample router answering with labels."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.wechat.messages import (
    ReplyLike,
    WxMessage,
)
from bot.wechat.router import Router

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wechat"
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def load(name: str) -> WxMessage:
    return WxMessage.from_xml((FIXTURES / name).read_bytes())


def text(content: str, msg_id: str = "1") -> WxMessage:
    return WxMessage.from_fields({"MsgType": "text", "FromUserName": "o-u", "ToUserName": "gh_x",
                                  "CreateTime": "1700000000", "Content": content, "MsgId": msg_id})


def event(name: str, key: str = "", user: str = "o-u", ts: str = "1700000000") -> WxMessage:
    return WxMessage.from_fields({"MsgType": "event", "FromUserName": user, "ToUserName": "gh_x",
                                  "CreateTime": ts, "Event": name, "EventKey": key})


def answer(label: str) -> Any:
    async def handler(msg: WxMessage, ctx: Any) -> ReplyLike:
        return label

    return handler


def build_router() -> Router:
    r = Router()
    r.text("红包")(answer("packets"))
    r.text(["抽奖", "lottery"])(answer("lottery"))
    r.text("优惠券", "coupon")(answer("coupons"))
    r.text_contains("帮助", "help")(answer("help"))
    r.text_matches(r"block\s+(\S+)")(answer("block"))
    r.event("subscribe")(answer("subscribe"))
    r.event("SCAN")(answer("scan"))
    r.click("MY_PACKETS")(answer("click"))
    r.msg_type("image")(answer("image"))
    r.default(answer("default"))
    return r
