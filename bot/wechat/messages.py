"""The wire format of WeChat/WeCom callbacks: safe XML, messages, replies.

- ``parse_xml_fields``: size check first, then expat with defusedxml's guards
  (bot/wechat/xml.py: DTDs, entities and external references forbidden); every
  refusal is a ``CallbackError`` with a stable ``code`` and a 4xx
  ``http_status`` (``bot.wechat.crypto`` re-exports them).
- ``WxMessage``: our own small value built from those fields. We do not use
  ``wechatpy.parse_message``: it runs ``xmltodict`` (expat) on raw text and
  rewrites ``subscribe`` + ``qrscene_`` events into ``subscribe_scan``.
- Replies: the values handlers return (``TextReply``, ``NewsReply``);
  bot/wechat/replies.py renders them in wechatpy's format.

Official docs:
- 接收普通消息: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
- 接收事件推送: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
- 被动回复用户消息: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
- WeCom 被动回复消息格式: https://developer.work.weixin.qq.com/document/path/90241
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from bot.wechat.xml import XmlRefused, xml_fields

MAX_BODY_BYTES = 64 * 1024
SUCCESS = "success"
QRSCENE_PREFIX = "qrscene_"
_SHARE_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


# ---- refusals -----------------------------------------------------------


class CallbackErrorCode(StrEnum):
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    MALFORMED_QUERY = "malformed_query"
    MALFORMED_XML = "malformed_xml"
    TOO_LARGE = "too_large"
    DECRYPT_FAILED = "decrypt_failed"
    WRONG_MODE = "wrong_mode"  # plain POST to a safe-mode account, or encrypted to a plain one
    REPLAYED_NONCE = "replayed_nonce"  # a (timestamp, nonce) seen before with another body


class CallbackError(Exception):
    """A refused callback. ``code`` is stable; ``http_status`` is a 4xx."""

    code: ClassVar[CallbackErrorCode]
    http_status: ClassVar[int]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def status(self) -> int:
        """Same as ``http_status`` (the name bot.errors.FissionError uses)."""
        return self.http_status


class BadSignature(CallbackError):
    code = CallbackErrorCode.BAD_SIGNATURE
    http_status = 403


class StaleTimestamp(CallbackError):
    code = CallbackErrorCode.STALE_TIMESTAMP
    http_status = 403


class MalformedQuery(CallbackError):
    code = CallbackErrorCode.MALFORMED_QUERY
    http_status = 400


class MalformedXml(CallbackError):
    code = CallbackErrorCode.MALFORMED_XML
    http_status = 400


class TooLarge(CallbackError):
    code = CallbackErrorCode.TOO_LARGE
    http_status = 413


class DecryptFailed(CallbackError):
    code = CallbackErrorCode.DECRYPT_FAILED
    http_status = 400


# ---- XML ----------------------------------------------------------------


def check_size(body: bytes | str) -> bytes:
    """Return ``body`` as bytes, or raise TooLarge past MAX_BODY_BYTES."""
    if len(body) > MAX_BODY_BYTES:  # cheap first look; str chars <= bytes
        raise TooLarge(f"body over {MAX_BODY_BYTES} bytes")
    data = body.encode("utf-8") if isinstance(body, str) else body
    if len(data) > MAX_BODY_BYTES:
        raise TooLarge(f"body over {MAX_BODY_BYTES} bytes")
    return data


def parse_xml_fields(body: bytes | str) -> dict[str, str]:
    """Parse a WeChat ``<xml>`` document safely into ``{tag: text}``.

    Size is checked before parsing; the body must be UTF-8; any DOCTYPE is
    refused (hence no entities, external or not). Top-level children map to
    their text as sent ("" when empty); their own children are added as
    ``"Parent.Child"`` (one level only, first wins). A repeated top-level
    tag is refused. Raises TooLarge or MalformedXml (bot/wechat/xml.py parses).
    """
    data = check_size(body)
    try:
        return xml_fields(body if isinstance(body, str) else data.decode("utf-8"))
    except XmlRefused as exc:
        raise MalformedXml(f"unreadable XML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise MalformedXml("unreadable XML: not UTF-8") from exc


# ---- messages -----------------------------------------------------------


@dataclass(frozen=True)
class WxMessage:
    """One callback message or event, as WeChat/WeCom sent it.

    ``type`` (MsgType) and ``event`` (Event) are lower-cased; the original
    spelling stays in ``fields``. ``msg_id`` is None for events.
    """

    type: str
    from_user: str
    to_user: str
    create_time: int
    event: str = ""
    event_key: str = ""
    content: str = ""
    msg_id: str | None = None
    agent_id: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict, repr=False, hash=False)

    @property
    def is_event(self) -> bool:
        return self.type == "event"

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> WxMessage:
        """Build from parsed fields; raise MalformedXml if a required one
        (MsgType, FromUserName, ToUserName, CreateTime) is missing or bad."""
        for name in ("MsgType", "FromUserName", "ToUserName", "CreateTime"):
            if not fields.get(name, "").strip():
                raise MalformedXml(f"missing <{name}>")
        create_time = fields["CreateTime"].strip()
        if not (create_time.isascii() and create_time.isdigit()):
            raise MalformedXml("CreateTime is not an integer")
        return cls(
            type=fields["MsgType"].strip().lower(),
            from_user=fields["FromUserName"],
            to_user=fields["ToUserName"],
            create_time=int(create_time),
            event=fields.get("Event", "").strip().lower(),
            event_key=fields.get("EventKey", ""),
            content=fields.get("Content", ""),
            msg_id=fields.get("MsgId") or None,
            agent_id=fields.get("AgentID") or None,
            fields=dict(fields),
        )

    @classmethod
    def from_xml(cls, xml: str | bytes) -> WxMessage:
        """Parse callback XML (size-checked, expat with defusedxml's guards) into a message."""
        return cls.from_fields(parse_xml_fields(xml))


def dedupe_key(msg: WxMessage) -> str:
    """Identity of a delivery, stable across WeChat's retries.

    Messages: the receiving account + MsgId. Events (no MsgId): receiving
    account + FromUserName + CreateTime + a hash of Event and EventKey, so
    two distinct events in the same second stay distinct. Callers prefix
    it with their own key namespace.
    """
    if msg.msg_id:
        return f"msg:{msg.to_user}:{msg.msg_id}"
    detail = "\x1f".join(
        (msg.fields.get("Event", ""), msg.fields.get("EventKey", ""),
         "" if msg.is_event else msg.type + "\x1f" + msg.content)
    )
    digest = hashlib.sha256(detail.encode("utf-8")).hexdigest()[:24]
    return f"evt:{msg.to_user}:{msg.from_user}:{msg.create_time}:{digest}"


def share_token_from_event_key(event_key: str | None) -> str | None:
    """The share token in a QR EventKey: ``qrscene_<token>`` (subscribe) or
    ``<token>`` (SCAN). None when empty or not 1-64 chars of ``[A-Za-z0-9_-]``.
    """
    if not event_key:
        return None
    token = event_key.strip().removeprefix(QRSCENE_PREFIX)
    return token if _SHARE_TOKEN_RE.fullmatch(token) else None


# ---- replies ------------------------------------------------------------


@dataclass(frozen=True)
class TextReply:
    content: str



@dataclass(frozen=True)
class Article:
    title: str
    url: str
    description: str = ""
    image: str = ""  # PicUrl


@dataclass(frozen=True)
class NewsReply:
    """图文消息: 1 article when answering a user message, at most 8 otherwise."""

    articles: tuple[Article, ...]


Reply = TextReply | NewsReply
ReplyLike = Reply | str | None
