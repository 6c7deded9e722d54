"""OAuth2 web authorization routes: /oauth/login and /oauth/callback (API.md, OAuth and session)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from sanic import Blueprint, Request, redirect
from sanic.response import HTTPResponse

from bot.errors import ErrorCode, FissionError
from bot.web.session import SESSION_COOKIE, STATE_COOKIE, STATE_TTL_S, safe_next
from bot.web.session_epochs import epochs_of
from bot.wechat.api import WxApiError, oauth_profile
from models.user import User

bp = Blueprint("oauth", url_prefix="/oauth")


@bp.get("/login", ctx_rate="oauth")  # per IP
async def login(request: Request) -> HTTPResponse:
    s = request.app.ctx.settings
    state = secrets.token_urlsafe(16)
    next_path = safe_next(request.args.get("next", "/me"))
    query = urlencode({"appid": s.wechat.appid, "redirect_uri": f"{s.server.public_url}/oauth/callback",
                       "response_type": "code", "scope": "snsapi_userinfo", "state": state})
    resp = redirect(f"{s.wechat.oauth_base}/connect/oauth2/authorize?{query}#wechat_redirect")
    sessions = request.app.ctx.sessions
    resp.add_cookie(STATE_COOKIE, sessions.dump_state(state, next_path), **sessions.cookie_args(STATE_TTL_S))
    return resp


@bp.get("/callback", ctx_rate="oauth")
async def callback(request: Request) -> HTTPResponse:
    sessions = request.app.ctx.sessions
    next_path = sessions.check_state(request.cookies.get(STATE_COOKIE), request.args.get("state"))
    code = request.args.get("code", "")
    if not code or len(code) > 256:
        raise FissionError(ErrorCode.OAUTH_FAILED)
    try:
        profile = await oauth_profile(request.app.ctx.http, request.app.ctx.settings.wechat, code)
    except WxApiError as e:
        raise FissionError(ErrorCode.OAUTH_FAILED, f"微信授权失败 ({e.errcode})") from e
    user = await upsert_user(profile.openid, profile.nickname, profile.avatar)
    await epochs_of(request.app).prime(user.id, user.session_epoch)
    resp = redirect(next_path)
    resp.add_cookie(SESSION_COOKIE, sessions.dump_user(user.id, user.openid, user.session_epoch),
                    **sessions.cookie_args(request.app.ctx.settings.server.session_ttl_s))
    resp.delete_cookie(STATE_COOKIE, path="/")
    return resp


async def upsert_user(openid: str, nickname: str, avatar: str) -> User:
    user = await User.ensure(openid)
    if (nickname and nickname != user.nickname) or (avatar and avatar != user.avatar):
        await User.filter(id=user.id).update(nickname=nickname or user.nickname, avatar=avatar or user.avatar)
        user.nickname, user.avatar = nickname or user.nickname, avatar or user.avatar
    return user
