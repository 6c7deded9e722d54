"""The admin page (`/admin`): live funnel, budget burn over the day, top packets, the blacklist with
add/remove and the outbox dead letters with retry — server-rendered (Jinja2, autoescape), no CDN.

Authentication: without the admin cookie `/admin` shows a login form; `POST /admin/login` with the
admin token (`admin.token`, the API's bearer token; constant-time compare; rate-limited per IP like
OAuth) sets `fx_admin`: signed with itsdangerous (like bot/web/session.py), bound to a digest of the
token (rotating the token logs every page out), HttpOnly, SameSite=Strict, Secure as the session
cookie is, Path=/admin, ADMIN_TTL_S. The token itself never reaches the browser's storage.

CSRF: the cookie is SameSite=Strict, so no cross-site request carries it, and every POST must also
carry the form token derived from the cookie's random nonce (HMAC, constant-time check). Actions
post a form and redirect back (303) with a fixed message code: no request text is ever reflected.

Live: `/admin/live` renders the live section alone; /static/admin.js swaps it in every
LIVE_REFRESH_S. Without script the page is complete, only static. CSP as in ADMIN_CSP (bot/web/pages.py's,
no remote images).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from sanic import Blueprint, Request, html, redirect
from sanic.response import HTTPResponse
from tortoise.expressions import Q
from tortoise.functions import Sum

from bot.clock import utcnow
from bot.errors import FissionError
from bot.web import pages
from bot.web.admin_api import audit_of, not_audited, requires_role
from bot.web.policy import KIB
from bot.web.session_epochs import epochs_of
from handlers.admin import api as admin
from handlers.admin import outbox as outbox_admin
from handlers.admin import settings_form  # live settings section (livecfg)
from handlers.admin.audit import TOKEN_ACTOR, Role
from handlers.admin.audit_page import audit_context
from handlers.admin.chart import PAY_FUNNEL, burn_svg, funnel_steps
from handlers.redpacket.budget import budget_of, spent_entries
from models.enums import PacketStatus
from models.money import yuan
from models.redpacket import RedPacket
from models.redpacket_rules import effective_status

bp = Blueprint("admin_page", url_prefix="/admin")
pages.add_filters(yuan=yuan)

ADMIN_COOKIE = "fx_admin"
ADMIN_TTL_S = 12 * 3600
LIVE_REFRESH_S = 10
TOP_PACKETS = 10
ADMIN_CSP = pages.content_security_policy(remote_images=False)
FLASH = {"added": "已加入黑名单", "exists": "已在黑名单中", "removed": "已移出黑名单", "absent": "不在黑名单中",
         "retried": "已重新排队发送", "not_dead": "该消息已不是失败状态", "bad_openid": "openid 格式不正确",
         "expired": "页面已过期，请重试", "unavailable": "已加入黑名单，但其登录未能注销，请重试",
         "forbidden": "没有权限：只读账号（viewer）不能修改", **settings_form.FLASH}
STATUS_TEXT = {"to_share": "待分享", "splitting": "拆红包中", "split_out": "已拆完", "expired": "已过期",
               "invalid": "已失效"}


# ---- authentication ---------------------------------------------------------------------------


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.ctx.settings.server.secret_key, salt="fx-admin")


def _token_digest(request: Request) -> str:
    return hashlib.sha256(request.app.ctx.settings.admin.token.encode()).hexdigest()[:16]


def admin_identity(request: Request) -> tuple[str, str, str] | None:
    """(who, role, nonce) of the signed-in admin, or None: no cookie, a bad or expired signature
    (ADMIN_TTL_S), a rotated token, a WeCom userid no longer in `wecom.admins`."""
    cookie = request.cookies.get(ADMIN_COOKIE)
    if not cookie:
        return None
    try:
        data = _serializer(request).loads(cookie, max_age=ADMIN_TTL_S)
    except BadSignature:
        return None
    nonce = str(data.get("n", "")) if isinstance(data, dict) else ""
    if not nonce:
        return None
    if "u" in data:  # signed in through WeCom: the role is read from the config now
        role = request.app.ctx.settings.wecom.role_of(str(data["u"]))
        return (str(data["u"]), role, nonce) if role else None
    if hmac.compare_digest(str(data.get("t", "")), _token_digest(request)):
        return TOKEN_ACTOR, Role.OWNER, nonce
    return None


def admin_nonce(request: Request) -> str | None:
    """The signed-in admin's nonce, or None (see `admin_identity`)."""
    who = admin_identity(request)
    return who[2] if who else None


