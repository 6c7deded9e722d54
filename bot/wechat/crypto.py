"""Verify, open and seal WeChat Official Account and WeCom callbacks.

Framework independent: a view passes the single-valued query parameters,
the raw body bytes and the request's ``now``; it gets back plain XML text
or a :class:`CallbackError` whose ``code``/``http_status`` it maps to a 4xx.

Hostile input is refused before any work is spent on it: the body size is
checked before parsing, XML is parsed only by expat with defusedxml's guards
(bot/wechat/xml.py: DTDs forbidden, so no entity expansion, no external entities),
signatures are compared in constant time, and timestamps outside +-5 minutes
are refused.

wechatpy does the AES work (one cipher per account: bot/wechat/appkeys.py). Its
``decrypt_message`` would run ``xmltodict.parse`` (expat) on a raw body, and
it compares signatures with ``!=``; so we parse the envelope ourselves, check
the signature with ``hmac.compare_digest`` first and hand wechatpy only the
checked ``Encrypt``.

Official docs:
- OA access / URL check: https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
- OA message encryption: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
- WeCom 加解密方案说明: https://developer.work.weixin.qq.com/document/path/90968
"""

from __future__ import annotations

import hmac
import re
import struct
from collections.abc import Mapping
from datetime import datetime

from wechatpy.enterprise.crypto import WeChatCrypto as _WorkCrypto
from wechatpy.exceptions import WeChatException
from wechatpy.utils import WeChatSigner

from bot.wechat.appkeys import Sealer, WorkAppKeys, WxAppKeys
from bot.wechat.messages import (
    MAX_BODY_BYTES,
    SUCCESS,
    BadSignature,
    CallbackError,
    CallbackErrorCode,
    DecryptFailed,
    MalformedQuery,
    MalformedXml,
    StaleTimestamp,
    TooLarge,
    check_size,
    parse_xml_fields,
)

__all__ = [
    "MAX_BODY_BYTES", "MAX_CLOCK_SKEW_S", "SUCCESS", "BadSignature", "CallbackError",
    "CallbackErrorCode", "DecryptFailed", "MalformedQuery", "MalformedXml", "StaleTimestamp",
    "TooLarge", "WorkAppKeys", "WxAppKeys", "open_message", "open_message_fields", "open_work_message",
    "open_work_message_fields",
    "parse_xml_fields", "seal_reply", "seal_work_reply", "verify_url", "verify_url_work",
]

MAX_CLOCK_SKEW_S = 300
_NONCE_RE = re.compile(r"[0-9A-Za-z_-]{1,64}")
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_SHAPES = {"nonce": _NONCE_RE, "timestamp": _TIMESTAMP_RE}
_MAX_PARAM_CHARS = 1024
# What wechatpy's decrypt lets escape: base64/AES/struct/utf-8 errors, or
# InvalidAppIdException / InvalidCorpIdException (WeChatException).
_DECRYPT_ERRORS = (ValueError, TypeError, IndexError, struct.error, WeChatException)


def _decode_xml(body: bytes | str) -> tuple[str, dict[str, str]]:
    """``body`` as text with its parse_xml_fields (parsed once; callers use both)."""
    fields = parse_xml_fields(body)
    return (body if isinstance(body, str) else body.decode("utf-8")), fields


# ---- query, signature, time ---------------------------------------------


def _param(query: Mapping[str, str], name: str) -> str:
    """A required query parameter; nonce and timestamp also checked for shape
    (the nonce is echoed into our reply envelope, so no odd characters)."""
    value = query.get(name)
    if not value or len(value) > _MAX_PARAM_CHARS:
        raise MalformedQuery(f"missing or oversized query parameter {name!r}")
    shape = _SHAPES.get(name)
    if shape is not None and not shape.fullmatch(value):
        raise MalformedQuery(f"{name} has an unexpected shape")
    return value


def _reply_params(nonce: str, timestamp: str | int) -> tuple[str, str]:
    """wechatpy formats both into the reply envelope unescaped: check them."""
    query = {"nonce": nonce, "timestamp": str(timestamp)}
    return _param(query, "nonce"), _param(query, "timestamp")


def _check_signature(given: str, *parts: str) -> None:
    """sha1 of the sorted, concatenated parts must equal ``given``."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    expected = signer.signature.encode("ascii")
    if not hmac.compare_digest(expected, given.encode("utf-8")):
        raise BadSignature("signature mismatch")


def _check_fresh(timestamp: str, now: datetime) -> None:
    """Refuse timestamps more than MAX_CLOCK_SKEW_S away from ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if abs(now.timestamp() - int(timestamp)) > MAX_CLOCK_SKEW_S:
        raise StaleTimestamp("timestamp outside the accepted window")


def _open_envelope(
    token: str, query: Mapping[str, str], body: bytes | str, now: datetime
) -> tuple[str, str, str, str]:
    """Check an encrypted envelope; return (Encrypt, msg_signature, ts, nonce)."""
    timestamp, nonce = _param(query, "timestamp"), _param(query, "nonce")
    msg_signature = _param(query, "msg_signature")
    encrypt = parse_xml_fields(body).get("Encrypt", "").strip()
    if not encrypt:
        raise MalformedXml("no <Encrypt> element")
    _check_signature(msg_signature, token, timestamp, nonce, encrypt)
    _check_fresh(timestamp, now)
    return encrypt, msg_signature, timestamp, nonce


