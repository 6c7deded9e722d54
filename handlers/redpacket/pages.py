"""Server-rendered H5 pages (API.md, Red packets): `GET /p/{token}` the help page, `GET /me` my
packets, and their static assets under `/static/`.

A visitor without a session is sent through `/oauth/login?next=<this path>` and lands back here.
Rendered by the one page engine (bot/web/pages.py: Jinja2, autoescape on, every user string is
text) under its Content-Security-Policy, with images from any https origin and exactly the
plain-http origins of this page's images; WeChat's JS-SDK is loaded, and allowed, only in WeChat.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.clock import utcnow
from bot.web.pages import WEB_DIR, add_filters, content_security_policy, in_wechat, login_redirect, render
from bot.web.session import current_user
from handlers.redpacket import pageview
from handlers.redpacket.wallet import wallet_page
from models.money import yuan

bp = Blueprint("pages")
bp.static("/static", str(WEB_DIR / "static"), name="static")
add_filters(yuan=yuan)


def render_page(request: Request, template: str, context: dict[str, Any], images: list[str],
                status: int = 200) -> HTTPResponse:
    wechat = in_wechat(request)
    tz = request.app.ctx.settings.campaign.timezone
    return render(template, {"in_wechat": wechat, "campaign_tz": tz, **context},
                  csp=content_security_policy(wechat, images), status=status)


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
