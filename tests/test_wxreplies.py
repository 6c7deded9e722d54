"""bot/wechat/replies.py renders exactly what wechatpy's reply classes render for the same (CDATA-safe)
values, over generated values and every kind it serves: text and news of 1-8 articles, on the
Official Account and on WeCom (AgentID)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy import replies as mp_replies
from wechatpy.enterprise import replies as work_replies

from bot.wechat.messages import Article, NewsReply, TextReply, WxMessage
from bot.wechat.replies import cdata_safe, render_reply, template

# any text, with what could break a template in: braces, format fields, CDATA ends, our placeholders
TEXT = st.lists(st.one_of(st.characters(), st.sampled_from(["{", "}", "{time}", "{0}", "]]>", "\x00", "\x00time\x00"])),
                max_size=20).map("".join)
AGENT = st.one_of(st.none(), st.integers(0, 2**40).map(str), st.sampled_from(["", "12a", "٣"]))
ARTICLES = st.lists(st.builds(Article, title=TEXT, url=TEXT, description=TEXT, image=TEXT), min_size=1, max_size=8)


def _msg(source: str, target: str, agent: str | None) -> WxMessage:
    return WxMessage(to_user=source, from_user=target, create_time=1, type="text", agent_id=agent)


def _wechatpy(msg: WxMessage, now: datetime, **body: object) -> str:
    """What wechatpy renders for these values (the way bot/wxmessages rendered every reply before)."""
    header: dict[str, object] = {"source": cdata_safe(msg.to_user), "target": cdata_safe(msg.from_user),
                                 "time": int(now.timestamp())}
    agent = msg.agent_id
    kinds = mp_replies
    if agent and agent.isascii() and agent.isdigit():
        header["agent"], kinds = int(agent), work_replies
    if "content" in body:
        return str(kinds.TextReply(content=body["content"], **header).render())
    return str(kinds.ArticlesReply(articles=body["articles"], **header).render())


@settings(max_examples=400, deadline=None)
@given(source=TEXT, target=TEXT, agent=AGENT, content=TEXT.filter(bool), ts=st.integers(0, 2**33))
def test_text_is_wechatpys_rendering(source: str, target: str, agent: str | None, content: str, ts: int) -> None:
    msg, now = _msg(source, target, agent), datetime.fromtimestamp(ts, UTC)
    assert render_reply(TextReply(content), msg, now) == _wechatpy(msg, now, content=cdata_safe(content))


@settings(max_examples=300, deadline=None)
@given(source=TEXT, target=TEXT, agent=AGENT, articles=ARTICLES, ts=st.integers(0, 2**33))
def test_news_is_wechatpys_rendering(source: str, target: str, agent: str | None, articles: list[Article],
                                     ts: int) -> None:
    msg, now = _msg(source, target, agent), datetime.fromtimestamp(ts, UTC)
    as_dicts = [{"title": cdata_safe(a.title), "description": cdata_safe(a.description),
                 "image": cdata_safe(a.image), "url": cdata_safe(a.url)} for a in articles]
    assert render_reply(NewsReply(tuple(articles)), msg, now) == _wechatpy(msg, now, articles=as_dicts)


def test_one_template_per_kind() -> None:
    template.cache_clear()
    msg = _msg("gh", "o", None)
    for _ in range(3):
        render_reply("hi", msg, datetime.now(UTC))
    assert template.cache_info().misses == 1 and template.cache_info().hits == 2
