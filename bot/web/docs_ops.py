"""OpenAPI entries of the operator features: the front door, the audit log, CSV exports and
subscribe-message consent (merged into bot/docs_routes.ROUTES)."""

from __future__ import annotations

from bot.web.docs_routes import ADMIN, HTML, JSON, LIMIT, USER, Doc, j
from bot.web.docs_schemas import STR, TIME, arr, enum, null, obj, ref

AUDIT_ENTRY = obj({"id": {"type": "integer"}, "at": TIME, "actor": STR, "role": STR, "channel": STR, "ip": STR,
                   "action": STR, "target": STR, "before": {}, "after": {}, "request_id": STR})
DAY = {"type": "string", "format": "date"}
SUBSCRIPTION = obj({"kind": STR, "template_id": STR, "status": null(enum("accept", "reject"))})
CSV = "text/csv"
KINDS = ("packets", "helps", "ledger", "draws", "coupons", "audit")
EXPORT_QUERY = (("from", DAY, False), ("to", DAY, False), ("actor", STR, False), ("action", STR, False))
CONSENT_BODY = obj({}, {"templates": {"type": "object", "additionalProperties": enum("accept", "reject")},
                        "subscribeDetails": STR})

OPS_ROUTES: dict[str, Doc] = {
    "front.front_door": Doc("The front door: an HTML page for browsers; JSON clients get 404",
                            {200: {HTML: {"type": "string"}}}, errors=(404,)),
    "audit_admin.list_audit": Doc("The audit log, newest first: every admin change with who, role, when, what, "
                                  "before and after, from which IP", {200: j(obj({"entries": arr(AUDIT_ENTRY)}))},
                                  errors=(400, 401), query=(("actor", STR, False), ("action", STR, False),
                                                            ("from", DAY, False), ("to", DAY, False),
                                                            ("limit", LIMIT, False)), **ADMIN),
    "exports.export_api": Doc("CSV export (UTF-8 with BOM, streamed) of packets, helps, ledger, draws, coupons or "
                              "audit created on days from..to in the campaign's timezone (default today); audit "
                              "also takes actor and action", {200: {CSV: STR}}, errors=(400, 401, 404),
                              query=EXPORT_QUERY, **ADMIN),
    "exports.export_page": Doc("The admin page's CSV download (the page's cookie), kind as a query parameter",
                               {200: {CSV: STR}}, errors=(400, 401, 404),
                               query=(("kind", enum(*KINDS), True), *EXPORT_QUERY)),
    "admin_login.wecom_login": Doc("Admin sign-in through WeCom: 302 to the WeCom app's OAuth2 authorize page",
                                   {302: {}}, errors=(400, 429)),
    "admin_login.wecom_callback": Doc("WeCom's redirect back: a listed admin is signed in (a page that moves on "
                                      "to /admin); 400 bad state, 403 not an admin, 503 WeCom unreachable (pages; "
                                      "a malformed query is refused as JSON at the edge)",
                                      {200: {HTML: STR}, 400: {HTML: STR, JSON: ref("Error")}, 403: {HTML: STR},
                                       503: {HTML: STR}}, errors=(429,),
                                      query=(("code", STR, False), ("state", STR, False))),
    "subscriptions.list_mine": Doc("The campaign's subscribe-message templates and my word on each",
                                   {200: j(obj({"templates": arr(SUBSCRIPTION)}))}, errors=(401,), **USER),
    "subscriptions.record_mine": Doc("Record the page's wx-open-subscribe result (订阅通知 consent)",
                                     {200: j(obj({"templates": arr(SUBSCRIPTION)}))}, errors=(400, 401),
                                     body=CONSENT_BODY, **USER),
}
