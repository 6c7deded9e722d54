"""The OpenAPI document (sanic-ext) at /docs/openapi.json, browsable at /docs (Swagger UI, served from
the swagger-ui-bundle package: no CDN).

Every route is described here, in one table keyed by route name (the routes' modules stay free of
documentation plumbing): summary, request body schema, query parameters, responses including the
`{"error", "message"}` shape of every 4xx. Path parameters come from the routes themselves. A route
missing from the table is still listed (sanic-ext documents every route) with its docstring.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

from sanic import Sanic
from sanic_ext.config import PRIORITY
from sanic_ext.extensions.openapi.builders import OperationBuilder, OperationStore, SpecificationBuilder
from sanic_ext.extensions.openapi.definitions import Parameter
from swagger_ui_bundle import swagger_ui_path

from bot.web.docs_routes import ROUTES, Doc
from bot.web.docs_schemas import COMPONENTS

JSON = "application/json"
SWAGGER_HTML = Path(__file__).resolve().parents[2] / "web" / "docs" / "swagger.html"
ERROR_TEXT = {400: "Malformed request (invalid_body, bad_state, oauth_failed…)", 401: "Not signed in / bad token or "
              "signature", 403: "Refused", 404: "Not found", 409: "Conflict with the current state",
              410: "Gone (expired, split out, invalid)", 413: "Body too large", 429: "Limit reached (daily "
              "limits, frequency, rate limit with Retry-After)", 503: "Busy or a dependency is down"}
SECURITY: dict[str, tuple[str, dict[str, Any]]] = {
    "session": ("apiKey", {"location": "cookie", "name": "fx_session",
                           "description": "Signed session cookie set by /oauth/callback"}),
    "admin": ("http", {"scheme": "bearer", "description": "Authorization: Bearer {admin.token}"}),
    "signature": ("apiKey", {"location": "header", "name": "X-Fission-Signature",
                             "description": "sha256=HEX, HMAC-SHA256 of the raw body"})}


def _error_content(content_type: str) -> dict[str, Any]:
    if content_type == JSON:
        return {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {content_type: {"schema": {"type": "string"}}}


def operation_of(doc: Doc, str_params: bool = False) -> OperationBuilder:
    """A fresh sanic-ext operation from a Doc (fresh, so building twice never duplicates). A route
    with a string path parameter may answer 400 (a control character in it, bot/web/inputguard.py)."""
    if str_params and 400 not in doc.errors:
        doc = dataclasses.replace(doc, errors=tuple(sorted((*doc.errors, 400))))
    op = OperationBuilder()
    op.describe(summary=doc.summary, description=doc.description)  # an empty one is left out
    if doc.body is not None:
        op.body({t: {"schema": doc.body} for t in doc.body_types}, required=doc.body_required)
    for name, schema, required in doc.query:
        # a raw JSON-schema dict: sanic-ext writes it into the document as it is
        op.parameters.append(Parameter(name, schema, "query", required=required or None))  # type: ignore[arg-type]
    for name, schema in doc.headers.items():
        op.parameters.append(Parameter(name, schema, "header", required=False))  # type: ignore[arg-type]
    for status, content in doc.ok.items():
        media = {ctype: {"schema": schema} for ctype, schema in content.items() if schema is not None}
        op.response(status, media or None, "OK" if status < 300 else "Redirect or not modified")
    for status in doc.errors:
        op.response(status, _error_content(doc.error_type), ERROR_TEXT.get(status, "Error"))
    if doc.auth:
        op.secured(doc.auth)
    op.disable_autodoc()
    return op


DESCRIPTION = ("WeChat red-packet growth service: the wire contract of API.md. Money is in fen, times are "
               "ISO-8601 UTC. Errors of /api/* and /admin/api/* are {\"error\", \"message\"}.")


def _describe_spec() -> None:
    spec = SpecificationBuilder()
    spec.raw({"components": {"schemas": COMPONENTS}})
    for name, (kind, kw) in SECURITY.items():
        spec.add_security_scheme(name, kind, **kw)


def install(app: Sanic) -> None:
    """Enable sanic-ext's OpenAPI (UI at /docs, document at /docs/openapi.json) and attach the
    table's descriptions to the registered routes. Call after every blueprint is registered."""
    app.config.OAS = True
    app.config.OAS_URL_PREFIX = "/docs"
    app.config.OAS_URI_TO_JSON = "/openapi.json"
    app.config.OAS_UI_DEFAULT = "swagger"  # served from our own files: no CDN, works offline
    app.config.OAS_UI_REDOC = False
    app.config.OAS_UI_SWAGGER_HTML_TITLE = "Fission API"
    app.config.OAS_PATH_TO_SWAGGER_HTML = str(SWAGGER_HTML)
    app.static("/docs/ui", str(swagger_ui_path), name="docs_ui")
    app.config.OAS_AUTODOC = True
    app.config.API_TITLE, app.config.API_VERSION, app.config.API_DESCRIPTION = "Fission", "1.0.0", DESCRIPTION
    _describe_spec()
    store = OperationStore()
    prefix = app.name + "."
    for route in app.router.routes:
        doc = ROUTES.get(route.name.removeprefix(prefix))
        if doc is not None:
            store[route.handler] = operation_of(doc, ":str>" in route.path)
    app.before_server_start(own_operation_ids, priority=PRIORITY - 1)  # after sanic-ext's build_spec


def own_operation_ids(app: Sanic) -> None:
    """After sanic-ext has built the document (in every worker): a route answering several methods
    (PUT and PATCH) shares one operation object between them, so both carried the id of whichever
    method a set happened to list last — duplicated, and different from one start to the next.
    Each method gets its own copy with its own `{method}~{route}` id."""
    for operations in SpecificationBuilder()._paths.values():
        seen: set[int] = set()
        for method, op in list(operations.items()):
            if isinstance(op, dict):
                continue
            if id(op) in seen:
                op = operations[method] = copy.copy(op)
                op._default = dict(op._default)
            seen.add(id(op))
            name = op._default.get("operationId", "").partition("~")[2]
            if name:
                op._default["operationId"] = f"{method}~{name}"


def undocumented(app: Sanic) -> list[str]:
    """Route names the table does not describe (tests keep this empty, docs routes aside)."""
    prefix = app.name + "."
    names = {r.name.removeprefix(prefix) for r in app.router.routes if r.methods - {"HEAD", "OPTIONS"}}
    return sorted(n for n in names if n not in ROUTES and not n.startswith(("openapi.", "pages.static", "docs_ui")))
