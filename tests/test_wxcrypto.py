"""bot.wechat.crypto: Tencent's public vectors, round trips and hostile input.

Vectors: plain signature from wechatpy tests/test_utils.py; OA AES sample
(pamtest / wxb11529c136998cb6) from Tencent's Java sample as reproduced by
WxJava WxCryptUtilTest; WeCom sample (QDG6eK / wx5823bf96d3bd56c7) from
Tencent's WXBizMsgCrypt Sample.cs. Signatures for envelopes we build are
computed here independently with hashlib.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from bot.wechat import crypto as wxcrypto
from bot.wechat.crypto import (
    BadSignature,
    CallbackError,
    DecryptFailed,
    MalformedQuery,
    MalformedXml,
    StaleTimestamp,
    TooLarge,
    WorkAppKeys,
    WxAppKeys,
    open_message,
    open_work_message,
    parse_xml_fields,
    seal_reply,
    seal_work_reply,
    verify_url,
    verify_url_work,
)
from tests.support.wxclient import fixture_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "wechat"

MP = WxAppKeys("pamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6")
WORK = WorkAppKeys("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")

# Tencent Java sample: encrypt(random "aaaabbbbccccdddd", REPLY_MSG2) == AFTER_AES_ENCRYPT2
REPLY_MSG2 = (
    "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
    "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
    "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-"
    "HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]>"
    "</Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>"
)
AFTER_AES_ENCRYPT2 = (
    "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupq"
    "cEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3"
    "tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZ"
    "I27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC"
    "50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9"
    "d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMM"
    "aBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb"
)
OA_TS, OA_NONCE = "1409304348", "xxxxxx"


def at(timestamp: str | int, offset_s: float = 0) -> datetime:
    return datetime.fromtimestamp(int(timestamp) + offset_s, tz=UTC)


def sha1_sig(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def plain_query(token: str = "pamtest", ts: str = OA_TS, nonce: str = OA_NONCE) -> dict[str, str]:
    return {"signature": sha1_sig(token, ts, nonce), "timestamp": ts, "nonce": nonce}


def aes_query(token: str, encrypt: str, ts: str = OA_TS, nonce: str = OA_NONCE) -> dict[str, str]:
    return {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
            "msg_signature": sha1_sig(token, ts, nonce, encrypt)}


def envelope(encrypt: str) -> bytes:
    return f"<xml><ToUserName>gh_x</ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()


@contextmanager
def quickly(limit_s: float = 1.0) -> Iterator[None]:
    """Guard against hangs (not a benchmark)."""
    started = time.perf_counter()
    yield
    assert time.perf_counter() - started < limit_s


# ---- URL verification ----------------------------------------------------


def test_verify_url_accepts_wechatpy_vector() -> None:
    sig = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    assert verify_url("test", sig, "1410685589", "test", "echo-123", at(1410685589)) == "echo-123"


def test_verify_url_refuses_wrong_signature() -> None:
    sig = "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe"
    with pytest.raises(BadSignature) as err:
        verify_url("test", sig, "1410685589", "test", "echo", at(1410685589))
    assert err.value.code == "bad_signature" and err.value.http_status == 403


def test_verify_url_refuses_non_ascii_signature_without_crashing() -> None:
    with pytest.raises(BadSignature):
        verify_url("test", "签名" * 20, "1410685589", "test", "echo", at(1410685589))


@pytest.mark.parametrize("offset_s", [-301, 301, 86400 * 365])
def test_verify_url_refuses_stale_or_future_timestamp(offset_s: int) -> None:
    sig = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    with pytest.raises(StaleTimestamp) as err:
        verify_url("test", sig, "1410685589", "test", "echo", at(1410685589, offset_s))
    assert err.value.code == "stale_timestamp"


@pytest.mark.parametrize("offset_s", [-300, 300])
def test_verify_url_accepts_edge_of_window(offset_s: int) -> None:
    sig = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    assert verify_url("test", sig, "1410685589", "test", "e", at(1410685589, offset_s)) == "e"


@pytest.mark.parametrize(
    ("timestamp", "nonce", "echostr"),
    [("", "test", "e"), ("abc", "test", "e"), ("１２３", "test", "e"), ("1410685589", "", "e"),
     ("1410685589", "a]]>b", "e"), ("1410685589", "test", ""), ("1410685589", "test", "e" * 5000)],
)
def test_verify_url_refuses_malformed_query(timestamp: str, nonce: str, echostr: str) -> None:
    sig = sha1_sig("test", timestamp, nonce)
    with pytest.raises(MalformedQuery):
        verify_url("test", sig, timestamp, nonce, echostr, at(1410685589))


def test_naive_now_is_a_programming_error() -> None:
    sig = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_url("test", sig, "1410685589", "test", "e", datetime(2014, 9, 14))  # noqa: DTZ001


def test_bad_encoding_aes_key_fails_at_config_time() -> None:
    with pytest.raises(ValueError):
        WxAppKeys("t", "short", "wx1")
    with pytest.raises(ValueError):
        WorkAppKeys("t", "!" * 43, "corp")


# ---- Official Account messages ------------------------------------------


def test_open_message_plain_mode() -> None:
    body = fixture_bytes("text_hongbao.xml")
    xml, encrypted = open_message(MP, plain_query(), body, at(OA_TS))
    assert encrypted is False
    assert parse_xml_fields(xml)["Content"] == "红包"


def test_open_message_plain_mode_wrong_signature() -> None:
    query = plain_query() | {"signature": "0" * 40}
    with pytest.raises(BadSignature):
        open_message(MP, query, fixture_bytes("text_hongbao.xml"), at(OA_TS))


def test_open_message_plain_mode_stale() -> None:
    with pytest.raises(StaleTimestamp):
        open_message(MP, plain_query(), fixture_bytes("text_hongbao.xml"), at(OA_TS, 3600))


def test_open_message_decrypts_tencent_sample() -> None:
    body = envelope(AFTER_AES_ENCRYPT2)
    xml, encrypted = open_message(MP, aes_query("pamtest", AFTER_AES_ENCRYPT2), body, at(OA_TS))
    assert encrypted is True
    assert xml == REPLY_MSG2
    assert parse_xml_fields(xml)["Video.Title"] == "testCallBackReplyVideo"


def test_open_message_aes_wrong_signature() -> None:
    query = aes_query("not-the-token", AFTER_AES_ENCRYPT2)
    with pytest.raises(BadSignature):
        open_message(MP, query, envelope(AFTER_AES_ENCRYPT2), at(OA_TS))


def test_open_message_aes_other_appid_fails_decrypt() -> None:
    other = WxAppKeys("pamtest", MP.encoding_aes_key, "wx0000000000000000")
    query = aes_query("pamtest", AFTER_AES_ENCRYPT2)
    with pytest.raises(DecryptFailed) as err:
        open_message(other, query, envelope(AFTER_AES_ENCRYPT2), at(OA_TS))
    assert err.value.code == "decrypt_failed"


def test_open_message_refuses_unknown_encrypt_type() -> None:
    with pytest.raises(MalformedQuery):
        open_message(MP, plain_query() | {"encrypt_type": "rot13"}, b"<xml/>", at(OA_TS))


def test_open_message_aes_without_encrypt_element() -> None:
    query = aes_query("pamtest", "")
    with pytest.raises(MalformedXml):
        open_message(MP, query, b"<xml><ToUserName>x</ToUserName></xml>", at(OA_TS))


def test_seal_then_open_round_trip_safe_mode() -> None:
    reply = "<xml><Content><![CDATA[你好 ]]]]><![CDATA[> & <b>]]></Content></xml>"
    sealed = seal_reply(MP, reply, "n0nce", "1700000000", is_encrypted=True)
    fields = parse_xml_fields(sealed)
    assert fields["Nonce"] == "n0nce" and fields["TimeStamp"] == "1700000000"
    assert fields["MsgSignature"] == sha1_sig("pamtest", "1700000000", "n0nce", fields["Encrypt"])
    query = {"timestamp": "1700000000", "nonce": "n0nce", "encrypt_type": "aes",
             "msg_signature": fields["MsgSignature"]}
    xml, encrypted = open_message(MP, query, sealed.encode(), at(1700000000))
    assert (xml, encrypted) == (reply, True)


def test_sealed_replies_open_with_wechatpy_and_start_with_fresh_random_bytes() -> None:
    """Every ciphertext opens with 16 random characters (drawn from `secrets`): two seals of one
    reply differ, and wechatpy's own crypto, built apart from ours, opens both."""
    reply = "<xml><Content><![CDATA[同一个回复]]></Content></xml>"
    theirs = WeChatCrypto(MP.token, MP.encoding_aes_key, MP.appid)
    prefixes = set()
    for _ in range(20):
        sealed = parse_xml_fields(seal_reply(MP, reply, "n0nce", "1700000000", is_encrypted=True))
        assert theirs.decrypt_message(envelope(sealed["Encrypt"]), sealed["MsgSignature"], "1700000000",
                                      "n0nce") == reply
        plain = PrpCrypto(theirs.key).cipher.decrypt(base64.b64decode(sealed["Encrypt"]))
        assert re.fullmatch(rb"[A-Za-z0-9_-]{16}", plain[:16])
        prefixes.add(plain[:16])
    assert len(prefixes) == 20  # noqa: PLR2004