def sign_in(request: Request, response: HTTPResponse, **who: str) -> HTTPResponse:
    """Set the admin cookie (a fresh nonce) on `response`: `t` for the token, `u` for a WeCom userid."""
    cookie = _serializer(request).dumps({**who, "n": secrets.token_urlsafe(16)})
    response.add_cookie(ADMIN_COOKIE, cookie, **_cookie_args(request, ADMIN_TTL_S))
    return response


def csrf_token(request: Request, nonce: str) -> str:
    key = request.app.ctx.settings.server.secret_key.encode()
    return hmac.new(key, f"fx-admin-csrf:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def form_nonce(request: Request) -> str | None:
    """The admin's nonce when the request is signed in and carries the matching form token."""
    nonce = admin_nonce(request)
    given = str(request.form.get("csrf", "")) if request.form else ""
    if nonce and hmac.compare_digest(given.encode(), csrf_token(request, nonce).encode()):
        return nonce
    return None


def form_identity(request: Request) -> tuple[str, str] | None:
    """(who, role) of a signed-in admin whose form carries the right CSRF token, else None. An
    admin signed in with the shared token is recorded as "token" (role owner)."""
    who = admin_identity(request) if form_nonce(request) else None
    return (who[0], who[1]) if who else None


def _cookie_args(request: Request, max_age: int) -> dict[str, Any]:
    secure = request.app.ctx.sessions.secure
    return {"httponly": True, "secure": secure, "samesite": "Strict", "max_age": max_age, "path": "/admin"}


def back(flash: str = "") -> HTTPResponse:
    return redirect(f"/admin?m={flash}" if flash else "/admin", status=303)


def refused() -> HTTPResponse:
    """403 for a viewer's change (the role check in handlers/admin/audit_routes.py), with a way back."""
    return render("admin_refused.html", {"flash": FLASH["forbidden"]}, status=403)


# ---- what the page shows ----------------------------------------------------------------------


async def hourly_burn(tz: ZoneInfo, now: dt.datetime) -> list[int]:
    """"Spent" (handlers/redpacket/budget.py: owner + helper credits minus reversals) per local hour of today."""
    start = admin.local_day_start(now, tz)
    edges = [start + dt.timedelta(hours=h) for h in range(25)]
    sums = {f"h{h}": Sum("amount_fen", _filter=Q(created_at__gte=edges[h], created_at__lt=edges[h + 1]))
            for h in range(24)}
    rows = await spent_entries(start, edges[24]).annotate(**sums).values(*sums)
    row = rows[0] if rows else {}
    return [int(row.get(f"h{h}") or 0) for h in range(24)]


async def top_packets(now: dt.datetime, limit: int = TOP_PACKETS) -> list[dict[str, Any]]:
    rows = await RedPacket.all().order_by("-help_count", "-id").limit(limit).values(
        "id", "goods_name", "amount_fen", "split_fen", "help_count", "status", "expire_time", "owner__nickname")
    for r in rows:
        r["status_text"] = STATUS_TEXT[effective_status(PacketStatus(r["status"]), r["expire_time"], now).wire]
    return rows


async def live_context(request: Request, now: dt.datetime) -> dict[str, Any]:
    s = request.app.ctx.settings
    tz = s.campaign.tz
    stats = await admin.campaign_stats(tz, now)
    daily_budget = (await budget_of(s)).daily_fen or s.alerts.daily_budget_fen
    burn = burn_svg(await hourly_burn(tz, now), daily_budget, now.astimezone(tz).hour)
    chart = Markup(burn)  # noqa: S704 - admin_chart puts only numbers it computed into the markup
    return {"stats": stats, "steps": funnel_steps(stats.as_json()["funnel"]), "burn_svg": chart,
            "pay_steps": funnel_steps(await campaign_page.pay_funnel_counts(), PAY_FUNNEL),
            "daily_budget": daily_budget, "top": await top_packets(now),
            "at": now.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), "refresh_s": LIVE_REFRESH_S}


