"""The WeChat callback views: `/wechat/mp` (Official Account) and `/wechat/work` (WeCom).

Each POST: verify and decrypt (bot.wechat.crypto) → parse (WxMessage) → handle once per delivery →
seal the reply like the request came in. Refusals are `CallbackError`s answered by this
blueprint as JSON `{"error", "message"}`: 403 bad signature / stale timestamp, 400 malformed
query, XML or ciphertext, 413 too large, 403 a POST the account's `wechat.mode` never sends or a
(timestamp, nonce) replayed with another body (bot/wechat/callback_guard.py). Nothing is written before
a request has passed all checks.

"Once per delivery": WeChat retries a reply that took over 5 s up to 3 times. The first
delivery claims `dedupe_key(msg)` in Redis (SET NX EX); a repeat answers `success` and runs
nothing. The claim and the callback rate limits (per client IP → 429, per sender → `success`)
are one Redis pipeline for all the deliveries that arrive together (bot/wechat/admission.py). A handler
that fails releases its claim so WeChat's retry can run it again. If Redis is down the claim is
skipped (logged): every handler is idempotent, and refusing service would be worse than
answering a retry twice.

Handlers run under `wechat.reply_deadline_s` (4 s); past it WeChat gets `success` and the reply,
once ready, goes out through bot.wechat.gateway (`send_late_reply`: a customer-service message on the
Official Account, an app message on WeCom).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from sanic import Blueprint, Request, Sanic
from sanic import json as json_response
from sanic.response import HTTPResponse, text

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra import ratelimit
from bot.infra.ratelimit import RateLimited
from bot.settings import Settings
from bot.web import metrics
from bot.web.protection import client_ip
from bot.web.session_epochs import epochs_of
from bot.wechat import gateway as wxgateway
from bot.wechat.admission import (
    HANDLE,
    IP_LIMITED,
    REPLAYED,
    SENDER_LIMITED,
    Admitter,
    CallbackAdmission,
    Delivery,
)
from bot.wechat.callback_guard import Mode, ReplayedNonce, check_mode, nonce_entry
from bot.wechat.crypto import (
    CallbackError,
    MalformedQuery,
    WorkAppKeys,
    WxAppKeys,
    open_message_fields,
    open_work_message_fields,
    seal_reply,
    seal_work_reply,
    verify_url,
    verify_url_work,
)
from bot.wechat.dispatch import dispatch
from bot.wechat.messages import MAX_BODY_BYTES, SUCCESS, ReplyLike, TextReply, WxMessage, dedupe_key
from bot.wechat.router import MessageContext, Router

log = logging.getLogger(__name__)

bp = Blueprint("wechat_callbacks", url_prefix="/wechat")

# Plain-mode-only accounts have no EncodingAESKey; WxAppKeys still wants one. It is never used:
# `mp_keys` refuses safe-mode requests before any decryption when the account has no key.
_UNUSED_AES_KEY = "A" * 43
DRAIN_TIMEOUT_S = 5.0
MP_SCOPE, WORK_SCOPE = "wxmp", "wxwork"  # dedupe namespaces (bot.keys.Keys.dedupe)
XML = "application/xml; charset=utf-8"
REFUSALS = {"bad_signature": "签名无效", "stale_timestamp": "请求已过期", "malformed_query": "请求参数错误",
            "malformed_xml": "消息格式错误", "too_large": "请求体过大", "decrypt_failed": "消息解密失败",
            "wrong_mode": "消息加密方式与公众号设置不符", "replayed_nonce": "请求已被使用"}


@dataclass(frozen=True)
class Channel:
    """One callback door: its router, its dedupe scope and the account's crypto settings."""

    scope: str
    router: Router
    has_aes: bool


@dataclass(frozen=True)
class CallbackState:
    """Built once per process in `start`; lives on `app.ctx.callbacks`."""

    mp: Channel
    work: Channel
    mp_keys: WxAppKeys
    work_keys: WorkAppKeys | None
    admission: CallbackAdmission
    mp_mode: Mode


def build_state(s: Settings, admission: CallbackAdmission, mp_router: Router, work_router: Router) -> CallbackState:
    """Crypto settings from config; WeCom stays closed (404) without an EncodingAESKey."""
    mp_aes = s.wechat.encoding_aes_key
    work_keys = (WorkAppKeys(s.wecom.token, s.wecom.encoding_aes_key, s.wecom.corpid)
                 if s.wecom.encoding_aes_key else None)
    return CallbackState(
        mp=Channel(MP_SCOPE, mp_router, bool(mp_aes)),
        work=Channel(WORK_SCOPE, work_router, work_keys is not None),
        mp_keys=WxAppKeys(s.wechat.token, mp_aes or _UNUSED_AES_KEY, s.wechat.appid),
        work_keys=work_keys, admission=admission, mp_mode=s.wechat.mode)


