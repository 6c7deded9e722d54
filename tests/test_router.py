"""bot.wechat.router and bot.wechat.messages: filters, composition, dedupe keys, replies,
and the 4-second deadline. Async tests use pytest-asyncio (@pytest.mark.asyncio).
"""

from __future__ import annotations

from typing import Any

import defusedxml.ElementTree as safe_et
import pytest

from bot.wechat.crypto import MalformedXml, parse_xml_fields
from bot.wechat.messages import (
    Article,
    NewsReply,
    ReplyLike,
    TextReply,
    WxMessage,
    dedupe_key,
    share_token_from_event_key,
)
from bot.wechat.replies import render_reply
from bot.wechat.router import Router
from tests.support.routerkit import (
    FIXTURES,
    NOW,
    answer,
    build_router,
    event,
    load,
    text,
)


async def run(router: Router, msg: WxMessage, ctx: Any = None) -> str | None:
    handler = router.resolve(msg)
    return None if handler is None else await handler(msg, ctx)  # type: ignore[return-value]


# ---- parsing -------------------------------------------------------------


def test_from_xml_reads_fixture_fields() -> None:
    msg = load("text_hongbao.xml")
    assert (msg.type, msg.content, msg.from_user, msg.to_user) == ("text", "红包", "o-owner", "gh_fission")
    assert (msg.create_time, msg.msg_id, msg.event) == (1700000000, "24000000000000001", "")
    scan = load("event_scan.xml")
    assert (scan.type, scan.event, scan.event_key, scan.msg_id) == ("event", "scan", "Sh4reTok-en_01", None)
    assert scan.fields["Event"] == "SCAN"
    push = load("event_scancode_push.xml")
    assert push.fields["ScanCodeInfo.ScanResult"] == "https://example.com/p/abc"
    assert load("wecom_text_stats.xml").agent_id == "1000002"


@pytest.mark.parametrize("missing", ["MsgType", "FromUserName", "ToUserName", "CreateTime"])
def test_from_fields_requires_core_fields(missing: str) -> None:
    fields = {"MsgType": "text", "FromUserName": "a", "ToUserName": "b", "CreateTime": "1"}
    del fields[missing]
    with pytest.raises(MalformedXml):
        WxMessage.from_fields(fields)


def test_from_fields_refuses_non_integer_create_time() -> None:
    with pytest.raises(MalformedXml):
        WxMessage.from_fields({"MsgType": "text", "FromUserName": "a", "ToUserName": "b",
                               "CreateTime": "1e9"})


def test_from_xml_refuses_hostile_xml() -> None:
    with pytest.raises(MalformedXml):
        WxMessage.from_xml((FIXTURES / "hostile_billion_laughs.xml").read_bytes())


# ---- filters and composition ---------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("msg", "expected"),
    [
        (text("红包"), "packets"),
        (text("  红包\n"), "packets"),
        (text("抽奖"), "lottery"),
        (text("lottery"), "lottery"),
        (text("coupon"), "coupons"),
        (text("我要帮助"), "help"),
        (text("block o-abc"), "block"),
        (text("红包呢"), "default"),
        (text("blockade"), "default"),
        (load("event_subscribe.xml"), "subscribe"),
        (load("event_subscribe_qrscene.xml"), "subscribe"),
        (load("event_scan.xml"), "scan"),
        (event("scan", "x"), "scan"),
        (load("event_click.xml"), "click"),
        (event("CLICK", "OTHER"), "default"),
        (event("VIEW", "MY_PACKETS"), "default"),
        (load("image.xml"), "image"),
        (event("unsubscribe"), "default"),
    ],
)
async def test_each_filter_type(msg: WxMessage, expected: str) -> None:
    assert await run(build_router(), msg) == expected


@pytest.mark.asyncio
async def test_custom_filter_and_ctx_pass_through() -> None:
    r = Router()
    seen: list[Any] = []

    @r.route(lambda m: m.from_user == "o-vip")
    async def vip(msg: WxMessage, ctx: Any) -> ReplyLike:
        seen.append(ctx)
        return "vip"

    ctx = object()
    assert await run(r, event("LOCATION", user="o-vip"), ctx) == "vip"
    assert seen == [ctx]
    assert r.resolve(event("LOCATION")) is None


@pytest.mark.asyncio
async def test_include_composes_feature_routers_in_order() -> None:
    root, packets, lottery = Router("root"), Router("packets"), Router("lottery")
    packets.text("红包")(answer("packets"))
    lottery.text("红包")(answer("shadowed"))
    lottery.text("抽奖")(answer("lottery"))
    lottery.default(answer("lottery-default"))
    root.text("ping")(answer("pong"))
    assert root.include(packets) is packets
    root.include(lottery)
    assert await run(root, text("红包")) == "packets"
    assert await run(root, text("抽奖")) == "lottery"
    assert await run(root, text("ping")) == "pong"
    assert await run(root, text("?")) == "lottery-default"
    root.default(answer("root-default"))
    assert await run(root, text("?")) == "root-default"