def render(template: str, context: dict[str, Any], status: int = 200) -> HTTPResponse:
    return pages.render(template, context, csp=ADMIN_CSP, status=status)


# ---- routes -----------------------------------------------------------------------------------


@bp.get("", strict_slashes=False)
async def dashboard(request: Request) -> HTTPResponse:
    who = admin_identity(request)
    if who is None:
        return render("admin_login.html", {"error": ""})
    now = utcnow()
    total, blacklist = await admin.blacklist_entries(100)
    return render("admin.html", {**await live_context(request, now), "csrf": csrf_token(request, who[2]),
                                 "who": who[0], "role": who[1],
                                 "flash": FLASH.get(request.args.get("m", ""), ""), "blacklist": blacklist,
                                 "blacklist_total": total, "dead": await outbox_admin.dead_letters(50),
                                 **await audit_context(request), **await campaign_page.campaign_context(request),
                                 **await settings_form.context(request)})


@bp.get("/live")
async def live(request: Request) -> HTTPResponse:
    if admin_nonce(request) is None:
        return html("", status=401)
    return render("admin_live.html", await live_context(request, utcnow()))


@bp.post("/login", ctx_body_limit=4 * KIB, ctx_rate="oauth")  # a login form: per IP
@not_audited
async def login(request: Request) -> HTTPResponse:
    given = str(request.form.get("token", "")) if request.form else ""
    expected = request.app.ctx.settings.admin.token
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return render("admin_login.html", {"error": "令牌错误"}, status=401)
    return sign_in(request, back(), t=_token_digest(request))


@bp.post("/logout", ctx_body_limit=4 * KIB)
@not_audited
async def logout(request: Request) -> HTTPResponse:
    resp = back()
    if form_nonce(request):
        resp.delete_cookie(ADMIN_COOKIE, path="/admin")
    return resp


@bp.post("/blacklist", ctx_body_limit=4 * KIB)
async def blacklist_add(request: Request) -> HTTPResponse:
    if form_nonce(request) is None or request.form is None:
        return back("expired")
    reason = str(request.form.get("reason", "")).strip() or "admin page"
    openid, scope = str(request.form.get("openid", "")).strip(), audit_of(request)
    try:
        added = await admin.block_openid(openid, reason, epochs=epochs_of(request.app))
    except FissionError as e:  # a bad openid, or the sessions' cache down (listed; retry to sign them out)
        scope.unchanged()
        return back("unavailable" if e.status == 503 else "bad_openid")  # noqa: PLR2004
    admin.audit_blacklist(scope, openid, was_listed=not added, now_listed=True, reason=reason)
    return back("added" if added else "exists")


@bp.post("/blacklist/remove", ctx_body_limit=4 * KIB)
async def blacklist_remove(request: Request) -> HTTPResponse:
    if form_nonce(request) is None or request.form is None:
        return back("expired")
    openid, scope = str(request.form.get("openid", "")).strip(), audit_of(request)
    try:
        removed = await admin.unblock_openid(openid)
    except FissionError:
        scope.unchanged()
        return back("bad_openid")
    admin.audit_blacklist(scope, openid, was_listed=removed, now_listed=False)
    return back("removed" if removed else "absent")


@bp.post("/outbox/<outbox_id:int>/retry", ctx_body_limit=4 * KIB)
async def outbox_retry(request: Request, outbox_id: int) -> HTTPResponse:
    if form_nonce(request) is None:
        return back("expired")
    retried = await outbox_admin.retry_dead_letter(outbox_id, utcnow())
    outbox_admin.audit_retry(audit_of(request), outbox_id, retried)
    return back("retried" if retried else "not_dead")


@bp.post("/settings", ctx_body_limit=4 * KIB)
@requires_role(Role.OWNER)
async def settings_change(request: Request) -> HTTPResponse:
    """Live settings from the page (handlers/admin/settings_form.py); owners only."""
    if form_nonce(request) is None:
        return back("expired")
    return back(await settings_form.submit(request))


# the campaign sections live in their own module, which adds its form routes to `bp`
from handlers.admin import campaign_page  # noqa: E402