def _decrypt(sealer: Sealer, env: tuple[str, str, str, str]) -> tuple[str, dict[str, str]]:
    """Decrypt a checked envelope; the inner XML and its fields."""
    try:
        xml = sealer.open(env[0])
    except _DECRYPT_ERRORS as exc:
        raise DecryptFailed(f"cannot decrypt: {type(exc).__name__}") from exc
    return _decode_xml(xml)


# ---- Official Account ----------------------------------------------------


def verify_url(  # noqa: PLR0913, PLR0917 - the parameters WeChat sends
    token: str, signature: str, timestamp: str, nonce: str, echostr: str, now: datetime
) -> str:
    """OA server URL check (GET): return ``echostr`` when sha1(sorted token,
    timestamp, nonce) equals ``signature`` and the timestamp is fresh.

    Serve the result as ``text/plain``. Raises CallbackError.
    """
    query = {"signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
    timestamp, nonce = _param(query, "timestamp"), _param(query, "nonce")
    _check_signature(_param(query, "signature"), token, timestamp, nonce)
    _check_fresh(timestamp, now)
    return _param(query, "echostr")


def open_message(
    cfg: WxAppKeys, query: Mapping[str, str], body: bytes | str, now: datetime
) -> tuple[str, bool]:
    """Authenticate an OA message POST; return ``(xml_text, is_encrypted)``.

    Plain mode (no ``encrypt_type`` or ``raw``): ``signature`` over token,
    timestamp, nonce — note it does not cover the body. Safe/compatible mode
    (``encrypt_type=aes``): ``msg_signature`` over token, timestamp, nonce and
    ``Encrypt``, then AES decryption. The returned XML has passed
    parse_xml_fields. Raises CallbackError.
    """
    xml, _fields, encrypted = open_message_fields(cfg, query, body, now)
    return xml, encrypted


def open_message_fields(
    cfg: WxAppKeys, query: Mapping[str, str], body: bytes | str, now: datetime
) -> tuple[str, dict[str, str], bool]:
    """`open_message` plus the message's parse_xml_fields, so nobody parses it twice."""
    check_size(body)
    mode = query.get("encrypt_type") or "raw"
    if mode == "aes":
        env = _open_envelope(cfg.token, query, body, now)
        return (*_decrypt(cfg.sealer, env), True)
    if mode != "raw":
        raise MalformedQuery("unsupported encrypt_type")
    timestamp = _param(query, "timestamp")
    _check_signature(_param(query, "signature"), cfg.token, timestamp,
                     _param(query, "nonce"))
    _check_fresh(timestamp, now)
    return (*_decode_xml(body), False)


def seal_reply(
    cfg: WxAppKeys, reply_xml: str, nonce: str, timestamp: str | int, is_encrypted: bool
) -> str:
    """Encrypt a passive reply the same way the request came in.

    Plain requests, ``success`` and the empty reply go back unchanged (WeChat
    accepts a bare ``success`` in every mode); otherwise wechatpy builds the
    ``<Encrypt>/<MsgSignature>/<TimeStamp>/<Nonce>`` envelope.
    """
    if not is_encrypted or reply_xml in ("", SUCCESS):
        return reply_xml
    nonce, timestamp = _reply_params(nonce, timestamp)
    return cfg.sealer.seal(reply_xml, nonce, timestamp)


# ---- WeCom --------------------------------------------------------------


def verify_url_work(  # noqa: PLR0913, PLR0917 - the parameters WeCom sends
    cfg: WorkAppKeys, msg_signature: str, timestamp: str, nonce: str, echostr: str,
    now: datetime,
) -> str:
    """WeCom callback URL check (GET): check ``msg_signature`` over token,
    timestamp, nonce and echostr, then return the decrypted echostr.

    ``echostr`` must already be URL-decoded (it is base64 with ``+``).
    Raises CallbackError.
    """
    query = {"msg_signature": msg_signature, "timestamp": timestamp,
             "nonce": nonce, "echostr": echostr}
    encrypted = _param(query, "echostr")
    _check_signature(_param(query, "msg_signature"), cfg.token,
                     _param(query, "timestamp"), _param(query, "nonce"), encrypted)
    _check_fresh(timestamp, now)
    crypto = _WorkCrypto(cfg.token, cfg.encoding_aes_key, cfg.corpid)
    try:
        return str(crypto.check_signature(msg_signature, timestamp, nonce, encrypted))
    except _DECRYPT_ERRORS as exc:
        raise DecryptFailed(f"cannot decrypt echostr: {type(exc).__name__}") from exc


def open_work_message(
    cfg: WorkAppKeys, query: Mapping[str, str], body: bytes | str, now: datetime
) -> str:
    """Authenticate and decrypt a WeCom callback POST; return its XML.

    WeCom always encrypts. The returned XML has passed parse_xml_fields.
    Raises CallbackError.
    """
    return open_work_message_fields(cfg, query, body, now)[0]


def open_work_message_fields(
    cfg: WorkAppKeys, query: Mapping[str, str], body: bytes | str, now: datetime
) -> tuple[str, dict[str, str]]:
    """`open_work_message` plus the message's parse_xml_fields."""
    check_size(body)
    return _decrypt(cfg.sealer, _open_envelope(cfg.token, query, body, now))


def seal_work_reply(
    cfg: WorkAppKeys, reply_xml: str, nonce: str, timestamp: str | int
) -> str:
    """Encrypt a WeCom passive reply.

    ``success`` and ``""`` become ``""``: WeCom wants an empty 200 when
    there is nothing to say (被动回复消息格式, document/path/90241).
    """
    if reply_xml in ("", SUCCESS):
        return ""
    nonce, timestamp = _reply_params(nonce, timestamp)
    return cfg.sealer.seal(reply_xml, nonce, timestamp)
