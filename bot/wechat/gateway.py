"""Outbound calls to the WeChat Official Account API and the WeCom API (httpx, through
`wechat.api_base` / `wecom.api_base`).

Contract of every call:
- one access token per app (per appid, per corpid+agentid), shared in Redis by every process and
  host, fetched by one refresher under contention (bot/wechat/token.py);
- on a token error (40001 / 40014 / 42001) only the token that failed is invalidated and the call
  is retried exactly once;
- any other failure raises `WxGatewayError`; its `retryable` tells the outbox whether to try again
  later with backoff (45009, system busy, HTTP 5xx, timeouts) or give up (the user refused, …).
Nothing here loops: retries over time are the outbox's job.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from bot.keys import Keys
from bot.settings import Settings
from bot.web import metrics
from bot.wechat.token import Credential, CredentialCache, CredentialTimeout

log = logging.getLogger(__name__)

QR_MAX_EXPIRE_S = 2_592_000  # WeChat keeps a temporary QR code at most 30 days
CLIENT_MSG_ID_MAX = 64


class WxErrcode(IntEnum):
    """WeChat/WeCom errcodes we act on (wechatpy/constants.py style); values <= -1000 are ours."""

    SYSTEM_BUSY = -1
    OK = 0
    INVALID_CREDENTIAL = 40001
    INVALID_OPENID = 40003
    INVALID_ACCESS_TOKEN = 40014
    INVALID_TEMPLATE_ID = 40037
    ACCESS_TOKEN_EXPIRED = 42001
    REQUIRE_SUBSCRIBE = 43004
    USER_REFUSED = 43101
    API_FREQ_LIMIT = 45009
    API_MINUTE_LIMIT = 45011
    RESPONSE_OUT_OF_TIME = 45015
    WECOM_INVALID_USER = 81013  # WeCom: every recipient is invalid
    TIMEOUT = -1001
    TRANSPORT = -1002
    HTTP_STATUS = -1003
    BAD_ANSWER = -1004
    CREDENTIAL_BUSY = -1005


TOKEN_ERRORS = frozenset({WxErrcode.INVALID_CREDENTIAL, WxErrcode.INVALID_ACCESS_TOKEN,
                          WxErrcode.ACCESS_TOKEN_EXPIRED})
RETRYABLE = TOKEN_ERRORS | {WxErrcode.SYSTEM_BUSY, WxErrcode.API_FREQ_LIMIT, WxErrcode.API_MINUTE_LIMIT}


class WxGatewayError(Exception):
    """A failed WeChat/WeCom call. `retryable`: the same call may succeed later."""

    def __init__(self, errcode: int, errmsg: str, *, retryable: bool, api: str = ""):
        self.errcode, self.errmsg, self.retryable, self.api = int(errcode), errmsg, retryable, api
        super().__init__(f"{api or 'wechat'} errcode {errcode}: {errmsg}")


@dataclass(frozen=True)
class QrTicket:
    ticket: str
    url: str  # what the QR code encodes; render it, or show `image_url`
    expire_seconds: int

    @property
    def image_url(self) -> str:
        return "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=" + quote(self.ticket, safe="")


@dataclass(frozen=True)
class WecomSendResult:
    msgid: str
    invalid_users: tuple[str, ...]


@dataclass(frozen=True)
class _App:
    name: str
    base: str
    credential: Credential


def client_msg_id(key: str) -> str:
    """WeChat's duplicate guard id for an outbox key: the key itself, hashed only if too long."""
    return key if len(key) <= CLIENT_MSG_ID_MAX else hashlib.sha1(key.encode()).hexdigest()


def _errcode(data: dict[str, Any]) -> int:
    try:
        return int(data.get("errcode") or 0)
    except (TypeError, ValueError):
        return int(WxErrcode.BAD_ANSWER)


def _checked(data: dict[str, Any], api: str) -> dict[str, Any]:
    code = _errcode(data)
    if code:
        raise WxGatewayError(code, str(data.get("errmsg", "")), retryable=code in RETRYABLE, api=api)
    return data


def _parse(r: httpx.Response, api: str) -> dict[str, Any]:
    if r.status_code >= 500 or r.status_code == 429:
        raise WxGatewayError(WxErrcode.HTTP_STATUS, f"HTTP {r.status_code}", retryable=True, api=api)
    if r.status_code >= 400:
        raise WxGatewayError(WxErrcode.HTTP_STATUS, f"HTTP {r.status_code}", retryable=False, api=api)
    try:
        data = r.json()
    except ValueError as e:
        raise WxGatewayError(WxErrcode.BAD_ANSWER, "answer is not JSON", retryable=True, api=api) from e
    if not isinstance(data, dict):
        raise WxGatewayError(WxErrcode.BAD_ANSWER, "answer is not an object", retryable=True, api=api)
    return data