def test_seal_reply_leaves_plain_and_success_alone() -> None:
    assert seal_reply(MP, "<xml/>", "n", 1, is_encrypted=False) == "<xml/>"
    assert seal_reply(MP, "success", "n", 1, is_encrypted=True) == "success"
    assert seal_reply(MP, "", "n", 1, is_encrypted=True) == ""


def test_seal_reply_refuses_injected_nonce_or_timestamp() -> None:
    with pytest.raises(MalformedQuery):
        seal_reply(MP, "<xml/>", "]]><Evil/>", 1, is_encrypted=True)
    with pytest.raises(MalformedQuery):
        seal_work_reply(WORK, "<xml/>", "n", "1</TimeStamp><Evil/>")


def test_wechatpy_xmltodict_never_sees_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("xmltodict.parse must not run on callback bodies")

    monkeypatch.setattr(xmltodict, "parse", refuse)
    body = envelope(AFTER_AES_ENCRYPT2)
    assert open_message(MP, aes_query("pamtest", AFTER_AES_ENCRYPT2), body, at(OA_TS))[0] == REPLY_MSG2


# ---- WeCom ---------------------------------------------------------------


def test_verify_url_work_decrypts_tencent_sample() -> None:
    echostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    sig, ts, nonce = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780"
    assert verify_url_work(WORK, sig, ts, nonce, echostr, at(ts)) == "1616140317555161061"
    with pytest.raises(BadSignature):
        verify_url_work(WORK, sig, ts, "263014781", echostr, at(ts))
    with pytest.raises(StaleTimestamp):
        verify_url_work(WORK, sig, ts, nonce, echostr, at(ts, 600))


