"""The OpenAPI table: one `Doc` per route name (bot/web/docs.py turns it into the document)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TypedDict

from bot.web.docs_schemas import ACTIVITY_TYPE, BOOL, INT, NUM, STR, TIME, Schema, arr, enum, null, obj, ref

JSON, HTML, TEXT, XML, PNG = "application/json", "text/html", "text/plain", "application/xml", "image/png"
FORM = "application/x-www-form-urlencoded"
Content = dict[str, Schema | None]  # content type -> schema (None: no body)


@dataclass(frozen=True)
class Doc:
    """What one route accepts and answers. `ok`: status -> content; `errors`: statuses answered with
    the error shape (`error_type` JSON: {"error", "message"})."""

    summary: str
    ok: dict[int, Content]
    errors: tuple[int, ...] = ()
    body: Schema | None = None
    body_types: tuple[str, ...] = (JSON,)
    body_required: bool = True
    query: tuple[tuple[str, Schema, bool], ...] = ()
    auth: str | None = None
    description: str = ""
    error_type: str = JSON
    headers: dict[str, Schema] = field(default_factory=dict)




def j(schema: Schema) -> Content:
    return {JSON: schema}


def page(summary: str, *, auth: bool = True, status: tuple[int, ...] = (200,)) -> Doc:
    """An HTML page; without a session it redirects through OAuth (302)."""
    ok: dict[int, Content] = {s: {HTML: STR} for s in status}
    if auth:
        ok[302] = {}
    return Doc(summary, ok, errors=(404,), error_type=HTML)


class Auth(TypedDict):
    """`**USER` / `**ADMIN` in a Doc(...): typed, so the checker knows they only fill `auth`."""

    auth: str


USER: Auth = {"auth": "session"}
ADMIN: Auth = {"auth": "admin"}
LIMIT: Schema = {**INT, "minimum": 0}
PACKET_ERRORS = (401, 404, 410)
CALLBACK_QUERY = (("signature", STR, False), ("timestamp", STR, False), ("nonce", STR, False),
                  ("echostr", STR, False), ("msg_signature", STR, False), ("encrypt_type", enum("aes", "raw"), False))
STATS = obj({"funnel": obj({"issued": INT, "shared": INT, "helped": INT, "split_out": INT}), "helps": INT,
             "budget": obj({"day": STR, "spent_today": INT, "spent_total": INT}),
             "outbox": obj({"pending": INT, "dead": INT}), "blacklisted": INT, "at": TIME})
OFFER = obj({"kind": enum("pending", "lottery", "coupon", "none")},
            {"activity_id": null(INT), "chances": INT, "templates": arr(ref("CouponTemplate"))})
NOTIFIED = obj({"status": enum("ok", "kept"), "order_no": STR, "duplicate": BOOL})
NOTIFY_TEXT = ("Package/Request with OrderNo, PayId, BankTradeDate, PayAmount (yuan), PayResult (2 = success), "
               "ErrCode and optionally UserCode/ProductCode. status kept: the order is not registered yet (the "
               "notification applies when it is). 403 outside payments.allow_from; 409 UserCode/ProductCode "
               "contradict the registered order.")
DRAW = obj({"prize": null(obj({"id": INT, "name": STR, "kind": STR})), "chances": INT})
FULFILMENT = enum("pending", "shipped", "delivered", "granted", "cancelled")
WALLET_MOVE = obj({"order_no": STR, "amount_fen": INT, "kind": STR, "duplicate": BOOL, "balance": INT})
CAMPAIGN = obj({"paused": BOOL, "reason": STR, "budget": obj({"daily_fen": INT, "total_fen": INT, "spent_today": INT,
                                                              "spent_total": INT})}, {"settings_version": INT})
RANGE = arr(INT, minItems=2, maxItems=2)
LIVE_REDPACKET = {"leverage": INT, "min_amount": INT, "max_amount": INT, "max_ratio": NUM, "ttl_seconds": INT,
                  "daily_help_limit": INT, "daily_same_owner_limit": INT, "old_user_range": RANGE,
                  "new_user_range": RANGE}
LIVE_CAMPAIGN = {"daily_budget_fen": INT, "total_budget_fen": INT}
LIVE_VERSION = obj({"version": INT, "author": STR, "note": STR, "created_at": null(TIME),
                    "redpacket": obj(LIVE_REDPACKET), "campaign": obj(LIVE_CAMPAIGN), "paused": BOOL,
                    "pause_reason": STR})
LIVE_CHANGE = obj({}, {"redpacket": obj({}, LIVE_REDPACKET), "campaign": obj({}, LIVE_CAMPAIGN), "paused": BOOL,
                       "pause_reason": STR, "note": STR, "from_version": INT})
BLACKLISTED = obj({"openid": STR, "blacklisted": BOOL}, {"added": BOOL, "removed": BOOL})

ROUTES: dict[str, Doc] = {
    # ---- health and operations ----
    "healthz": Doc("Alive", {200: j(obj({"status": enum("ok")}))}),
    "readyz": Doc("Ready: database, Redis and (when configured) RabbitMQ answer",
                   {200: j(obj({"status": enum("ok")}, {"settings_version": null(INT)}))}, errors=(503,),
                   description="`settings_version`: the live-settings version this process decides with."),
    "metrics.scrape": Doc("Prometheus metrics of every worker", {200: {TEXT: STR}}, errors=(401,),
                          description="With `server.internal_token` set: `Authorization: Bearer <it>`, else 401."),
    # ---- OAuth ----
    "oauth.login": Doc("Start WeChat OAuth (302 to the authorize page, state bound to the browser)",
                        {302: {}}, errors=(400, 429), query=(("next", STR, False),)),
    "oauth.callback": Doc("OAuth return: exchange the code, set the session cookie, 302 to next",
                           {302: {}}, errors=(400, 429), query=(("code", STR, False), ("state", STR, False))),
    "session.logout": Doc("Sign out on every device: the user's session epoch is bumped, this cookie cleared",
                          {200: j(obj({"logged_out": BOOL}))}, errors=(503,), auth="session",
                          description="Without a session: 200 `{\"logged_out\": false}`, the cookie cleared."),
    # ---- WeChat / WeCom callbacks ----
    "wechat_callbacks.mp_verify": Doc("Official Account server URL check (echostr back)", {200: {TEXT: STR}},
                                       errors=(400, 403, 429), query=CALLBACK_QUERY),
    "wechat_callbacks.mp_message": Doc(
        "Official Account message/event (XML; safe mode encrypted)", {200: {XML: STR, TEXT: STR}},
        errors=(400, 403, 413, 429), query=CALLBACK_QUERY, body=STR, body_types=(XML,),
        description="Replies with passive-reply XML or the literal `success` (text/plain)."),
    "wechat_callbacks.work_verify": Doc("WeCom server URL check (decrypted echostr)", {200: {TEXT: STR}},
                                         errors=(400, 403, 404, 429), query=CALLBACK_QUERY),
    "wechat_callbacks.work_message": Doc("WeCom message (encrypted XML): admin commands stats/block/unblock",
                                          {200: {XML: STR, TEXT: STR}}, errors=(400, 403, 404, 413, 429),
                                          query=CALLBACK_QUERY, body=STR, body_types=(XML,)),
    # ---- orders and red packets ----
    "orders.order_events": Doc("Order event (confirmed / refunded) from the order system",
                                {200: j(obj({"packet": null(ref("Packet")), "duplicate": BOOL}))},
                                errors=(400, 401, 413, 503), body=ref("OrderEventIn"), auth="signature",
                                description="503 campaign_paused: a `confirmed` while the campaign is paused "
                                            "(retry later; refunds are always taken)."),
    "redpacket.list_packets": Doc("My red packets", {200: j(obj({"packets": arr(ref("Packet"))}))}, errors=(401,),
                                   **USER),
    "redpacket.packet_detail": Doc("One of my packets with every help", {200: j(ref("PacketDetail"))},
                                    errors=(401, 404), **USER),
    "redpacket.wallet": Doc("My balance and ledger entries (fen)", {200: j(obj(
        {"balance": INT, "spendable": INT, "owed": INT,
         "entries": arr(obj({"amount": INT, "kind": STR, "packet_id": null(INT), "order_no": null(STR),
                             "time": null(TIME)}))}))}, errors=(401,), **USER,
        description="`balance` is signed: a refund's reversal can take it below zero; `spendable` = "
                    "max(balance, 0), `owed` = max(-balance, 0)."),
    "wallet.debit_route": Doc("Spend store credit at checkout (idempotent per order_no)", {200: j(WALLET_MOVE)},
                               errors=(400, 401, 409, 413), body=obj({"openid": STR, "order_no": STR,
                                                                      "amount_fen": INT}), auth="signature",
                               description="409 insufficient_balance (never below zero), 409 conflict "
                                           "(same order_no, other openid or amount)."),
    "wallet.reverse_route": Doc("Give a checkout's debit back (order cancelled; idempotent)", {200: j(WALLET_MOVE)},
                                 errors=(401, 404, 413), body=STR, body_required=False, auth="signature"),
    "redpacket.reminders": Doc("Reminders for my page", {200: j(obj({"reminders": arr(obj(
        {"kind": STR, "text": STR}))}))}, errors=(401,), **USER),
    "share.share": Doc("Share my packet: token, help link, poster", {200: j(ref("ShareLinks"))},
                        errors=PACKET_ERRORS, **USER),
    "share.share_view": Doc("A shared packet as a friend sees it (session optional)", {200: j(ref("ShareView"))},
                             errors=(404,)),
    "share.help_split": Doc("Help split a friend's packet", {200: j(ref("HelpResult"))},
                             errors=(401, 403, 404, 409, 410, 429, 503), **USER,
                             description="Refusals: 403 self_help, 409 already_helped, 429 daily_limit | "
                                         "daily_same_owner_limit, 410 expired | split_out | invalid | "
                                         "budget_exhausted, 404 not_found, 503 campaign_paused."),
    "poster.poster_png": Doc("The packet's share poster", {200: {PNG: {"type": "string", "format": "binary"}},
                                                           304: {}}, errors=(404, 429),
                              headers={"If-None-Match": STR},
                              description="A request the cache cannot answer is counted per client IP (429)."),
    "wechat_jssdk.share_qrcode": Doc("The packet's parametric QR code ticket", {200: j(obj(
        {"ticket": STR, "url": STR, "image_url": STR, "expire_seconds": INT}))}, errors=(404, 410, 503)),
    "wechat_jssdk.jssdk_config": Doc("JS-SDK config signed for one of our page URLs", {200: j(obj(
        {"appId": STR, "timestamp": INT, "nonceStr": STR, "signature": STR}))}, errors=(400, 503),
        query=(("url", STR, True),)),
    # ---- payments, lottery, coupons ----
    "payments.notify": Doc("Payment notification (signed; the gateway's URL-encoded or plain XML; idempotent "
                           "per OrderNo)", {200: j(NOTIFIED)}, errors=(400, 401, 403, 409, 413), body=STR,
                           body_types=(FORM, XML, TEXT), auth="signature", description=NOTIFY_TEXT),
    "payments.notify_token": Doc("Payment notification for gateways that cannot sign (secret path token)",
                                 {200: j(NOTIFIED)}, errors=(400, 401, 403, 404, 409, 413), body=STR,
                                 body_types=(FORM, XML, TEXT), description=NOTIFY_TEXT + " 404 while "
                                 "payments.notify_token is empty; 401 for a wrong token."),
    "payment_orders.register_order": Doc("Register a payment order before payment (signed; idempotent)", {
        200: j(ref("PaymentOrder")), 201: j(ref("PaymentOrder"))}, errors=(400, 401, 409),
        body=ref("PaymentOrderIn"), auth="signature",
        description="201 registered; 200 the same body again; 409 conflict: the same order_no with other fields."),
    "payment_orders.refund": Doc("Refund a payment: revoke its unused chances and coupons (signed; idempotent)",
                                 {200: j(obj({"order_no": STR, "status": STR, "revoked_chances": INT,
                                              "revoked_coupons": INT}))}, errors=(400, 401, 404),
                                 body=obj({}), body_required=False, auth="signature"),
    "payments.offer": Doc("What my payment earned", {200: j(OFFER)}, errors=(401, 404), **USER),
    "payments.draw": Doc("Draw once with my payment's chances", {200: j(DRAW)},
                          errors=(401, 404, 409, 429, 503), **USER),
    "payments.claim": Doc("Claim the coupons my payment earned (idempotent)", {200: j(obj(
        {"coupons": arr(ref("Coupon")), "unavailable": arr(obj({"template_id": INT, "reason": STR}))}))},
        errors=(401, 404, 409, 429), **USER),
    "coupons.list_coupons": Doc("My coupons", {200: j(obj({"coupons": arr(ref("Coupon"))}))}, errors=(400, 401),
                                 query=(("status", enum("unused", "used", "expired"), False),), **USER),
    "coupons.list_prizes": Doc("My prizes", {200: j(obj({"prizes": arr(ref("UserPrize"))}))}, errors=(401,),
                                **USER),
    "coupons.share": Doc("Share my coupon with a friend", {200: j(obj({"share_token": STR, "share_url": STR}))},
                          errors=(401, 404, 409), **USER),
    "coupons.shared_view": Doc("A shared coupon and its giver", {200: j(obj(
        {"coupon": ref("Coupon"), "giver": obj({"nickname": STR, "avatar": STR})}))}, errors=(404, 409)),
    "coupons.claim": Doc("Claim a shared coupon", {200: j(obj({"coupon": ref("Coupon")}))},
                          errors=(401, 403, 404, 409), **USER),
    "coupons.redeem_route": Doc("Redeem the holder's coupon for a merchant order (idempotent per ref)", {200: j(obj(
        {"coupon": ref("Coupon"), "duplicate": BOOL, "pay_amount": null(INT)}))}, errors=(400, 401, 404, 409),
        body=obj({"ref": STR, "openid": STR}, {"price": INT}), **ADMIN),
    # ---- admin ----
    "admin.add_blacklist": Doc("Blacklist an openid", {200: j(BLACKLISTED), 201: j(BLACKLISTED)},
                                errors=(400, 401), body=obj({"openid": STR}, {"reason": STR}), **ADMIN),
    "admin.remove_blacklist": Doc("Remove an openid from the blacklist", {200: j(BLACKLISTED)}, errors=(400, 401),
                                   **ADMIN),
    "admin.list_blacklist": Doc("Blacklist, newest first", {200: j(obj({"total": INT, "entries": arr(obj(
        {"openid": STR, "reason": STR, "created_at": null(TIME)}))}))}, errors=(400, 401),
        query=(("limit", LIMIT, False), ("offset", LIMIT, False)), **ADMIN),
    "admin.stats": Doc("Funnel, budget and outbox figures", {200: j(STATS)}, errors=(401,), **ADMIN),
    "campaign_admin.read": Doc("Hard budgets, spent against them, pause state", {200: j(CAMPAIGN)}, errors=(401,),
                                **ADMIN),
    "campaign_admin.pause": Doc("Pause the campaign: new packets, helps and draws answer 503 campaign_paused",
                                 {200: j(CAMPAIGN)}, errors=(400, 401), body=obj({}, {"reason": STR}),
                                 body_required=False, **ADMIN),
    "campaign_admin.resume": Doc("Resume the campaign", {200: j(CAMPAIGN)}, errors=(400, 401), **ADMIN),
    "campaign_admin.read_settings": Doc("Live settings: the current version and the history, newest first",
                                        {200: j(obj({"current": LIVE_VERSION, "versions": arr(LIVE_VERSION)}))},
                                        errors=(401,), **ADMIN),
    "campaign_admin.update_settings": Doc(
        "Change live settings (owners): a new version, applied by every process within campaign.controls_cache_s",
        {200: j(LIVE_VERSION)}, errors=(400, 401, 403), body=LIVE_CHANGE, **ADMIN,
        description="Any part may be left out; `from_version` starts from that version's values (a rollback). "
                    "400 invalid_body lists every problem; nothing is written then."),
    "coupon_admin.create": Doc("Create a coupon template", {200: j(ref("CouponTemplate"))}, errors=(400, 401),
                                body=ref("CouponTemplateIn"), **ADMIN),
    "coupon_admin.list_templates": Doc("Coupon templates", {200: j(obj({"templates": arr(ref("CouponTemplate"))}))},
                                        errors=(401,), **ADMIN),
    "coupon_admin.read": Doc("One coupon template", {200: j(ref("CouponTemplate"))}, errors=(401, 404), **ADMIN),
    "coupon_admin.update": Doc("Change a coupon template", {200: j(ref("CouponTemplate"))}, errors=(400, 401, 404),
                                body=ref("CouponTemplatePatch"), **ADMIN),
    "coupon_admin.disable": Doc("Disable a coupon template", {200: j(ref("CouponTemplate"))}, errors=(401, 404),
                                 **ADMIN),
    "lottery_admin.create_activity": Doc("Create a lottery activity with its prizes", {200: j(ref("Activity"))},
                                          errors=(400, 401), body=ref("ActivityIn"), **ADMIN),
    "lottery_admin.list_activities": Doc("Lottery activities", {200: j(obj({"activities": arr(ref("Activity"))}))},
                                          errors=(400, 401), query=(("type", ACTIVITY_TYPE, False),), **ADMIN),
    "lottery_admin.list_activity_types": Doc("Activity types (活动类型)", {200: j(obj({"activity_types": arr(obj(
        {"code": ACTIVITY_TYPE, "name": STR}))}))}, errors=(401,), **ADMIN),
    "lottery_admin.read_activity": Doc("One lottery activity", {200: j(ref("Activity"))}, errors=(401, 404),
                                        **ADMIN),
    "lottery_admin.update_activity_route": Doc("Change an activity and its prize pool", {200: j(ref("Activity"))},
                                                errors=(400, 401, 404), body=ref("ActivityPatch"), **ADMIN),
    "lottery_admin.disable_activity": Doc("Disable an activity", {200: j(ref("Activity"))}, errors=(401, 404),
                                           **ADMIN),
    "lottery_admin.list_user_prizes": Doc("Won prizes", {200: j(obj({"prizes": arr(ref("UserPrize"))}))},
                                           errors=(400, 401), query=(("status", FULFILMENT, False),), **ADMIN),
    "lottery_admin.fulfil": Doc("Move a won prize along pending → shipped → delivered", {200: j(ref("UserPrize"))},
                                 errors=(400, 401, 404, 409), body=obj({"status": enum(
                                     "shipped", "delivered", "cancelled")}, {"note": STR}), **ADMIN),
    "payconfig_admin.create": Doc("Create a pay activity config", {200: j(ref("PayConfig"))}, errors=(400, 401),
                                   body=ref("PayConfigIn"), **ADMIN),
    "payconfig_admin.list_configs": Doc("Pay activity configs", {200: j(obj({"pay_configs": arr(ref("PayConfig"))}))},
                                         errors=(401,), **ADMIN),
    "payconfig_admin.read": Doc("One pay activity config", {200: j(ref("PayConfig"))}, errors=(401, 404), **ADMIN),
    "payconfig_admin.update": Doc("Change a pay activity config", {200: j(ref("PayConfig"))},
                                   errors=(400, 401, 404), body=ref("PayConfigPatch"), **ADMIN),
    "payconfig_admin.disable": Doc("Disable a pay activity config", {200: j(ref("PayConfig"))}, errors=(401, 404),
                                    **ADMIN),
    "outbox_admin.list_dead": Doc("Outbox dead letters, newest first", {200: j(obj({"dead": arr(obj(
        {"id": INT, "key": STR, "kind": STR, "attempts": INT, "last_error": STR, "created_at": null(TIME)}))}))},
        errors=(400, 401), query=(("limit", LIMIT, False),), **ADMIN),
    "outbox_admin.retry": Doc("Queue a dead letter again", {200: j(obj({"id": INT, "status": STR, "retried": BOOL}))},
                              errors=(401, 404, 409), **ADMIN),
    # ---- admin page (server-rendered; a signed cookie from the login form, CSRF token on every form) ----
    "admin_page.dashboard": Doc("Admin page: the login form, or the live campaign dashboard", {200: {HTML: STR}}),
    "admin_page.live": Doc("The dashboard's live fragment (refreshed in place)", {200: {HTML: STR}}, errors=(401,),
                           error_type=HTML),
    "admin_page.login": Doc("Sign in with the admin token (303 to /admin with the cookie set)", {303: {}},
                            errors=(401,), error_type=HTML, body=obj({"token": STR}), body_types=(FORM,)),
    "admin_page.logout": Doc("Sign out", {303: {}}, body=obj({}, {"csrf": STR}), body_types=(FORM,),
                             body_required=False),
    "admin_page.blacklist_add": Doc("Blacklist an openid from the page", {303: {}}, body_types=(FORM,),
                                    body=obj({}, {"openid": STR, "reason": STR, "csrf": STR}), body_required=False),
    "admin_page.blacklist_remove": Doc("Remove an openid from the page's blacklist", {303: {}}, body_types=(FORM,),
                                       body=obj({}, {"openid": STR, "csrf": STR}), body_required=False),
    "admin_page.settings_change": Doc("Change live settings from the page (owners; 303 back with a message)",
                                      {303: {}}, body_types=(FORM,), body=obj({}, {"csrf": STR, "note": STR}),
                                      body_required=False),
    "admin_page.outbox_retry": Doc("Retry a dead letter from the page", {303: {}}, errors=(404,),
                                   body=obj({}, {"csrf": STR}), body_types=(FORM,), body_required=False),
    # campaign forms (handlers/admin/campaign_page.py): 303 back to the page; pages for 400 (the form again
    # with its problems) and 403 (a viewer); 404 only for a path id that is no number
    **{name: Doc(summary, {303: {}, 400: {HTML: STR}, 403: {HTML: STR}}, errors=(404,) if "_create" not in name
                 and "campaign_" not in name else (), body_types=(FORM,), body_required=False,
                 body=obj({}, {"csrf": STR}))
       for name, summary in (
           ("admin_page.activity_create", "Create a lottery activity and its prizes from the page"),
           ("admin_page.activity_update", "Change a lottery activity and its prize pool from the page"),
           ("admin_page.activity_disable", "Disable a lottery activity from the page"),
           ("admin_page.template_create", "Create a coupon template from the page"),
           ("admin_page.template_update", "Change a coupon template from the page"),
           ("admin_page.template_disable", "Disable a coupon template from the page"),
           ("admin_page.config_create", "Create a pay activity config from the page"),
           ("admin_page.config_update", "Change a pay activity config from the page"),
           ("admin_page.config_disable", "Disable a pay activity config from the page"),
           ("admin_page.campaign_pause", "Pause the campaign from the page"),
           ("admin_page.campaign_resume", "Resume the campaign from the page"))},
    # ---- H5 pages ----
    "pages.help_page": page("Help page of a shared packet", status=(200, 404)),
    "pages.my_page": page("My packets page"),
    "lottery_pages.pay_page": page("Payment result page with its offer", status=(200, 404)),
    "lottery_pages.prizes_page": page("My prizes page"),
    "lottery_pages.coupons_page": page("My coupons page"),
    "lottery_pages.gift_page": page("A friend's shared coupon page", status=(200, 404, 409)),
    "lottery_pages.asset": Doc("Script or stylesheet of the lottery pages", {200: {"*/*": STR}}, errors=(404,),
                                error_type=HTML),
}

from bot.web.docs_ops import OPS_ROUTES  # noqa: E402 - the operator features' entries, kept in their own module

ROUTES.update(OPS_ROUTES)
# every admin API route is rate-limited per client IP and per admin token (bot/web/protection.py)
ROUTES = {name: replace(d, errors=tuple(sorted({*d.errors, 429}))) if d.auth == "admin" else d
          for name, d in ROUTES.items()}
