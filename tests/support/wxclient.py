"""Talk to `/wechat/mp` and `/wechat/work` like WeChat's and WeCom's servers do (tests only).

Requests are signed and encrypted here with wechatpy and hashlib, independently of the
service's own bot.wechat.crypto; replies are opened the same way (wechatpy checks their signature).
XML fixtures live in tests/fixtures/wechat; `fixture_xml` swaps field values so that every test
sends its own users and MsgIds.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_et
import httpx
from wechatpy.crypto import PrpCrypto
from wechatpy.crypto import WeChatCrypto as MpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WorkCrypto

from bot.wechat.crypto import parse_xml_fields

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wechat"


def sha1_sig(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_xml(name: str, **fields: str | int) -> str:
    """A fixture with the text of top-level elements replaced, e.g. MsgId=…, FromUserName=…."""
    xml = (FIXTURES / name).read_text(encoding="utf-8")
    for tag, value in fields.items():
        pattern = re.compile(rf"<{tag}>.*?</{tag}>", re.S)
        if not pattern.search(xml):
            raise KeyError(f"{name} has no <{tag}>")
        xml = pattern.sub(lambda _m, t=tag, v=value: f"<{t}><![CDATA[{v}]]></{t}>", xml, count=1)
    return xml


def unique_msg_id() -> str:
    return str(secrets.randbelow(10**18) + 10**18)


def fresh() -> tuple[str, str]:
    """(timestamp, nonce) as WeChat would send them now."""
    return str(int(time.time())), secrets.token_hex(5)


@dataclass
class Reply:
    """A callback answer: HTTP status, raw body, the reply XML (decrypted) and its fields."""

    status: int
    body: str
    xml: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def articles(self) -> list[dict[str, str]]:
        """News items as {Title, Description, PicUrl, Url}."""
        root = safe_et.fromstring(self.xml)
        return [{child.tag: child.text or "" for child in item} for item in root.iter("item")]


def _reply(r: httpx.Response, xml: str) -> Reply:
    return Reply(r.status_code, r.text, xml, parse_xml_fields(xml) if xml else {})


@dataclass
class MpServer:
    """The Official Account side: token, EncodingAESKey, appid from the service's config."""

    base: str
    token: str
    aes_key: str
    appid: str

    def url_check(self, *, signature: str | None = None, ts: str | None = None) -> httpx.Response:
        t, nonce = fresh()
        t = ts or t
        return httpx.get(f"{self.base}/wechat/mp", timeout=10, params={
            "signature": signature or sha1_sig(self.token, t, nonce), "timestamp": t, "nonce": nonce,
            "echostr": "echo-123"})

    def signed(self, body: bytes | str, *, aes: bool = False, ts: str | None = None,
               signature: str | None = None, wrap: bool = True) -> tuple[dict[str, str], bytes | str]:
        """(query, body) for a POST: plain mode signed, or safe mode — wrapped in a valid envelope
        (`wrap`), or the body as-is with a msg_signature over an `Encrypt` of "x"."""
        t, nonce = fresh()
        t = ts or t
        params = {"signature": sha1_sig(self.token, t, nonce), "timestamp": t, "nonce": nonce, "openid": "o"}
        if aes and wrap:
            body = MpCrypto(self.token, self.aes_key, self.appid).encrypt_message(
                body.decode() if isinstance(body, bytes) else body, nonce, t)
            params.update(encrypt_type="aes", msg_signature=parse_xml_fields(body)["MsgSignature"])
        elif aes:
            params.update(encrypt_type="aes", msg_signature=sha1_sig(self.token, t, nonce, "x"))
        if signature:
            params["msg_signature" if aes else "signature"] = signature
        return params, body

    def post_raw(self, body: bytes | str, **how: Any) -> httpx.Response:
        """POST `body` as `signed` prepares it."""
        params, content = self.signed(body, **how)
        return httpx.post(f"{self.base}/wechat/mp", params=params, content=content, timeout=10)

    def send(self, xml: str, *, aes: bool = False) -> Reply:
        """Send a message and open the reply (decrypting and checking it in safe mode)."""
        r = self.post_raw(xml, aes=aes)
        return _reply(r, self.open_reply(r.text, aes) if r.text.startswith("<") else "")

    def open_reply(self, body: str, aes: bool) -> str:
        """The reply XML; in safe mode decrypted by wechatpy, which checks MsgSignature and appid."""
        if not aes:
            return body
        env = parse_xml_fields(body)
        crypto = MpCrypto(self.token, self.aes_key, self.appid)
        return str(crypto.decrypt_message(body, env["MsgSignature"], env["TimeStamp"], env["Nonce"]))


@dataclass
class WorkServer:
    """The WeCom side: token, EncodingAESKey and corpid from the service's config."""

    base: str
    token: str
    aes_key: str
    corpid: str

    def url_check(self, echo: str, *, signature: str | None = None, ts: str | None = None) -> httpx.Response:
        t, nonce = fresh()
        t = ts or t
        key = WorkCrypto(self.token, self.aes_key, self.corpid).key
        echostr = PrpCrypto(key)._encrypt(echo, self.corpid).decode()  # noqa: SLF001 - test vector builder
        return httpx.get(f"{self.base}/wechat/work", timeout=10, params={
            "msg_signature": signature or sha1_sig(self.token, t, nonce, echostr), "timestamp": t,
            "nonce": nonce, "echostr": echostr})

    def signed(self, body: bytes | str, *, encrypt: bool = True,
               ts: str | None = None) -> tuple[dict[str, str], bytes | str]:
        """(query, body): `body` encrypted in a valid envelope, or as-is with a signature over an
        `Encrypt` of "x"."""
        t, nonce = fresh()
        t = ts or t
        if encrypt:
            body = WorkCrypto(self.token, self.aes_key, self.corpid).encrypt_message(
                body.decode() if isinstance(body, bytes) else body, nonce, t)
            sig = parse_xml_fields(body)["MsgSignature"]
        else:
            sig = sha1_sig(self.token, t, nonce, "x")
        return {"msg_signature": sig, "timestamp": t, "nonce": nonce}, body

    def post_raw(self, body: bytes | str, **how: Any) -> httpx.Response:
        params, content = self.signed(body, **how)
        return httpx.post(f"{self.base}/wechat/work", params=params, content=content, timeout=10)

    def send(self, xml: str) -> Reply:
        """Send a message and open the encrypted reply (WeCom answers "" when it has nothing)."""
        r = self.post_raw(xml)
        inner = ""
        if r.text.startswith("<"):
            env = parse_xml_fields(r.text)
            crypto = WorkCrypto(self.token, self.aes_key, self.corpid)
            inner = str(crypto.decrypt_message(r.text, env["MsgSignature"], env["TimeStamp"], env["Nonce"]))
        return _reply(r, inner)


def mp_server(base: str, cfg: dict[str, Any]) -> MpServer:
    wx = cfg["wechat"]
    return MpServer(base, wx["token"], wx["encoding_aes_key"], wx["appid"])


def work_server(base: str, cfg: dict[str, Any]) -> WorkServer:
    wc = cfg["wecom"]
    return WorkServer(base, wc["token"], wc["encoding_aes_key"], wc["corpid"])


def post_signed(client: Any, mp: MpServer, xml: str, **how: Any) -> Any:
    params, body = mp.signed(xml, **how)
    _, response = client.post("/wechat/mp", params=params, content=body)
    return response
