"""Passive replies: a handler's result as the XML WeChat / WeCom expects, in wechatpy's format.

wechatpy's reply classes build a reply field by field, formatting every tag on every call: 16 µs
of a 30 µs text reply on the 2-core benchmark box (bench/wechat_callback.py). Their output depends
only on the kind of reply (text, or news with N articles; Official Account or WeCom with AgentID)
and on the values. So wechatpy renders each kind ONCE, with placeholders for the values, and a
reply is that text with its values put in by `str.format`, which inserts them verbatim.

wechatpy's fields wrap values in CDATA without escaping, so every value is made CDATA-safe first
(`cdata_safe`), as it was when wechatpy rendered each reply. tests/test_wxreplies.py checks, over
generated values, that the result is wechatpy's own rendering character for character.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

from wechatpy import replies as mp_replies
from wechatpy.enterprise import replies as work_replies

from bot.wechat.messages import SUCCESS, NewsReply, ReplyLike, TextReply, WxMessage

MAX_NEWS_ARTICLES = 8
ARTICLE_FIELDS = ("title", "description", "image", "url")  # wechatpy's article keys (PicUrl is `image`)
_XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NO_TEXT = TextReply("")
# Placeholders while wechatpy renders a kind: NUL-wrapped names (NUL is in no wechatpy template), and
# numbers for its integer fields (they pass through int()).
_SLOT_RE = re.compile("\x00(\\w+)\x00")
_INT_SLOTS = {"time": 4_000_000_001, "agent": 4_000_000_002}


def cdata_safe(value: str) -> str:
    """Make ``value`` safe inside ``<![CDATA[...]]>``: split ``]]>`` and drop
    characters XML 1.0 forbids."""
    return _XML_ILLEGAL_RE.sub("", value).replace("]]>", "]]]]><![CDATA[>")


def _slot(name: str) -> str:
    return f"\x00{name}\x00"


@functools.cache
def template(work: bool, articles: int) -> str:
    """wechatpy's rendering of one kind of reply as a `str.format` template: a text reply
    (`articles` 0) or news with that many articles; WeCom's classes (AgentID) when `work`."""
    kinds = work_replies if work else mp_replies
    header: dict[str, Any] = {"source": _slot("source"), "target": _slot("target"), "time": _INT_SLOTS["time"]}
    if work:
        header["agent"] = _INT_SLOTS["agent"]
    if articles == 0:
        xml = kinds.TextReply(content=_slot("content"), **header).render()
    else:
        items = [{k: _slot(f"{k}{i}") for k in ARTICLE_FIELDS} for i in range(articles)]
        xml = kinds.ArticlesReply(articles=items, **header).render()
    xml = _SLOT_RE.sub(r"{\1}", str(xml).replace("{", "{{").replace("}", "}}"))
    for name, number in _INT_SLOTS.items():
        xml = xml.replace(str(number), "{" + name + "}")
    return xml


def render_reply(reply: ReplyLike, msg: WxMessage, now: datetime) -> str:
    """Render a handler result as passive-reply XML answering ``msg``.

    ``None`` and empty text give the literal ``success``; a ``str`` is a
    text reply. WeCom's reply format (with AgentID) when ``msg`` carries an
    AgentID. Raises ValueError for a news reply with no or more than
    MAX_NEWS_ARTICLES articles, TypeError for anything else.
    """
    if reply is None or reply == "" or reply == _NO_TEXT:
        return SUCCESS
    if isinstance(reply, str):
        reply = TextReply(reply)
    values: dict[str, Any] = {"source": cdata_safe(msg.to_user), "target": cdata_safe(msg.from_user),
                              "time": int(now.timestamp())}
    agent = msg.agent_id
    work = bool(agent and agent.isascii() and agent.isdigit())
    if work:
        values["agent"] = int(agent or 0)
    if isinstance(reply, TextReply):
        return template(work, 0).format(content=cdata_safe(reply.content), **values)
    if not isinstance(reply, NewsReply):
        raise TypeError(f"a handler returned {type(reply).__name__}, not a reply")
    if not 1 <= len(reply.articles) <= MAX_NEWS_ARTICLES:
        raise ValueError(f"news reply needs 1..{MAX_NEWS_ARTICLES} articles")
    for i, a in enumerate(reply.articles):
        values.update({f"title{i}": cdata_safe(a.title), f"description{i}": cdata_safe(a.description),
                       f"image{i}": cdata_safe(a.image), f"url{i}": cdata_safe(a.url)})
    return template(work, len(reply.articles)).format(**values)
