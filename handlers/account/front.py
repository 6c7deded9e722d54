"""The front door: `GET /` in a browser is a small page saying what this deployment is, with links
to the admin page, the API documentation and the health endpoints.

Content negotiation: HTML only when the client prefers `text/html` (a browser's Accept header);
a JSON client (`application/json`, `*/*` or no Accept at all) keeps the JSON 404 it always got —
`/` is not part of the API. The pages' CSP and headers (bot/web/pages.py), no script at all.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.errors import ErrorCode, FissionError
from bot.web.pages import render

bp = Blueprint("front")

LINKS = (("/admin", "管理后台", "活动数据、黑名单、审计日志与导出（需要登录）"),
         ("/docs", "接口文档", "OpenAPI / Swagger UI"),
         ("/healthz", "/healthz", "进程存活"),
         ("/readyz", "/readyz", "数据库、Redis 等依赖就绪"))


def wants_html(request: Request) -> bool:
    """True when the client ranks text/html above JSON (JSON wins ties and wildcards)."""
    if "text/html" not in request.headers.get("accept", ""):
        return False
    best = request.accept.match("application/json", "text/html")
    return bool(best) and str(best) == "text/html"


@bp.get("/")
async def front_door(request: Request) -> HTTPResponse:
    if not wants_html(request):
        raise FissionError(ErrorCode.NOT_FOUND, "不存在")
    s = request.app.ctx.settings
    return render("front.html", {"links": LINKS, "public_url": s.server.public_url, "timezone": s.campaign.timezone,
                                 "launch_date": s.campaign.launch_date.isoformat()})