async def start(app: Sanic) -> None:
    admission = CallbackAdmission(Admitter(app.ctx.redis, ratelimit.limiter_of(app)))
    admission.start()
    composed = app.ctx.composed
    app.ctx.callbacks = build_state(app.ctx.settings, admission, composed.mp_router, composed.work_router)


async def stop(app: Sanic) -> None:
    """Let handlers that missed WeChat's deadline finish (or cancel them) before resources close."""
    for channel in (app.ctx.callbacks.mp, app.ctx.callbacks.work):
        await channel.router.background.drain(DRAIN_TIMEOUT_S)
    await app.ctx.callbacks.admission.stop()


# ---- the use case: handle one delivery once --------------------------------------------------


async def handle_once(app: Sanic, channel: Channel, msg: WxMessage, now: datetime, ip: str | None,  # noqa: PLR0913, PLR0917
                      nonce: tuple[str, str]) -> str:
    """Dispatch `msg` unless this delivery was seen before; return reply XML or `success`.

    `nonce`: the request's (timestamp, nonce) key and body digest (bot/wechat/callback_guard.py); used
    before with another body → ReplayedNonce (403), nothing handled.

    Admission (bot/wechat/admission.py, batched with the deliveries arriving meanwhile) counts the client
    IP — over its limit: 429 — and the sender — over its limit: `success`, not handled — and claims
    the delivery. A handler error releases the claim (so WeChat's retry runs it again) and propagates.
    Every delivery's outcome is counted (`fission_wechat_callbacks_total{door, outcome}`): `reply`,
    `no_reply` (nothing to say), `late` (past the deadline: `success` now, the reply sent later),
    `duplicate`, `sender_limited`, `ip_limited`, `replayed`, `failed`.
    """
    state: CallbackState = app.ctx.callbacks
    key = app.ctx.keys.dedupe(channel.scope, dedupe_key(msg))
    admission = await state.admission.submit(Delivery(key, ip, msg.from_user, *nonce))
    if admission.status != HANDLE:
        metrics.callback_answered(channel.scope, admission.status)
        if admission.status == REPLAYED:
            raise ReplayedNonce("timestamp and nonce already used with another body")
        if admission.status == IP_LIMITED:
            raise RateLimited(admission.retry_after_s)
        if admission.status == SENDER_LIMITED:
            log.info("callback from %s over its rate limit: answered success, not handled", msg.from_user)
        else:
            log.info("duplicate delivery %s answered success", key)
        return SUCCESS  # an HTTP error would only make WeChat retry the same message three more times
    ctx = MessageContext(app.ctx.settings, now, epochs_of(app))
    late: list[WxMessage] = []

    def on_late(m: WxMessage, task: asyncio.Task[ReplyLike]) -> None:
        late.append(m)
        _when_done(app, channel, m, task)

    try:
        reply = await dispatch(channel.router, msg, ctx, now=now, deadline_s=app.ctx.settings.wechat.reply_deadline_s,
                               on_late=on_late)
    except Exception:
        metrics.callback_answered(channel.scope, "failed")
        await state.admission.admitter.release(key)
        raise
    metrics.callback_answered(channel.scope, "late" if late else "no_reply" if reply == SUCCESS else "reply")
    return reply


def _when_done(app: Sanic, channel: Channel, msg: WxMessage, task: asyncio.Task[ReplyLike]) -> None:
    def finished(t: asyncio.Task[ReplyLike]) -> None:
        if t.cancelled() or t.exception() is not None:
            return  # BackgroundTasks already logged it
        sender = asyncio.get_running_loop().create_task(send_late_reply(app, channel, msg, t.result()))
        channel.router.background.keep(sender)

    task.add_done_callback(finished)


def reply_text(reply: ReplyLike) -> str:
    """A handler's reply as the text of a customer-service / app message ("" for no reply)."""
    if reply is None or isinstance(reply, str):
        return reply or ""
    if isinstance(reply, TextReply):
        return reply.content
    return "\n\n".join(f'{a.title}\n{a.description}\n<a href="{a.url}">点击查看</a>' for a in reply.articles)


