"""WeChat JS-SDK share config and the packet's parametric QR code.

- `GET /api/wechat/jssdk?url=` → `{appId, timestamp, nonceStr, signature}` for a page under
  `server.public_url`, signed without its `#fragment` with the jsapi_ticket (cached in Redis like
  the access token). Doc: https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
- `GET /api/share/{token}/qrcode` → `{ticket, url, image_url, expire_seconds}`: a temporary
  `qrcode/create` code whose scene is the share token (scanning it sends subscribe/SCAN with that
  token), created once per packet — one creator under contention — and cached in Redis until
  shortly before WeChat forgets it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json as stdjson
import secrets
import time
from urllib.parse import urlsplit

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.keys import Keys
from bot.wechat.gateway import WxGateway, WxGatewayError, gateway_of
from bot.wechat.token import Credential, CredentialTimeout
from models.enums import PacketStatus
from models.redpacket import RedPacket
from models.redpacket_rules import effective_status

MAX_URL = 2048
QR_GRACE_S = 3600  # a code keeps working an hour past the packet's expiry (it then says "expired")

bp = Blueprint("wechat_jssdk", url_prefix="/api")


def jssdk_signature(ticket: str, nonce: str, timestamp: int, url: str) -> str:
    """sha1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` (keys in this ASCII order)."""
    raw = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(raw.encode()).hexdigest()


def signable_url(url: str, public_url: str) -> str | None:
    """`url` without its fragment when it is a page under `public_url` (same scheme and host, path
    inside its path); otherwise None. The rest of the URL is kept byte for byte: WeChat signs it so."""
    if not url or len(url) > MAX_URL or any(c.isspace() or ord(c) < 0x20 for c in url):
        return None
    page = url.split("#", 1)[0]
    try:
        got, base = urlsplit(page), urlsplit(public_url)
    except ValueError:
        return None
    if (got.scheme.lower(), got.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()) or got.username:
        return None
    root = base.path.rstrip("/")
    if root and got.path != root and not got.path.startswith(root + "/"):
        return None
    return page


@bp.get("/wechat/jssdk")
async def jssdk_config(request: Request) -> HTTPResponse:
    s = request.app.ctx.settings
    page = signable_url(request.args.get("url", ""), s.server.public_url)
    if page is None:
        raise FissionError(ErrorCode.INVALID_BODY, "url 必须是本站页面地址")
    try:
        ticket = await gateway_of(request.app.ctx).jsapi_ticket()
    except WxGatewayError as e:
        raise FissionError(ErrorCode.UNAVAILABLE, "微信服务暂不可用，请稍后再试") from e
    nonce, ts = secrets.token_urlsafe(12), int(time.time())
    return json({"appId": s.wechat.appid, "timestamp": ts, "nonceStr": nonce,
                 "signature": jssdk_signature(ticket, nonce, ts, page)})


async def packet_qrcode(gw: WxGateway, keys: Keys, token: str, expire_time: dt.datetime,
                        now: dt.datetime) -> dict[str, object]:
    """The packet's QR ticket: from Redis, or created by exactly one caller and cached."""
    expire_s = int((expire_time - now).total_seconds()) + QR_GRACE_S

    async def create() -> tuple[str, int]:
        qr = await gw.create_qrcode(token, expire_s)
        body = {"ticket": qr.ticket, "url": qr.url, "image_url": qr.image_url, "expire_seconds": qr.expire_seconds}
        return stdjson.dumps(body), qr.expire_seconds

    cred = Credential(keys.packet_qrcode(token), keys.packet_qrcode_lock(token), create)
    return dict(stdjson.loads(await gw.credentials.get(cred)))


@bp.get("/share/<token:str>/qrcode")
async def share_qrcode(request: Request, token: str) -> HTTPResponse:
    now = utcnow()
    p = await RedPacket.get_or_none(share_token=token[:64])
    if p is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    status = effective_status(PacketStatus(p.status), p.expire_time, now)
    if not status.live:
        raise FissionError(ErrorCode(status.wire))
    try:
        body = await packet_qrcode(gateway_of(request.app.ctx), request.app.ctx.keys, p.share_token,
                                   p.expire_time, now)
    except (WxGatewayError, CredentialTimeout) as e:
        raise FissionError(ErrorCode.UNAVAILABLE, "二维码暂时无法生成，请稍后再试") from e
    return json(body)
