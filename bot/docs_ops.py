"""OpenAPI entries of the operator features: the front door, the audit log, CSV exports and
subscribe-message consent (merged into bot/docs_routes.ROUTES)."""

from __future__ import annotations

from bot.docs_routes import HTML, Doc

OPS_ROUTES: dict[str, Doc] = {
    "front.front_door": Doc("The front door: an HTML page for browsers; JSON clients get 404",
                            {200: {HTML: {"type": "string"}}}, errors=(404,)),
}