def test_nested_include_and_misuse() -> None:
    root, child, grandchild = Router("root"), Router("child"), Router("grandchild")
    root.include(child)
    child.include(grandchild)
    grandchild.event("subscribe")(answer("deep"))
    assert root.resolve(event("subscribe")) is not None
    with pytest.raises(ValueError, match="already included"):
        Router("other").include(child)
    with pytest.raises(ValueError, match="cycle"):
        grandchild.include(root)
    with pytest.raises(ValueError, match="cycle"):
        root.include(root)


def test_registration_misuse_is_refused() -> None:
    r = Router()

    def sync_handler(msg: WxMessage, ctx: Any) -> str:
        return "x"

    with pytest.raises(TypeError):
        r.text("a")(sync_handler)  # type: ignore[type-var]
    with pytest.raises(TypeError):
        r.default(sync_handler)  # type: ignore[type-var]
    with pytest.raises(ValueError):
        r.text()
    r.default(answer("d"))
    with pytest.raises(ValueError):
        r.default(answer("again"))


# ---- dedupe and share tokens ---------------------------------------------


def test_message_dedupe_key_uses_msg_id() -> None:
    assert dedupe_key(text("a", "42")) == dedupe_key(text("b", "42")) == "msg:gh_x:42"
    assert dedupe_key(text("a", "42")) != dedupe_key(text("a", "43"))


def test_event_dedupe_key_distinguishes_same_second_events() -> None:
    a, b = event("subscribe", "qrscene_tok1"), event("subscribe", "qrscene_tok2")
    assert a.create_time == b.create_time
    assert dedupe_key(a) != dedupe_key(b)
    assert dedupe_key(event("SCAN", "t")) != dedupe_key(event("CLICK", "t"))
    assert dedupe_key(event("SCAN", "t", user="o-1")) != dedupe_key(event("SCAN", "t", user="o-2"))
    assert dedupe_key(event("SCAN", "t", ts="1")) != dedupe_key(event("SCAN", "t", ts="2"))


def test_event_dedupe_key_is_stable_across_retries() -> None:
    first = load("event_subscribe_qrscene.xml")
    retry = load("event_subscribe_qrscene.xml")
    assert dedupe_key(first) == dedupe_key(retry)
    assert dedupe_key(first).startswith("evt:gh_fission:o-helper:1700000200:")


@pytest.mark.parametrize(
    ("event_key", "token"),
    [("qrscene_Sh4reTok-en_01", "Sh4reTok-en_01"), ("Sh4reTok-en_01", "Sh4reTok-en_01"),
     ("qrscene_123", "123"), ("", None), (None, None), ("qrscene_", None),
     ("bad token", None), ("tok/../x", None), ("a" * 65, None), ("a" * 64, "a" * 64)],
)
def test_share_token_from_event_key(event_key: str | None, token: str | None) -> None:
    assert share_token_from_event_key(event_key) == token


def test_share_token_from_fixtures() -> None:
    for name in ("event_subscribe_qrscene.xml", "event_scan.xml"):
        assert share_token_from_event_key(load(name).event_key) == "Sh4reTok-en_01"


# ---- reply rendering -----------------------------------------------------


def test_text_reply_renders_to_valid_passive_reply() -> None:
    msg = load("text_hongbao.xml")
    fields = parse_xml_fields(render_reply("你有 1 个红包", msg, NOW))
    assert fields["ToUserName"] == "o-owner" and fields["FromUserName"] == "gh_fission"
    assert fields["MsgType"] == "text" and fields["Content"] == "你有 1 个红包"
    assert fields["CreateTime"] == str(int(NOW.timestamp()))


def test_reply_content_cannot_break_out_of_cdata() -> None:
    hostile = "]]></Content><MsgType>news</MsgType><Content><![CDATA[\x00x"
    fields = parse_xml_fields(render_reply(TextReply(hostile), load("text_hongbao.xml"), NOW))
    assert fields["MsgType"] == "text"
    assert fields["Content"] == hostile.replace("\x00", "")


def test_news_reply_and_limits() -> None:
    msg = load("event_scan.xml")
    art = Article(title="帮我拆红包", url="https://fission.example/p/tok", description="还差 88 分",
                  image="https://fission.example/p/tok/poster.png")
    xml = render_reply(NewsReply((art,)), msg, NOW)
    fields = parse_xml_fields(xml)
    assert fields["MsgType"] == "news" and fields["ArticleCount"] == "1"
    item = safe_et.fromstring(xml, forbid_dtd=True).find("Articles/item")
    assert item is not None
    assert [item.findtext(t) for t in ("Title", "Description", "PicUrl", "Url")] == [
        art.title, art.description, art.image, art.url]
    with pytest.raises(ValueError):
        render_reply(NewsReply(()), msg, NOW)
    with pytest.raises(ValueError):
        render_reply(NewsReply((art,) * 9), msg, NOW)
    with pytest.raises(TypeError):
        render_reply(42, msg, NOW)  # type: ignore[arg-type]


def test_no_reply_is_success_and_wecom_reply_has_agent() -> None:
    msg = load("text_hongbao.xml")
    assert render_reply(None, msg, NOW) == "success"
    assert render_reply("", msg, NOW) == "success"
    fields = parse_xml_fields(render_reply("ok", load("wecom_text_stats.xml"), NOW))
    assert fields["AgentID"] == "1000002" and fields["ToUserName"] == "admin-zhang"
