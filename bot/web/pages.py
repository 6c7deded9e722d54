"""Server-rendered pages, one engine for all of them: the Jinja2 environment (autoescape on, so every
user string is text), the Content-Security-Policy builder, the headers every page answers with, and
the OAuth login redirect. Features render through here; templates live in web/templates/.

Content-Security-Policy (`content_security_policy`): `default-src 'none'`; scripts and styles only
from our own origin (no inline code, so no nonce is needed); `connect-src 'self'` for the API calls;
`form-action 'self'`, `base-uri 'none'`, `frame-ancestors 'none'`. Images from our origin and
`data:`, plus (`remote_images`, the H5 pages) any https origin (WeChat's avatar CDN, goods
thumbnails) and, for plain-http image URLs, exactly the origins of the images on the page. WeChat's
JS-SDK origin (`https://res.wx.qq.com`) is allowed in `script-src` only for a page rendered for
WeChat's browser (`in_wechat`: User-Agent `MicroMessenger`); anywhere else a page never loads a
third-party script.

Filters: `clock` is here; a feature adds its own with `add_filters` when it is imported (the money
filter `yuan` comes from models.money through the features: bot/ imports no feature model).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Request, html, redirect
from sanic.response import HTTPResponse

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
WX_SDK_ORIGIN = "https://res.wx.qq.com"
WX_SDK_URL = f"{WX_SDK_ORIGIN}/open/js/jweixin-1.6.0.js"
HTTP_ORIGIN = re.compile(r"^http://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def clock(seconds: int) -> str:
    """A countdown as HH:MM:SS (hours may exceed 24)."""
    minutes, s = divmod(max(0, int(seconds)), 60)
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


@lru_cache(maxsize=1)
def templates() -> Environment:
    """THE Jinja2 environment of every page."""
    env = Environment(loader=FileSystemLoader(WEB_DIR / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(clock=clock)
    env.globals.update(asset_v=asset_version(), wx_sdk_url=WX_SDK_URL)
    return env


def add_filters(**filters: Callable[..., Any]) -> None:
    """Register template filters (at import, before any page renders); the same one twice is fine."""
    env = templates()
    for name, fn in filters.items():
        if env.filters.get(name, fn) is not fn:
            raise ValueError(f"template filter {name!r} is already something else")
        env.filters[name] = fn


@lru_cache(maxsize=1)
def asset_version() -> str:
    """A digest of the static files, appended to their URLs so a deploy busts phone caches."""
    digest = hashlib.sha256()
    for path in sorted(p for p in (WEB_DIR / "static").iterdir() if p.is_file()):  # fx.*, admin.*
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def in_wechat(request: Request) -> bool:
    return "MicroMessenger" in request.headers.get("user-agent", "")


def content_security_policy(wechat: bool = False, image_urls: Iterable[str] = (), *,
                            remote_images: bool = True) -> str:
    """The CSP described in the module docstring, for a page showing `image_urls`."""
    http_origins = set()
    for url in image_urls if remote_images else ():
        parts = urlsplit(url) if url.startswith("http://") else None
        origin = f"http://{parts.netloc}" if parts else ""
        if origin and HTTP_ORIGIN.match(origin):
            http_origins.add(origin)
    scripts = " ".join(["'self'", WX_SDK_ORIGIN] if wechat else ["'self'"])
    images = " ".join(["'self'", "data:", *(["https:", *sorted(http_origins)] if remote_images else [])])
    return (f"default-src 'none'; script-src {scripts}; style-src 'self'; img-src {images}; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def page_headers(csp: str) -> dict[str, str]:
    """The headers of every page: its CSP, no sniffing, no framing, no caching, same-origin referrers."""
    return {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
            "Cache-Control": "no-store", "X-Frame-Options": "DENY"}


def render(template: str, context: dict[str, Any], *, csp: str | None = None, status: int = 200) -> HTTPResponse:
    """`template` filled with `context`, answered with `page_headers` (default CSP: no WeChat SDK,
    no plain-http images)."""
    body = templates().get_template(template).render(**context)
    return html(body, status=status, headers=page_headers(csp or content_security_policy()))


def login_redirect(request: Request, *, keep_query: bool = False) -> HTTPResponse:
    """Through WeChat OAuth and back to this very page (with its query string when `keep_query`)."""
    target = request.path + (f"?{request.query_string}" if keep_query and request.query_string else "")
    return redirect("/oauth/login?" + urlencode({"next": target}))
