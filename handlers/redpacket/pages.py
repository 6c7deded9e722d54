"""Server-rendered H5 pages (API.md, Red packets): `GET /p/{token}` the help page, `GET /me` my
packets, and their static assets under `/static/`.

A visitor without a session is sent through `/oauth/login?next=<this path>` and lands back here.
Templates are Jinja2 with autoescape on: every user string (nicknames, goods names) is text.

Content-Security-Policy (every page): `default-src 'none'`; scripts and styles only from our own
origin (`/static/fx.js`, `/static/fx.css`, no inline code, so no nonce is needed); `connect-src
'self'` for the API calls; images from our origin, `data:`, any https origin (WeChat's avatar CDN,
goods thumbnails) and, for plain-http image URLs, exactly the origins of the images on the page.
WeChat's JS-SDK (`https://res.wx.qq.com/open/js/jweixin-1.6.0.js`) is loaded, and its origin
allowed in `script-src`, only when the browser is WeChat's (User-Agent `MicroMessenger`);
anywhere else the page never loads a third-party script and the share config is skipped.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Blueprint, Request, html, redirect
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.web.session import current_user
from handlers.redpacket import pageview
from handlers.redpacket.wallet import wallet_page

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
WX_SDK_ORIGIN = "https://res.wx.qq.com"
WX_SDK_URL = f"{WX_SDK_ORIGIN}/open/js/jweixin-1.6.0.js"
HTTP_ORIGIN = re.compile(r"^http://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")

bp = Blueprint("pages")
bp.static("/static", str(WEB_DIR / "static"), name="static")


def yuan(fen: int) -> str:
    """Integer fen as yuan with two decimals: 1234 -> "12.34"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def clock(seconds: int) -> str:
    """A countdown as HH:MM:SS (hours may exceed 24)."""
    minutes, s = divmod(max(0, int(seconds)), 60)
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


@lru_cache(maxsize=1)
def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(WEB_DIR / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(yuan=yuan, clock=clock)
    env.globals.update(asset_v=asset_version(), wx_sdk_url=WX_SDK_URL)
    return env


@lru_cache(maxsize=1)
def asset_version() -> str:
    """A digest of the static files, appended to their URLs so a deploy busts phone caches."""
    digest = hashlib.sha256()
    for path in sorted((WEB_DIR / "static").iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def in_wechat(request: Request) -> bool:
    return "MicroMessenger" in request.headers.get("user-agent", "")


def content_security_policy(wechat: bool, image_urls: list[str]) -> str:
    """The CSP described in the module docstring, for a page showing `image_urls`."""
    http_origins = set()
    for url in image_urls:
        parts = urlsplit(url) if url.startswith("http://") else None
        origin = f"http://{parts.netloc}" if parts else ""
        if origin and HTTP_ORIGIN.match(origin):
            http_origins.add(origin)
    scripts = " ".join(["'self'", WX_SDK_ORIGIN] if wechat else ["'self'"])
    images = " ".join(["'self'", "data:", "https:", *sorted(http_origins)])
    return (f"default-src 'none'; script-src {scripts}; style-src 'self'; img-src {images}; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def render_page(request: Request, template: str, context: dict[str, Any], images: list[str],
                status: int = 200) -> HTTPResponse:
    wechat = in_wechat(request)
    tz = request.app.ctx.settings.campaign.timezone
    body = templates().get_template(template).render(in_wechat=wechat, campaign_tz=tz, **context)
    return html(body, status=status, headers={
        "Content-Security-Policy": content_security_policy(wechat, images),
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def login_redirect(request: Request) -> HTTPResponse:
    """Through WeChat OAuth and back to this very page."""
    return redirect("/oauth/login?" + urlencode({"next": request.path}))


@bp.get("/p/<token:str>", ctx_page=True)
async def help_page(request: Request, token: str) -> HTTPResponse:
    viewer = current_user(request)
    if viewer is None:
        return login_redirect(request)
    page = await pageview.help_page(request, token[:64], viewer.id, utcnow())
    if page is None:
        return render_page(request, "missing.html", {}, [], status=404)
    return render_page(request, "help.html", {"p": page}, page.images())


@bp.get("/me", ctx_page=True)
async def my_page(request: Request) -> HTTPResponse:
    viewer = current_user(request)
    if viewer is None:
        return login_redirect(request)
    packets, reminders = await pageview.my_packets(request, viewer.id, utcnow())
    images = [k.thumbnail for k in packets] + [h.avatar for k in packets for h in k.helpers]
    wallet = await wallet_page(viewer.id)
    subscribe_ids = ",".join(request.app.ctx.settings.wechat.subscribe.template_ids())  # the open tag's list
    return render_page(request, "me.html", {"packets": packets, "reminders": reminders, "wallet": wallet,
                                            "subscribe_ids": subscribe_ids}, images)
