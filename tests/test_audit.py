"""The audit log: every admin write route runs in an audit scope by construction; each one, driven
for real against the service on PostgreSQL, leaves exactly its row (who, role, when, what,
before → after, IP); the row and the change commit or roll back together (all three databases);
WeCom commands are recorded under the sender's userid; the page lists and filters the log."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest
from sanic import Blueprint, Sanic, json
from tortoise import Tortoise
from tortoise.exceptions import OperationalError

from handlers.admin import audit_routes
from handlers.admin.audit import Actor, AuditFilter, Channel, Role, audit_entries, audit_scope
from main import build_app
from models.audit import AuditEntry
from models.user import BlacklistEntry
from tests.support import fakewx
from tests.support.adminkit import COUPON_TEMPLATE, csrf_of, dead_letter
from tests.support.config import make_settings
from tests.support.paykit import WINDOW, admin_client, send_notice, uid
from tests.support.service import Phone, Service, login

EXEMPT = {"admin_page.login", "admin_page.logout"}


# ---- by construction --------------------------------------------------------------------------


def _route_names(app: Sanic, names: list[str]) -> set[str]:
    return {n.removeprefix(app.name + ".") for n in names}


def test_every_admin_write_route_is_wrapped_or_knowingly_exempt() -> None:
    app = build_app(make_settings(), name="auditall" + uuid.uuid4().hex[:6])
    assert audit_routes.unaudited_write_routes(app) == []
    assert _route_names(app, audit_routes.exempt_write_routes(app)) == EXEMPT


def test_a_route_added_later_is_audited_without_asking() -> None:
    app = Sanic("auditnew" + uuid.uuid4().hex[:6])
    bp = Blueprint("budgets", url_prefix="/admin/api/budgets")

    @bp.put("/<day:str>")
    async def set_budget(request: Any, day: str) -> Any:
        return json({"day": day})

    @bp.get("/<day:str>")
    async def read_budget(request: Any, day: str) -> Any:
        return json({"day": day})

    app.blueprint(bp)
    assert audit_routes.unaudited_write_routes(app) == [f"{app.name}.budgets.set_budget"]
    audit_routes.install(app)
    assert audit_routes.unaudited_write_routes(app) == []
    writes = {r.name: r.handler for r in app.router.routes}
    assert getattr(writes[f"{app.name}.budgets.set_budget"], audit_routes.AUDITED_ATTR) == "budgets.set_budget"
    assert not hasattr(writes[f"{app.name}.budgets.read_budget"], audit_routes.AUDITED_ATTR)  # reads are not


# ---- one transaction (SQLite, PostgreSQL, MariaDB) --------------------------------------------


ACTOR = Actor("boss", Role.OPERATOR, Channel.WECOM, "10.0.0.9")


async def test_the_row_and_the_change_commit_together(orm: str) -> None:
    async with audit_scope(ACTOR, "wecom.block", "openid=o-1") as scope:
        await BlacklistEntry.create(openid="o-1", reason="x")
        scope.record(before=None, after={"openid": "o-1", "blacklisted": True})
    (row,) = await audit_entries(AuditFilter())
    assert (row["actor"], row["role"], row["channel"], row["ip"]) == ("boss", "operator", "wecom", "10.0.0.9")
    assert (row["action"], row["target"], row["before"], row["after"]["blacklisted"]) == (
        "wecom.block", "openid=o-1", None, True)


async def test_a_failed_change_leaves_no_row_and_a_failed_row_undoes_the_change(orm: str) -> None:
    with pytest.raises(RuntimeError):
        async with audit_scope(ACTOR, "wecom.block"):
            await BlacklistEntry.create(openid="o-2")
            raise RuntimeError("the handler failed after writing")
    assert not await BlacklistEntry.exists(openid="o-2") and await AuditEntry.all().count() == 0
    await Tortoise.get_connection("default").execute_script("DROP TABLE audit_log")  # the audit insert will fail
    with pytest.raises(OperationalError):  # the missing table, as tortoise reports it on every backend
        async with audit_scope(ACTOR, "wecom.block"):
            await BlacklistEntry.create(openid="o-3")
    assert not await BlacklistEntry.exists(openid="o-3")  # no change without its record


async def test_unchanged_writes_no_row(orm: str) -> None:
    async with audit_scope(ACTOR, "wecom.unblock") as scope:
        scope.unchanged()
    assert await AuditEntry.all().count() == 0


# ---- every route, for real (PostgreSQL) -------------------------------------------------------


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=6, outbox={"poll_interval_s": 0.2})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def api(svc: Service) -> Iterator[httpx.Client]:
    with admin_client(svc) as c:
        yield c


@pytest.fixture(scope="module")
def page(svc: Service) -> Iterator[tuple[Phone, str]]:
    with Phone(base_url=svc.base, timeout=30, follow_redirects=False) as c:
        assert c.post("/admin/login", data={"token": svc.config["admin"]["token"]}).status_code == 303
        yield c, csrf_of(c.get("/admin").text)


def audit_rows(svc: Service, action: str) -> list[dict[str, Any]]:
    with admin_client(svc) as c:
        return [e for e in c.get("/admin/api/audit", params={"action": action, "limit": 500}).json()["entries"]
                if e["action"] == action]


class World:
    """What the recipes need: a coupon template, an activity, a pay config, a won goods prize, a coupon."""

    def __init__(self, svc: Service, api: httpx.Client, fake: fakewx.FakeWeChat) -> None:
        self.svc, self.api, self.fake = svc, api, fake
        self.template = api.post("/admin/api/coupon-templates", json=COUPON_TEMPLATE).json()
        prizes = [{"name": "台灯", "kind": "goods", "weight": 1, "stock": 3}]
        self.activity = api.post("/admin/api/activities", json={"name": "审计抽奖", **WINDOW, "frequency": 0,
                                                                "prizes": prizes}).json()
        product = "AUD" + uuid.uuid4().hex[:6]
        self.config = api.post("/admin/api/pay-configs", json={"product_code": product, "min_amount": 0,
                                                               "kind": "lottery", "activity_id": self.activity["id"],
                                                               **WINDOW}).json()
        self.prize_id = self._won_prize(product)
        self.coupon_id, self.coupon_holder = self._coupon()

    def _won_prize(self, product: str) -> int:
        openid, order = uid(), uid("ord")
        send_notice(self.svc, order, openid, product=product)
        with closing(login(self.svc.base, openid)) as phone:
            assert phone.post(f"/api/payments/{order}/draw").json()["prize"]["name"] == "台灯"
            return int(phone.get("/api/me/prizes").json()["prizes"][0]["id"])

    def _coupon(self) -> tuple[int, str]:
        product = "AUC" + uuid.uuid4().hex[:6]
        self.api.post("/admin/api/pay-configs", json={"product_code": product, "min_amount": 0, "kind": "coupon",
                                                      "coupon_template_ids": [self.template["id"]], **WINDOW})
        openid, order = uid(), uid("ord")
        send_notice(self.svc, order, openid, product=product)
        with closing(login(self.svc.base, openid)) as phone:
            assert phone.post(f"/api/payments/{order}/claim").status_code == 200
            return int(phone.get("/api/me/coupons").json()["coupons"][0]["id"]), openid


Recipe = Callable[[World, httpx.Client, tuple[Phone, str]], httpx.Response]


def _page_blacklist(w: World, api: httpx.Client, page: tuple[Phone, str]) -> httpx.Response:
    c, csrf = page
    return c.post("/admin/blacklist", data={"openid": "o-page-" + uuid.uuid4().hex[:6], "csrf": csrf})


def _page_unblacklist(w: World, api: httpx.Client, page: tuple[Phone, str]) -> httpx.Response:
    c, csrf = page
    openid = "o-page-" + uuid.uuid4().hex[:6]
    api.post("/admin/api/blacklist", json={"openid": openid})
    return c.post("/admin/blacklist/remove", data={"openid": openid, "csrf": csrf})


def _page_retry(w: World, api: httpx.Client, page: tuple[Phone, str]) -> httpx.Response:
    c, csrf = page
    return c.post(f"/admin/outbox/{dead_letter(w.svc, api, w.fake)}/retry", data={"csrf": csrf})


def _api_unblacklist(w: World, api: httpx.Client, page: tuple[Phone, str]) -> httpx.Response:
    openid = "o-api-" + uuid.uuid4().hex[:6]
    api.post("/admin/api/blacklist", json={"openid": openid})
    return api.delete(f"/admin/api/blacklist/{openid}")


def _form(page: tuple[Phone, str], path: str, **data: str) -> httpx.Response:
    c, csrf = page
    return c.post(path, data={**data, "csrf": csrf})


PAGE_WINDOW = {"start_time": "2020-01-01T00:00", "end_time": "2040-01-01T00:00"}
PAGE_ACTIVITY = {"name": "表单抽奖", **PAGE_WINDOW, "frequency": "0", "prizes-0-name": "谢谢", "prizes-0-kind": "none",
                 "prizes-0-weight": "1"}
PAGE_TEMPLATE = {"name": "表单券", "type": "amount", "value": "100", "valid_days": "3"}


def _page_config(w: World) -> dict[str, str]:
    return {"product_code": "PG1", "min_amount": "0", "kind": "lottery", "activity_id": str(w.activity["id"]),
            **PAGE_WINDOW}


def _page_settings(w: World, api: httpx.Client, page: tuple[Phone, str]) -> httpx.Response:
    c, csrf = page
    return c.post("/admin/settings", data={"campaign.total_budget_fen": str(10**9 + uuid.uuid4().int % 1000),
                                          "csrf": csrf})


RECIPES: dict[str, Recipe] = {
    "admin.add_blacklist": lambda w, api, p: api.post("/admin/api/blacklist", json={"openid": uid("o-api-")}),
    "admin.remove_blacklist": _api_unblacklist,
    "admin_page.blacklist_add": _page_blacklist,
    "admin_page.blacklist_remove": _page_unblacklist,
    "admin_page.outbox_retry": _page_retry,
    "admin_page.activity_create": lambda w, api, p: _form(p, "/admin/activities", **PAGE_ACTIVITY),
    "admin_page.activity_update": lambda w, api, p: _form(p, f"/admin/activities/{w.activity['id']}", **{
        **PAGE_ACTIVITY, "name": "改名的抽奖"}),
    "admin_page.activity_disable": lambda w, api, p: _form(p, f"/admin/activities/{w.activity['id']}/disable"),
    "admin_page.template_create": lambda w, api, p: _form(p, "/admin/coupon-templates", **PAGE_TEMPLATE),
    "admin_page.template_update": lambda w, api, p: _form(p, f"/admin/coupon-templates/{w.template['id']}",
                                                          **{**PAGE_TEMPLATE, "stock": "900"}),
    "admin_page.template_disable": lambda w, api, p: _form(p, f"/admin/coupon-templates/{w.template['id']}/disable"),
    "admin_page.config_create": lambda w, api, p: _form(p, "/admin/pay-configs", **_page_config(w)),
    "admin_page.config_update": lambda w, api, p: _form(p, f"/admin/pay-configs/{w.config['id']}",
                                                        **{**_page_config(w), "min_amount": "9"}),
    "admin_page.config_disable": lambda w, api, p: _form(p, f"/admin/pay-configs/{w.config['id']}/disable"),
    "admin_page.campaign_pause": lambda w, api, p: _form(p, "/admin/campaign/pause", reason="audit"),
    "admin_page.campaign_resume": lambda w, api, p: _form(p, "/admin/campaign/resume"),
    "admin_page.settings_change": _page_settings,
    "coupon_admin.create": lambda w, api, p: api.post("/admin/api/coupon-templates", json=COUPON_TEMPLATE),
    "coupon_admin.update": lambda w, api, p: api.patch(f"/admin/api/coupon-templates/{w.template['id']}",
                                                       json={"name": "改名的券"}),
    "coupon_admin.disable": lambda w, api, p: api.post(f"/admin/api/coupon-templates/{w.template['id']}/disable"),
    "coupons.redeem_route": lambda w, api, p: api.post(f"/admin/api/coupons/{w.coupon_id}/redeem",
                                                       json={"ref": "till-1", "openid": w.coupon_holder}),
    "campaign_admin.pause": lambda w, api, p: api.post("/admin/api/campaign/pause", json={"reason": "audit"}),
    "campaign_admin.resume": lambda w, api, p: api.post("/admin/api/campaign/resume"),
    "campaign_admin.update_settings": lambda w, api, p: api.post("/admin/api/campaign/settings", json={
        "campaign": {"total_budget_fen": 10**9 + uuid.uuid4().int % 1000}, "note": "audit"}),
    "lottery_admin.create_activity": lambda w, api, p: api.post("/admin/api/activities", json={
        "name": "另一个", **WINDOW, "frequency": 0, "prizes": [{"name": "谢谢", "kind": "none", "weight": 1}]}),
    "lottery_admin.update_activity_route": lambda w, api, p: api.patch(
        f"/admin/api/activities/{w.activity['id']}", json={"win_limit": 2}),
    "lottery_admin.disable_activity": lambda w, api, p: api.post(f"/admin/api/activities/{w.activity['id']}/disable"),
    "lottery_admin.fulfil": lambda w, api, p: api.post(f"/admin/api/user-prizes/{w.prize_id}/fulfilment",
                                                       json={"status": "shipped", "note": "SF1"}),
    "outbox_admin.retry": lambda w, api, p: api.post(f"/admin/api/outbox/{dead_letter(w.svc, api, w.fake)}/retry"),
    "payconfig_admin.create": lambda w, api, p: api.post("/admin/api/pay-configs", json={
        "product_code": "X1", "min_amount": 1, "kind": "lottery", "activity_id": w.activity["id"], **WINDOW}),
    "payconfig_admin.update": lambda w, api, p: api.patch(f"/admin/api/pay-configs/{w.config['id']}",
                                                          json={"min_amount": 7}),
    "payconfig_admin.disable": lambda w, api, p: api.post(f"/admin/api/pay-configs/{w.config['id']}/disable"),
}


def test_every_admin_write_route_writes_its_row(svc: Service, api: httpx.Client, fake: fakewx.FakeWeChat,
                                                page: tuple[Phone, str]) -> None:
    app = build_app(make_settings(), name="auditrec" + uuid.uuid4().hex[:6])
    routes = _route_names(app, [r.name for r in audit_routes._admin_writes(app)]) - EXEMPT  # noqa: SLF001
    assert routes == set(RECIPES), "a new admin write route needs its recipe here"
    world = World(svc, api, fake)
    for action in sorted(RECIPES, key=lambda a: a.endswith("disable")):  # disables last: they end the others
        before = len(audit_rows(svc, action))
        r = RECIPES[action](world, api, page)
        assert r.status_code in (200, 201, 303), (action, r.status_code, r.text)
        if r.status_code == 303:
            assert "expired" not in r.headers["location"] and "bad_" not in r.headers["location"], action
        rows = audit_rows(svc, action)
        assert len(rows) == before + 1, action
        row = rows[0]
        assert (row["actor"], row["role"], row["ip"]) == ("token", "owner", "127.0.0.1"), action
        assert row["channel"] == ("page" if action.startswith("admin_page.") else "api") and row["at"], action
        assert row["after"] is not None, action


def test_updates_record_before_and_after(svc: Service, api: httpx.Client) -> None:
    cfg = api.post("/admin/api/pay-configs", json={"product_code": "BA1", "min_amount": 100, "kind": "coupon",
                                                   "coupon_template_ids": [api.post("/admin/api/coupon-templates",
                                                                                    json=COUPON_TEMPLATE).json()["id"]],
                                                   **WINDOW}).json()
    api.patch(f"/admin/api/pay-configs/{cfg['id']}", json={"min_amount": 250})
    row = audit_rows(svc, "payconfig_admin.update")[0]
    assert (row["before"]["min_amount"], row["after"]["min_amount"]) == (100, 250)
    assert row["target"] == f"config_id={cfg['id']}"


def test_refused_and_repeated_changes_leave_no_row(svc: Service, api: httpx.Client, page: tuple[Phone, str]) -> None:
    before = {a: len(audit_rows(svc, a)) for a in ("admin.add_blacklist", "admin_page.blacklist_add",
                                                   "payconfig_admin.update")}
    assert api.patch("/admin/api/pay-configs/999999", json={"min_amount": 1}).status_code == 404
    assert api.patch("/admin/api/pay-configs/1", json={"min_amount": "x"}).status_code in (400, 404)
    openid = uid("o-rep-")
    assert api.post("/admin/api/blacklist", json={"openid": openid}).status_code == 201
    assert api.post("/admin/api/blacklist", json={"openid": openid}).status_code == 200  # already listed
    c, csrf = page
    assert c.post("/admin/blacklist", data={"openid": "<bad>", "csrf": csrf}).headers["location"].endswith("bad_openid")
    assert c.post("/admin/blacklist", data={"openid": uid("o-"), "csrf": "0" * 32}).headers["location"].endswith(
        "expired")
    assert httpx.post(f"{svc.base}/admin/api/blacklist", json={"openid": uid()}, timeout=30).status_code == 401
    after = {a: len(audit_rows(svc, a)) for a in before}
    assert after == {**before, "admin.add_blacklist": before["admin.add_blacklist"] + 1}


def test_the_page_lists_and_filters_the_log(svc: Service, api: httpx.Client, page: tuple[Phone, str]) -> None:
    openid = uid("o-flt-")
    api.post("/admin/api/blacklist", json={"openid": openid, "reason": "<script>x</script>"})
    c, _ = page
    html = c.get("/admin", params={"action": "admin.add_blacklist", "actor": "token"}).text
    rows = re.findall(r'<tr data-audit-id="\d+" data-action="([^"]+)"', html)
    assert rows and set(rows) == {"admin.add_blacklist"} and openid in html
    assert "<script>x</script>" not in html  # states are text, escaped
    html = c.get("/admin", params={"actor": "nobody-at-all"}).text
    assert 'data-audit-id' not in html and "没有记录" in html
    html = c.get("/admin", params={"from": "2026-13-01"}).text
    assert 'id="audit-error"' in html and "from must be a date" in html
    assert api.get("/admin/api/audit", params={"from": "nope"}).status_code == 400
    assert api.get("/admin/api/audit", params={"from": "2020-01-01", "to": "2020-01-02"}).json() == {"entries": []}


def test_wecom_commands_are_recorded_under_the_sender(svc: Service) -> None:
    from tests.support.wxclient import fixture_xml, unique_msg_id, work_server

    openid = uid("o-wc-")
    xml = fixture_xml("wecom_text_block.xml", Content=f"block {openid}", MsgId=unique_msg_id())
    assert work_server(svc.base, svc.config).send(xml).fields["Content"] == f"已拉黑 {openid}"
    rows = [e for e in audit_rows(svc, "wecom.block") if e["target"] == f"openid={openid}"]
    assert len(rows) == 1 and (rows[0]["actor"], rows[0]["role"], rows[0]["channel"]) == ("boss", "operator", "wecom")

