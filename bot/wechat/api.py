"""WeChat web-authorization API calls (httpx, through wechat.api_base).

Doc: https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.settings import WechatSettings
from bot.web import metrics


class WxApiError(Exception):
    def __init__(self, errcode: int, errmsg: str):
        self.errcode, self.errmsg = errcode, errmsg
        super().__init__(f"wechat errcode {errcode}: {errmsg}")


@dataclass(frozen=True)
class OAuthProfile:
    openid: str
    nickname: str
    avatar: str


async def _get_json(http: httpx.AsyncClient, url: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        r = await http.get(url, params=params)
        data = r.json()
    except (httpx.HTTPError, ValueError) as e:
        metrics.wechat_error(urlsplit(url).path, -1)
        raise WxApiError(-1, f"transport: {type(e).__name__}") from e
    if not isinstance(data, dict):
        metrics.wechat_error(urlsplit(url).path, -1)
        raise WxApiError(-1, "non-object answer")
    if data.get("errcode"):
        metrics.wechat_error(urlsplit(url).path, int(data["errcode"]))
        raise WxApiError(int(data["errcode"]), str(data.get("errmsg", "")))
    return data


async def oauth_profile(http: httpx.AsyncClient, wx: WechatSettings, code: str) -> OAuthProfile:
    """Exchange a single-use OAuth code (sns/oauth2/access_token), then read sns/userinfo."""
    tok = await _get_json(http, f"{wx.api_base}/sns/oauth2/access_token", {
        "appid": wx.appid, "secret": wx.secret, "code": code, "grant_type": "authorization_code"})
    openid = str(tok.get("openid") or "")
    if not openid or len(openid) > 64:
        raise WxApiError(-1, "no openid")
    nickname, avatar = "", ""
    if tok.get("scope", "snsapi_userinfo") != "snsapi_base":
        info = await _get_json(http, f"{wx.api_base}/sns/userinfo", {
            "access_token": tok.get("access_token", ""), "openid": openid, "lang": "zh_CN"})
        nickname = str(info.get("nickname") or "")[:128]
        avatar = str(info.get("headimgurl") or "")[:512]
    return OAuthProfile(openid, nickname, avatar)