def test_verify_url_work_garbage_echostr_with_valid_signature() -> None:
    ts, nonce = "1409659589", "263014780"
    for echostr in ("abc", "AAAA", "not base64 !!"):
        sig = sha1_sig("QDG6eK", ts, nonce, echostr)
        with pytest.raises(DecryptFailed):
            verify_url_work(WORK, sig, ts, nonce, echostr, at(ts))


def test_open_work_message_decrypts_tencent_sample() -> None:
    query = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
             "timestamp": "1409659813", "nonce": "1372623149"}
    xml = open_work_message(WORK, query, fixture_bytes("wecom_sample_encrypted.xml"), at(1409659813))
    fields = parse_xml_fields(xml)
    assert (fields["Content"], fields["FromUserName"], fields["AgentID"]) == ("hello", "mycreate", "218")


def test_work_seal_then_open_round_trip() -> None:
    reply = fixture_bytes("wecom_text_stats.xml").decode()
    sealed = seal_work_reply(WORK, reply, "12345", 1700000600)
    fields = parse_xml_fields(sealed)
    query = {"msg_signature": fields["MsgSignature"], "timestamp": "1700000600", "nonce": "12345"}
    assert open_work_message(WORK, query, sealed, at(1700000600)) == reply
    assert seal_work_reply(WORK, "success", "12345", 1) == ""