async def send_late_reply(app: Sanic, channel: Channel, msg: WxMessage, reply: ReplyLike) -> None:
    """Deliver a reply that missed the passive-reply deadline through the outbound gateway: a
    customer-service text on the Official Account, an app message on WeCom. Raises
    WxGatewayError (logged by the router's BackgroundTasks), e.g. 45015 past WeChat's 48 h."""
    content = reply_text(reply)
    if not content:
        return
    gateway = wxgateway.gateway_of(app.ctx)
    if channel.scope == WORK_SCOPE:
        await gateway.wecom_send_text([msg.from_user], content)
    else:
        await gateway.send_custom_text(msg.from_user, content)


# ---- views ----------------------------------------------------------------------------------


def single_query(request: Request) -> dict[str, str]:
    """The query as WeChat sends it: one value per name (the first). Read with parse_qsl, as
    Sanic's `request.args` would, without building its multi-valued mapping."""
    query: dict[str, str] = {}
    for name, value in parse_qsl(request.query_string):
        query.setdefault(name, value)
    return query


def mp_keys(state: CallbackState, query: Mapping[str, str]) -> WxAppKeys:
    """The OA keys; a POST the account's `wechat.mode` never sends is refused here (403), and a
    safe-mode request to an account without an EncodingAESKey (400)."""
    check_mode(state.mp_mode, query)
    if query.get("encrypt_type") == "aes" and not state.mp.has_aes:
        raise MalformedQuery("safe mode is not configured")
    return state.mp_keys


def work_keys(state: CallbackState) -> WorkAppKeys:
    if state.work_keys is None:
        raise FissionError(ErrorCode.NOT_FOUND, "未配置企业微信回调")
    return state.work_keys


def reply_response(body: str) -> HTTPResponse:
    return text(body, content_type=XML if body.startswith("<") else "text/plain; charset=utf-8")


@bp.exception(CallbackError)
async def refused(request: Request, e: CallbackError) -> HTTPResponse:
    log.info("wechat callback refused %s %s: %s", request.method, request.path, e.message)
    return json_response({"error": str(e.code), "message": REFUSALS.get(str(e.code), e.message)},
                         status=e.http_status)


@bp.get("/mp", ctx_rate="callbacks", ctx_sessionless=True, ctx_body_limit=MAX_BODY_BYTES)
async def mp_verify(request: Request) -> HTTPResponse:
    """Server URL check: the echostr back when the signature matches."""
    q = single_query(request)
    return text(verify_url(request.app.ctx.settings.wechat.token, q.get("signature", ""), q.get("timestamp", ""),
                           q.get("nonce", ""), q.get("echostr", ""), utcnow()))


# ctx_admitted: counted with the dedupe claim
@bp.post("/mp", ctx_rate="callbacks", ctx_sessionless=True, ctx_body_limit=MAX_BODY_BYTES, ctx_admitted=True)
async def mp_message(request: Request) -> HTTPResponse:
    now, q, state = utcnow(), single_query(request), request.app.ctx.callbacks
    keys = mp_keys(state, q)
    _xml, fields, encrypted = open_message_fields(keys, q, request.body, now)
    reply = await handle_once(request.app, state.mp, WxMessage.from_fields(fields), now, client_ip(request),
                              nonce_entry(request.app.ctx.keys, state.mp.scope, q, request.body))
    return reply_response(seal_reply(keys, reply, q["nonce"], int(now.timestamp()), encrypted))


@bp.get("/work", ctx_rate="callbacks", ctx_sessionless=True, ctx_body_limit=MAX_BODY_BYTES)
async def work_verify(request: Request) -> HTTPResponse:
    """WeCom URL check: the decrypted echostr when msg_signature matches."""
    q = single_query(request)
    return text(verify_url_work(work_keys(request.app.ctx.callbacks), q.get("msg_signature", ""),
                                q.get("timestamp", ""), q.get("nonce", ""), q.get("echostr", ""), utcnow()))


@bp.post("/work", ctx_rate="callbacks", ctx_sessionless=True, ctx_body_limit=MAX_BODY_BYTES, ctx_admitted=True)
async def work_message(request: Request) -> HTTPResponse:
    now, q, state = utcnow(), single_query(request), request.app.ctx.callbacks
    keys = work_keys(state)
    _xml, fields = open_work_message_fields(keys, q, request.body, now)
    reply = await handle_once(request.app, state.work, WxMessage.from_fields(fields), now, client_ip(request),
                              nonce_entry(request.app.ctx.keys, state.work.scope, q, request.body))
    return reply_response(seal_work_reply(keys, reply, q["nonce"], int(now.timestamp())))
