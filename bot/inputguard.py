"""Inputs that cannot name anything, or cannot be stored, refused at the edge before any query.

Found by fuzzing the OpenAPI document (tests/test_docs_fuzz.py), each used to end in a 500:
- an integer path id outside signed 64 bits (`/api/packets/14506676821646773573386240`): the
  database driver refuses the parameter → now 404, as no row can have that id;
- a share token longer than the tokens we issue (43 characters): tortoise refuses the filter value
  for the column → now 404, as no packet or coupon can have it;
- a NUL character in the query string or a JSON string: PostgreSQL cannot store it in text → now 400.
"""

from __future__ import annotations

import json
from typing import Any

from sanic import Request, html
from sanic.response import HTTPResponse

from bot.errors import MESSAGES, ErrorCode

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
TOKEN_MAX_CHARS = 43  # secrets.token_urlsafe(24) is 32; the share_token columns hold 43
PAGE_PREFIXES = ("/p/", "/me", "/pay/", "/c/", "/assets/")  # H5 pages answer HTML; everything else JSON


def _impossible_param(request: Request) -> bool:
    for name, value in (request.match_info or {}).items():
        if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            return True
        if name == "token" and isinstance(value, str) and len(value) > TOKEN_MAX_CHARS:
            return True
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _nul_in_input(request: Request) -> bool:
    if "%00" in request.query_string:
        return True
    body = request.body or b""  # a raw NUL is no JSON or XML: the route's own parser refuses it
    if b"\\u0000" not in body:
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False


def _refuse(request: Request, code: ErrorCode, status: int) -> HTTPResponse:
    if request.path.startswith(PAGE_PREFIXES):
        text = MESSAGES[code]
        return html(f"<!doctype html><meta charset=utf-8><title>{text}</title><p>{text}</p>", status=status)
    return HTTPResponse(json.dumps({"error": str(code), "message": MESSAGES[code]}, ensure_ascii=False),
                        status=status, content_type="application/json")


def refusal(request: Request) -> HTTPResponse | None:
    """The 404 / 400 answer to an input that cannot name anything or cannot be stored, else None
    (run by bot/edge.py's request middleware, after the body is read)."""
    if request.match_info and _impossible_param(request):
        return _refuse(request, ErrorCode.NOT_FOUND, 404)
    if _nul_in_input(request):
        return _refuse(request, ErrorCode.INVALID_BODY, 400)
    return None