# ---- hostile input -------------------------------------------------------

HOSTILE = ["hostile_billion_laughs.xml", "hostile_xxe_file.xml",
           "hostile_xxe_parameter.xml", "hostile_doctype_only.xml"]


def _all_entry_points(body: bytes) -> list[Callable[[], object]]:
    """Every way a body reaches a parser, each with a valid signature."""
    work_query = {"msg_signature": sha1_sig("QDG6eK", OA_TS, OA_NONCE, "x"),
                  "timestamp": OA_TS, "nonce": OA_NONCE}
    return [
        lambda: parse_xml_fields(body),
        lambda: open_message(MP, plain_query(), body, at(OA_TS)),
        lambda: open_message(MP, aes_query("pamtest", "x"), body, at(OA_TS)),
        lambda: open_work_message(WORK, work_query, body, at(OA_TS)),
    ]


@pytest.mark.parametrize("name", HOSTILE)
def test_dtd_entity_and_xxe_bodies_are_refused_quickly(name: str) -> None:
    for call in _all_entry_points(fixture_bytes(name)):
        with quickly(), pytest.raises(MalformedXml) as err:
            call()
        assert err.value.code == "malformed_xml" and err.value.http_status == 400


def test_bomb_inside_encrypted_payload_is_refused() -> None:
    encrypt = seal_reply(MP, fixture_bytes("hostile_billion_laughs.xml").decode(), "n", OA_TS, True)
    inner = parse_xml_fields(encrypt)["Encrypt"]
    with quickly(), pytest.raises(MalformedXml):
        open_message(MP, aes_query("pamtest", inner), envelope(inner), at(OA_TS))


def test_three_megabyte_body_is_refused_before_parsing() -> None:
    body = b"<xml><Content>" + b"A" * (3 * 1024 * 1024) + b"</Content></xml>"
    for call in _all_entry_points(body):
        with quickly(), pytest.raises(TooLarge) as err:
            call()
        assert err.value.http_status == 413
    with quickly(), pytest.raises(TooLarge):
        parse_xml_fields(body.decode())


@pytest.mark.parametrize("seed", range(5))
def test_binary_garbage_is_refused(seed: int) -> None:
    body = random.Random(seed).randbytes(4096)
    for call in _all_entry_points(body):
        with quickly(), pytest.raises(MalformedXml):
            call()


@pytest.mark.parametrize(
    "body",
    [b"", b"<notxml/>", b"<xml><A>1</A><A>2</A></xml>", b"<xml>", b"<xml/>trailing",
     "<xml><A>中</A></xml>".encode("gbk"), b"\x00<xml/>", b"<xml>\x01</xml>"],
)
def test_malformed_or_odd_xml(body: bytes) -> None:
    with quickly(), pytest.raises(MalformedXml):
        parse_xml_fields(body)


def test_deeply_nested_but_valid_xml_parses_quickly() -> None:
    body = b"<xml><A>1</A><B>" + b"<b>" * 5000 + b"</b>" * 5000 + b"</B></xml>"
    with quickly():
        assert parse_xml_fields(body)["A"] == "1"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="]<&\r"), min_size=1, max_size=600))
def test_any_encrypt_value_with_valid_signature_is_a_callback_error(encrypt: str) -> None:
    encrypt = encrypt.strip() or "x"
    query = aes_query("pamtest", encrypt)
    with pytest.raises(CallbackError):
        open_message(MP, query, envelope(encrypt), at(OA_TS))


def test_error_codes_are_stable() -> None:
    assert {c.value for c in wxcrypto.CallbackErrorCode} >= {
        "bad_signature", "stale_timestamp", "malformed_xml", "too_large", "decrypt_failed"}
