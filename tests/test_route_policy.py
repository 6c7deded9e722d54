"""Route policy declared at the route (bot/web/policy.py): every route keeps the body limit, rate
group, page answer and outcome metric it had when these lived in name-keyed tables; a write route
without a body limit stops the boot; a declaration is read whatever the handler is called."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sanic import Blueprint, Request, Sanic, json
from sanic_testing.reusable import ReusableClient

from bot.app import create_app
from bot.feature import Feature
from bot.web import edge, metrics, protection, session_epochs
from bot.web.policy import (
    ADMIN_API,
    KIB,
    SERVER_MAX_BODY,
    RoutePolicy,
    RoutePolicyError,
    route_defaults,
)
from main import FEATURES
from tests.support.config import make_settings
from tests.support.service import free_port

# The tables bot/web/protection.py, metrics.py and inputguard.py keyed by route name or path before
# the policy moved to the routes: what each route must still get.
CALLBACKS = ("wechat_callbacks.mp_message", "wechat_callbacks.mp_verify", "wechat_callbacks.work_message",
             "wechat_callbacks.work_verify")
FORMER_GROUPS = {
    "share.help_split": "help", "payments.draw": "draw", "payments.claim": "draw",
    "oauth.login": "oauth", "oauth.callback": "oauth", "admin_page.login": "oauth",
    "admin_login.wecom_login": "oauth", "admin_login.wecom_callback": "oauth",
    **dict.fromkeys(CALLBACKS, "callbacks"),
}
FORMER_SELF_COUNTED = ("share.help_split", "wechat_callbacks.mp_message", "wechat_callbacks.work_message")
FORMER_BODY_LIMITS = {
    **dict.fromkeys(CALLBACKS, 64 * KIB),
    "orders.order_events": 64 * KIB, "payments.notify": 64 * KIB, "payments.notify_token": 64 * KIB,
    "payment_orders.register_order": 4 * KIB, "payment_orders.refund": 4 * KIB,
    "share.help_split": 4 * KIB, "payments.draw": 4 * KIB, "payments.claim": 4 * KIB,
    "share.share": 4 * KIB, "coupons.claim": 4 * KIB, "coupons.share": 4 * KIB,
    "admin_page.login": 4 * KIB, "admin_page.blacklist_add": 4 * KIB, "admin_page.blacklist_remove": 4 * KIB,
    "admin_page.outbox_retry": 4 * KIB, "admin_page.logout": 4 * KIB,
    "admin_page.settings_change": 4 * KIB,  # added with live settings: a page form like its siblings
}
# routes added since, with the limits they declared
FORMER_BODY_LIMITS.update({  # the admin page's campaign forms (handlers/admin/campaign_page.py)
    # 64 KiB until the prizes' detail (奖品详情) joined the activity's form: 256 KiB
    "admin_page.activity_create": 256 * KIB, "admin_page.activity_update": 256 * KIB,
    **dict.fromkeys((f"admin_page.{what}_{verb}" for what in ("template", "config") for verb in ("create", "update")),
                    8 * KIB),
    **dict.fromkeys(("admin_page.activity_disable", "admin_page.template_disable", "admin_page.config_disable",
                     "admin_page.campaign_pause", "admin_page.campaign_resume"), 4 * KIB),
})
FORMER_PAGE_PREFIXES = ("/p/", "/me", "/pay/", "/c/", "/assets/")
FORMER_METRICS = {"share.help_split": "helps", "payments.draw": "draws"}


def _former(app: Sanic, route: Any) -> RoutePolicy:
    name, path = route.name.removeprefix(app.name + "."), "/" + route.path
    suffix = "_head" if route.methods == {"HEAD"} else "_options"
    if route.methods <= {"HEAD", "OPTIONS"} and name.endswith(suffix):
        base = name.removesuffix(suffix)
        # a HEAD or OPTIONS twin: its route's rate group, page answer and readiness (the tables gave
        # the /admin/api/ twins their group by path and the others none: a HEAD ran its GET unlimited)
        former = _former_of(app, base, path)
        return RoutePolicy(label=name, rate=former.rate, page=former.page, readiness=former.readiness)
    return _former_of(app, name, path)


def _former_of(app: Sanic, name: str, path: str) -> RoutePolicy:
    group = FORMER_GROUPS.get(name) or ("admin" if path.startswith("/admin/api/") else None)
    return RoutePolicy(label=name, body_limit=FORMER_BODY_LIMITS.get(name),
                       rate=None if name in FORMER_SELF_COUNTED else group,
                       # "/metrics" matched the "/me" prefix by accident: it is no page, and now says JSON
                       page=path.startswith(FORMER_PAGE_PREFIXES) and name != "metrics.scrape",
                       metric=FORMER_METRICS.get(name), readiness=name == "readyz")


def test_every_route_keeps_the_policy_it_had() -> None:
    app = create_app(make_settings(), FEATURES, name="rp" + uuid.uuid4().hex[:8])
    routes = list(app.router.routes)
    assert {*FORMER_GROUPS, *FORMER_BODY_LIMITS, *FORMER_METRICS} <= {r.ctx.policy.label for r in routes}
    changed = {r.ctx.policy.label: (r.ctx.policy, _former(app, r)) for r in routes
               if r.ctx.policy != _former(app, r)}
    assert not changed
    assert sum(r.ctx.policy.rate == "admin" for r in routes) >= 30  # the admin API, from blueprint defaults


def _bad_feature() -> Any:
    bp = Blueprint("careless" + uuid.uuid4().hex[:6], url_prefix="/api/careless")

    @bp.post("/upload")
    async def upload(request: Request) -> Any:
        return json({})

    @bp.delete("/<item:int>")
    async def remove(request: Request, item: int) -> Any:
        return json({})

    @bp.get("/list")
    async def listing(request: Request) -> Any:
        return json({})

    @bp.post("/fine", ctx_body_limit=4 * KIB)
    async def fine(request: Request) -> Any:
        return json({})

    return Feature("careless", blueprints=(bp,))


def test_boot_fails_naming_every_write_route_without_a_body_limit() -> None:
    feature = _bad_feature()
    bp = feature.blueprints[0]
    with pytest.raises(RoutePolicyError) as failed:
        create_app(make_settings(), (*FEATURES, feature), name="rp" + uuid.uuid4().hex[:8])
    message = str(failed.value)
    assert f"{bp.name}.upload POST /api/careless/upload: no body limit" in message
    assert f"{bp.name}.remove DELETE /api/careless/<item:int>: no body limit" in message
    assert "listing" not in message and ".fine" not in message  # a GET needs none; a declared one is fine
    assert message.count("no body limit") == 2  # and nothing else of the real app is missing one


def test_declaration_mistakes_are_named() -> None:
    app = Sanic("rp" + uuid.uuid4().hex[:8])

    @app.post("/typo", ctx_bodylimit=4 * KIB)
    async def typo(request: Request) -> Any:
        return json({})

    @app.get("/group", ctx_rate="helps")
    async def group(request: Request) -> Any:
        return json({})

    @app.post("/screened", ctx_body_limit=4 * KIB, ctx_screened=True)
    async def screened(request: Request) -> Any:
        return json({})

    @app.post("/odd", ctx_body_limit="4k", ctx_metric="clicks")
    async def odd(request: Request) -> Any:
        return json({})

    with pytest.raises(RoutePolicyError) as failed:
        protection.check_route_policy(app)
    message = str(failed.value)
    for expected in ("unknown policy ctx_bodylimit", ".typo POST /typo: no body limit", "ctx_rate 'helps' is no",
                     ".screened POST /screened: ctx_screened / ctx_admitted need the ctx_rate",
                     "ctx_body_limit must be a byte count, not '4k'", "ctx_metric 'clicks' is none of"):
        assert expected in message, expected


def test_blueprint_defaults_and_a_route_of_its_own() -> None:
    app = Sanic("rp" + uuid.uuid4().hex[:8])
    bp = route_defaults(Blueprint("backoffice", url_prefix="/admin/api/things"), **ADMIN_API)

    @bp.get("")
    async def things(request: Request) -> Any:
        return json({})

    @bp.post("")
    async def create(request: Request) -> Any:
        return json({})

    @bp.post("/ping", ctx_body_limit=4 * KIB)
    async def ping(request: Request) -> Any:
        return json({})

    app.blueprint(bp)
    other = Blueprint("plain")

    @other.post("/plain", ctx_body_limit=SERVER_MAX_BODY)
    async def plain(request: Request) -> Any:
        return json({})

    app.blueprint(other)
    protection.check_route_policy(app)
    got = {r.ctx.policy.label.removeprefix(app.name + "."): r.ctx.policy for r in app.router.routes}
    assert got["backoffice.things"] == RoutePolicy("backoffice.things", None, "admin")
    assert got["backoffice.create"] == RoutePolicy("backoffice.create", None, "admin")
    assert got["backoffice.ping"] == RoutePolicy("backoffice.ping", 4 * KIB, "admin")
    assert got["plain.plain"] == RoutePolicy("plain.plain", None, None)
    with pytest.raises(TypeError):
        route_defaults(Blueprint("x"), rate="admin")


@pytest.fixture
def served() -> Iterator[tuple[ReusableClient, Sanic]]:
    """A small in-process app with the real edge (body limits, input guard, request metrics)."""
    app = Sanic("rp" + uuid.uuid4().hex[:8])
    app.ctx.settings = make_settings()
    app.config.FALLBACK_ERROR_FORMAT = "json"
    edge.install(app)
    protection.install(app)
    bp = Blueprint("anything")

    @bp.post("/upload", ctx_body_limit=1 * KIB, name="called_whatever")
    async def upload(request: Request) -> Any:
        return json({"read": len(request.body)})

    @bp.post("/counted", ctx_body_limit=1 * KIB, ctx_metric="helps")
    async def counted(request: Request) -> Any:
        return json({})

    @bp.get("/page/<token:str>", ctx_page=True)
    async def page(request: Request, token: str) -> Any:
        return json({})

    @bp.get("/api/<token:str>")
    async def api(request: Request, token: str) -> Any:
        return json({})

    @bp.get("/ready", ctx_readiness=True)
    async def ready(request: Request) -> Any:
        return json({})

    app.blueprint(bp)
    protection.check_route_policy(app)

    @app.post("/late", ctx_body_limit=1 * KIB)  # added after the check: resolved on its first request
    async def late(request: Request) -> Any:
        return json({})

    client = ReusableClient(app, port=free_port())
    client.run()
    yield client, app
    client.stop()


def test_declared_policy_is_what_the_edge_applies(served: tuple[ReusableClient, Sanic]) -> None:
    client, app = served
    _, r = client.post("/upload", content=b"x" * 2048)
    assert r.status == 413  # the declared limit, not server.max_body_bytes, and whatever the name
    _, r = client.post("/upload", content=b"x" * 1000)
    assert r.status == 200 and r.json == {"read": 1000}
    _, r = client.post("/late", content=b"x" * 2048)
    assert r.status == 413
    _, r = client.get("/page/" + "a" * 50)  # a token longer than any we issue: 404
    assert r.status == 404 and r.headers["content-type"].startswith("text/html")
    _, r = client.get("/api/" + "a" * 50)
    assert r.status == 404 and r.headers["content-type"].startswith("application/json")
    m = metrics.metrics()
    before = m.child(m.helps, "accepted", "")._value.get()
    _, r = client.post("/counted", content=b"")
    assert r.status == 200
    assert m.child(m.helps, "accepted", "")._value.get() == before + 1
    _, r = client.get("/ready")
    assert r.status == 200
    app.ctx.draining = True  # SIGTERM received: the readiness route says so, the others still answer
    _, r = client.get("/ready")
    assert r.status == 503
    _, r = client.get("/api/token")
    assert r.status == 200


# Routes that never read a phone's session: signed webhooks, WeChat's callbacks, probes, /metrics.
SESSIONLESS = {"healthz", "readyz", "metrics.scrape", *CALLBACKS, "payments.notify", "payments.notify_token",
               "payment_orders.register_order", "payment_orders.refund", "orders.order_events"}


def test_the_session_check_is_attached_to_every_route_that_may_read_a_session() -> None:
    """bot/web/session_epochs.attach: every route gets the check unless it declares ctx_sessionless
    (the list above, the admin API's bearer-token routes, and their HEAD/OPTIONS twins) or serves
    static files and the API documentation — not a global middleware every webhook pays for."""
    app = create_app(make_settings(), FEATURES, name="rs" + uuid.uuid4().hex[:8])
    app.finalize_middleware()
    checked, unchecked = set(), set()
    for r in app.router.routes:
        name = r.name.removeprefix(app.name + ".")
        funcs = {m.func for m in r.extra.request_middleware}
        (checked if session_epochs.check_session in funcs else unchecked).add(name)
    twins = ("_head", "_options")
    base = {n.removesuffix(t) for n in unchecked for t in twins if n.endswith(t)} | {
        n for n in unchecked if not n.endswith(twins)}
    admin_api = {n.removeprefix(app.name + ".") for r in app.router.routes if "/admin/api/" in "/" + r.path
                 for n in [r.name]}
    free = {n for n in base if n not in SESSIONLESS and n not in admin_api and not n.startswith(
        session_epochs.UNCHECKED_PREFIXES)}
    assert not free, f"routes without the session check that declare no ctx_sessionless: {sorted(free)}"
    assert base >= SESSIONLESS
    for name in ("share.help_split", "share.share_view", "pages.help_page", "pages.my_page", "redpacket.wallet",
                 "payments.draw", "oauth.callback", "session.logout", "admin_page.dashboard"):
        assert name in checked, name
    assert session_epochs.check_session not in {m.func for m in app.request_middleware}
