"""Inputs that cannot name anything, or cannot be stored, refused at the edge before any query.

Found by fuzzing the OpenAPI document (tests/test_docs_fuzz.py), each used to end in a 500:
- an integer path id outside signed 64 bits (`/api/packets/14506676821646773573386240`): the
  database driver refuses the parameter → now 404, as no row can have that id;
- a share token longer than the tokens we issue (43 characters): tortoise refuses the filter value
  for the column → now 404, as no packet or coupon can have it;
- a NUL character in the query string or a JSON string: PostgreSQL cannot store it in text → now 400.

Found by fuzzing every body route with hostile bodies (tests/test_hostile_input.py):
- a path parameter holding a control character once percent-decoded (`/api/payments/%00/offer`):
  one rule for every string parameter of every route → 400, before any handler or batch sees it;
- JSON nested deeper than `MAX_JSON_DEPTH` (a thousand `[` made this guard's own parse raise
  RecursionError → 500) → 400, judged without recursion;
- a lone UTF-16 surrogate (`"\\ud800"`) in a JSON string: no database or JSON encoder can write it
  back as UTF-8 → 400, like a NUL.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any
from urllib.parse import unquote

from sanic import Request, html
from sanic.response import HTTPResponse

from bot.errors import MESSAGES, ErrorCode
from bot.web.policy import policy_of

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
TOKEN_MAX_CHARS = 43  # secrets.token_urlsafe(24) is 32; the share_token columns hold 43
MAX_JSON_DEPTH = 64  # no body we accept nests deeper than a handful of levels
UNSTORABLE_CATEGORIES = ("Cc", "Cs")  # control characters (NUL, CR, LF, DEL, C1) and lone surrogates


def _impossible_param(request: Request) -> bool:
    for name, value in (request.match_info or {}).items():
        if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            return True
        if name == "token" and isinstance(value, str) and len(value) > TOKEN_MAX_CHARS:
            return True
    return False


def _unstorable(text: str) -> bool:
    """A character no identifier of ours may hold: a control character or a lone surrogate."""
    return any(unicodedata.category(ch) in UNSTORABLE_CATEGORIES for ch in text)


def _bad_path_param(request: Request) -> bool:
    """One rule for every string path parameter: decoded as the handlers decode it, no control character."""
    return any(isinstance(v, str) and _unstorable(unquote(v)) for v in (request.match_info or {}).values())


def _json_refused(value: Any) -> bool:
    """Walk parsed JSON without recursion: too deep, or a string (key or value) with NUL or a lone surrogate."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if "\x00" in node or any("\ud800" <= ch <= "\udfff" for ch in node):
                return True
        elif isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            items = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((v, depth + 1) for v in items)
    return False


def _may_be_refused(body: bytes) -> bool:
    """Cheap pre-check, so that ordinary bodies are not parsed twice: an escape (NUL, surrogate)
    or more brackets than the depth limit."""
    return b"\\u" in body or body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH


def _bad_input(request: Request) -> bool:
    if "%00" in request.query_string:
        return True
    body = request.body or b""  # a raw NUL is no JSON or XML: the route's own parser refuses it
    if not _may_be_refused(body):
        return False
    try:
        parsed = json.loads(body)
    except RecursionError:
        return True
    except ValueError:  # not JSON: the route's own parser answers for it
        return False
    return _json_refused(parsed)


def _refuse(request: Request, code: ErrorCode, status: int) -> HTTPResponse:
    if policy_of(request).page:  # H5 pages (`ctx_page=True`) answer HTML; everything else JSON
        text = MESSAGES[code]
        return html(f"<!doctype html><meta charset=utf-8><title>{text}</title><p>{text}</p>", status=status)
    return HTTPResponse(json.dumps({"error": str(code), "message": MESSAGES[code]}, ensure_ascii=False),
                        status=status, content_type="application/json")


def refusal(request: Request) -> HTTPResponse | None:
    """The 400 / 404 answer to an input that cannot name anything or cannot be stored, else None
    (run by bot/web/edge.py's request middleware, after the body is read)."""
    if request.match_info:
        if _bad_path_param(request):
            return _refuse(request, ErrorCode.INVALID_BODY, 400)
        if _impossible_param(request):
            return _refuse(request, ErrorCode.NOT_FOUND, 404)
    if _bad_input(request):
        return _refuse(request, ErrorCode.INVALID_BODY, 400)
    return None
