"""Admins sign in to the admin page as themselves through WeCom (企业微信网页授权).

`GET /admin/wecom/login` redirects to the WeCom app's OAuth2 authorize page
(`{wecom.oauth_base}/connect/oauth2/authorize?appid={corpid}&agentid={agentid}&scope=snsapi_base…`)
with a random `state` kept in a signed, HttpOnly, SameSite=Lax cookie (Lax: WeCom's redirect back
is a cross-site navigation). `GET /admin/wecom/callback?code&state` checks the state, exchanges
the single-use code for the member's userid (`/cgi-bin/auth/getuserinfo` through `wecom.api_base`),
and signs in a userid listed in `wecom.admins` with its role (viewer | operator | owner) — the
same admin cookie as the token sign-in (handlers/admin/page.py: 12 h, SameSite=Strict, CSRF
token per form). Anyone else gets a 403 page and no cookie.

The callback answers a tiny page that moves on to /admin itself (meta refresh) instead of a 303:
after a cross-site redirect chain a browser does not send the SameSite=Strict admin cookie, so a
303 would land on the login form once.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sanic import Blueprint, Request, redirect
from sanic.response import HTTPResponse

from bot.wechat.gateway import WxGatewayError, gateway_of
from bot.wechat.token import CredentialTimeout
from handlers.admin.page import render, sign_in

bp = Blueprint("admin_login", url_prefix="/admin/wecom")

STATE_COOKIE = "fx_admin_state"
STATE_TTL_S = 600
STATE_PATH = "/admin/wecom"


def _states(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.ctx.settings.server.secret_key, salt="fx-admin-wecom-state")


def authorize_url(request: Request, state: str) -> str:
    s = request.app.ctx.settings
    query = urlencode({"appid": s.wecom.corpid, "redirect_uri": f"{s.server.public_url}/admin/wecom/callback",
                       "response_type": "code", "scope": "snsapi_base", "state": state,
                       "agentid": s.wecom.agentid})
    return f"{s.wecom.oauth_base}/connect/oauth2/authorize?{query}#wechat_redirect"


@bp.get("/login", ctx_rate="oauth")
async def wecom_login(request: Request) -> HTTPResponse:
    state = secrets.token_urlsafe(16)
    resp = redirect(authorize_url(request, state), status=302)
    resp.add_cookie(STATE_COOKIE, _states(request).dumps(state), httponly=True, samesite="Lax", path=STATE_PATH,
                    secure=request.app.ctx.sessions.secure, max_age=STATE_TTL_S)
    return resp


def _state_ok(request: Request) -> bool:
    try:
        expected = _states(request).loads(request.cookies.get(STATE_COOKIE) or "", max_age=STATE_TTL_S)
    except BadSignature:
        return False
    given = str(request.args.get("state", ""))
    return isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())


def refused(message: str, status: int) -> HTTPResponse:
    resp = render("admin_login.html", {"error": message}, status=status)
    resp.delete_cookie(STATE_COOKIE, path=STATE_PATH)
    return resp


@bp.get("/callback", ctx_rate="oauth")
async def wecom_callback(request: Request) -> HTTPResponse:
    code = str(request.args.get("code", ""))
    if not _state_ok(request) or not 0 < len(code) <= 512:
        return refused("登录已过期或来源不明，请重新登录", 400)
    try:
        userid = await gateway_of(request.app.ctx).wecom_userid_of_code(code)
    except (WxGatewayError, CredentialTimeout):
        return refused("企业微信暂时无法确认你的身份，请稍后重试", 503)
    if userid is None or request.app.ctx.settings.wecom.role_of(userid) is None:
        return refused("你的企业微信账号没有管理权限", 403)
    resp = sign_in(request, render("admin_signed_in.html", {}), u=userid)
    resp.delete_cookie(STATE_COOKIE, path=STATE_PATH)
    return resp