class WxGateway:
    """Typed wrappers over the few WeChat/WeCom APIs Fission calls; each names its doc page."""

    def __init__(self, http: httpx.AsyncClient, redis: Any, keys: Keys, settings: Settings, *,
                 credentials: CredentialCache | None = None):
        self.http, self.wechat, self.wecom = http, settings.wechat, settings.wecom
        wechat, wecom = settings.wechat, settings.wecom
        self.credentials = credentials or CredentialCache(redis)
        mp_id, work_id = f"mp:{wechat.appid}", f"wecom:{wecom.corpid}:{wecom.agentid}"
        self.mp = _App("mp", wechat.api_base, Credential(
            keys.access_token(mp_id), keys.access_token_lock(mp_id), self._fetch_mp_token))
        self.work = _App("wecom", wecom.api_base, Credential(
            keys.access_token(work_id), keys.access_token_lock(work_id), self._fetch_wecom_token))
        self.jsapi = Credential(keys.jsapi_ticket(mp_id), keys.jsapi_ticket_lock(mp_id), self._fetch_jsapi_ticket)

    # -- transport -------------------------------------------------------------------------------
    async def _send(self, method: str, url: str, params: dict[str, Any],
                    body: dict[str, Any] | None = None) -> dict[str, Any]:
        api = urlsplit(url).path
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if content is not None else None
        try:
            r = await self.http.request(method, url, params=params, content=content, headers=headers)
            data = _parse(r, api)
        except httpx.TimeoutException as e:
            metrics.wechat_error(api, WxErrcode.TIMEOUT)
            raise WxGatewayError(WxErrcode.TIMEOUT, f"timeout ({type(e).__name__})", retryable=True, api=api) from e
        except httpx.HTTPError as e:
            metrics.wechat_error(api, WxErrcode.TRANSPORT)
            raise WxGatewayError(WxErrcode.TRANSPORT, f"transport: {type(e).__name__}", retryable=True,
                                 api=api) from e
        except WxGatewayError as e:
            metrics.wechat_error(api, e.errcode)
            raise
        if _errcode(data):  # every errcode WeChat answers, token errors that are retried included
            metrics.wechat_error(api, _errcode(data))
        return data

    async def _token(self, app: _App) -> str:
        try:
            return await self.credentials.get(app.credential)
        except CredentialTimeout as e:
            raise WxGatewayError(WxErrcode.CREDENTIAL_BUSY, "token refresh busy", retryable=True, api=app.name) from e

    async def _call(self, app: _App, method: str, path: str, *, params: dict[str, Any] | None = None,
                    body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One API call with the shared token; on a token error invalidate that token and retry once."""
        token = await self._token(app)
        data = await self._send(method, app.base + path, {**(params or {}), "access_token": token}, body)
        if _errcode(data) in TOKEN_ERRORS:
            log.info("%s %s: token rejected (errcode %s); refreshing once", app.name, path, _errcode(data))
            await self.credentials.invalidate(app.credential, token)
            token = await self._token(app)
            data = await self._send(method, app.base + path, {**(params or {}), "access_token": token}, body)
        return _checked(data, path)

    # -- credentials -----------------------------------------------------------------------------
    async def _fetch_mp_token(self) -> tuple[str, int]:
        """Doc: https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html"""
        path = "/cgi-bin/stable_token"
        data = await self._send("POST", self.wechat.api_base + path, {}, {
            "grant_type": "client_credential", "appid": self.wechat.appid, "secret": self.wechat.secret,
            "force_refresh": False})
        return self._credential_of(data, path, "access_token")

    async def _fetch_wecom_token(self) -> tuple[str, int]:
        """Doc: https://developer.work.weixin.qq.com/document/path/91039"""
        path = "/cgi-bin/gettoken"
        data = await self._send("GET", self.wecom.api_base + path,
                                {"corpid": self.wecom.corpid, "corpsecret": self.wecom.secret})
        return self._credential_of(data, path, "access_token")

    async def _fetch_jsapi_ticket(self) -> tuple[str, int]:
        """Doc: https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html (appendix 1)"""
        path = "/cgi-bin/ticket/getticket"
        data = await self._call(self.mp, "GET", path, params={"type": "jsapi"})
        return self._credential_of(data, path, "ticket")

    @staticmethod
    def _credential_of(data: dict[str, Any], api: str, field: str) -> tuple[str, int]:
        code = _errcode(data)
        metrics.token_refreshed(api, ok=not code and bool(data.get(field)))
        if code or not data.get(field):
            # a credential failure is an outage or a config error: keep the messages, retry later
            raise WxGatewayError(code or WxErrcode.BAD_ANSWER, str(data.get("errmsg", f"no {field}")),
                                 retryable=True, api=api)
        return str(data[field]), int(data.get("expires_in") or 7200)

    async def jsapi_ticket(self) -> str:
        """The JS-SDK ticket, cached in Redis like the access token."""
        try:
            return await self.credentials.get(self.jsapi)
        except CredentialTimeout as e:
            raise WxGatewayError(WxErrcode.CREDENTIAL_BUSY, "ticket refresh busy", retryable=True,
                                 api="jsapi_ticket") from e

    # -- Official Account ------------------------------------------------------------------------
    async def send_template(self, openid: str, template_id: str, data: dict[str, str], *, key: str,
                            url: str | None = None) -> int:
        """Doc: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html

        `key` (the outbox key) becomes `client_msg_id`, so a retried delivery is never a second message."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "client_msg_id": client_msg_id(key),
                                "data": {k: {"value": v} for k, v in data.items()}}
        if url:
            body["url"] = url
        res = await self._call(self.mp, "POST", "/cgi-bin/message/template/send", body=body)
        return int(res.get("msgid") or 0)

    async def send_subscribe(self, openid: str, template_id: str, data: dict[str, str], *, page: str = "") -> None:
        """Doc: https://developers.weixin.qq.com/doc/service/api/notify/notify/api_sendnewsubscribemsg.html

        A subscribe message (订阅通知): needs the user's consent to `template_id` (43101 otherwise).
        bizsend takes no client_msg_id: the caller guards against sending one event twice."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                "data": {k: {"value": v} for k, v in data.items()}}
        if page:
            body["page"] = page
        await self._call(self.mp, "POST", "/cgi-bin/message/subscribe/bizsend", body=body)

    async def send_custom_text(self, openid: str, text: str) -> None:
        """Doc: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html

        Only within 48 h of the user's last message (45015 otherwise)."""
        await self._call(self.mp, "POST", "/cgi-bin/message/custom/send",
                         body={"touser": openid, "msgtype": "text", "text": {"content": text}})

    async def create_qrcode(self, scene: str, expire_s: int) -> QrTicket:
        """Doc: https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html

        A temporary string-scene code; scanning it sends subscribe (qrscene_<scene>) or SCAN (<scene>)."""
        expire_s = max(60, min(QR_MAX_EXPIRE_S, int(expire_s)))
        res = await self._call(self.mp, "POST", "/cgi-bin/qrcode/create", body={
            "expire_seconds": expire_s, "action_name": "QR_STR_SCENE",
            "action_info": {"scene": {"scene_str": scene[:64]}}})
        if not res.get("ticket"):
            raise WxGatewayError(WxErrcode.BAD_ANSWER, "no ticket", retryable=True, api="/cgi-bin/qrcode/create")
        return QrTicket(str(res["ticket"]), str(res.get("url", "")), int(res.get("expire_seconds") or expire_s))

    # -- WeCom -----------------------------------------------------------------------------------
    async def wecom_userid_of_code(self, code: str) -> str | None:
        """Doc: https://developer.work.weixin.qq.com/document/path/91023 (auth/getuserinfo)

        The member userid behind a single-use OAuth code of the WeCom app; None for a non-member."""
        res = await self._call(self.work, "GET", "/cgi-bin/auth/getuserinfo", params={"code": code})
        userid = str(res.get("userid") or res.get("UserId") or "")
        return userid if 0 < len(userid) <= 64 else None

    async def wecom_send_text(self, userids: Sequence[str], text: str) -> WecomSendResult:
        """Doc: https://developer.work.weixin.qq.com/document/path/90236

        WeCom may answer errcode 0 with `invaliduser`: some recipients are logged in the result; when
        every recipient is invalid the send fails (not retryable)."""
        res = await self._call(self.work, "POST", "/cgi-bin/message/send", body={
            "touser": "|".join(userids), "msgtype": "text", "agentid": self.wecom.agentid,
            "text": {"content": text}, "enable_duplicate_check": 1, "duplicate_check_interval": 1800})
        invalid = tuple(u for u in str(res.get("invaliduser") or "").split("|") if u)
        if invalid and set(invalid) >= set(userids):
            raise WxGatewayError(WxErrcode.WECOM_INVALID_USER, f"invaliduser {'|'.join(invalid)}", retryable=False,
                                 api="/cgi-bin/message/send")
        if invalid:
            log.warning("wecom message/send: invalid recipients %s", ",".join(invalid))
        return WecomSendResult(str(res.get("msgid", "")), invalid)


def gateway_of(deps: Any) -> WxGateway:
    """The gateway kept on `deps` (Sanic `app.ctx` or the worker's deps), made on first use from its
    http, redis, keys and settings."""
    gw = getattr(deps, "wxgateway", None)
    if gw is None:
        gw = WxGateway(deps.http, deps.redis, deps.keys, deps.settings)
        deps.wxgateway = gw
    return gw


async def send_custom_text(deps: Any, openid: str, text: str) -> None:
    """A customer-service text to `openid` (late replies to the OA callback). Raises WxGatewayError."""
    await gateway_of(deps).send_custom_text(openid, text)
