"""Admin API for coupon templates, lottery activities, pay configs and fulfilment, through the real
service: the bearer token, API.md shapes, clear 400s listing every problem, list/update/disable,
version bumps that reach the draw; plus the pure validators."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from models.campaign_rules import (
    can_fulfil,
    grant_refusal,
    validate_activity,
    validate_pay_config,
)
from tests.support import fakewx
from tests.support.adminkit import COUPON_TEMPLATE
from tests.support.imports import imported_roots
from tests.support.paykit import NOW, WINDOW, admin_client, send_notice, uid
from tests.support.service import Service, login

PRIZES = [{"name": "保温杯", "kind": "goods", "weight": 1, "stock": 5},
          {"name": "谢谢参与", "kind": "none", "weight": 9}]


def test_rules_module_is_pure() -> None:
    path = Path(__file__).resolve().parents[1] / "models" / "campaign_rules.py"
    assert not imported_roots(path) & {"tortoise", "redis", "sanic", "httpx"}


def test_validators_list_every_problem() -> None:
    problems = validate_activity({"name": "", "start_time": "2026-01-01", "end_time": "x", "frequency": 7,
                                  "win_limit": -1, "prizes": [{"name": "a", "kind": "coupon", "weight": -1}]})
    assert len(problems) == 7, problems
    assert validate_activity({"name": "a", **WINDOW, "frequency": 0, "prizes": [
        {"name": "x", "kind": "none", "weight": 0}]}) == ["at least one prize needs a positive weight"]
    assert validate_pay_config({"product_code": "P", "min_amount": 0, "kind": "coupon",
                                "coupon_template_ids": [1, 1], **WINDOW}) == [
        "coupon_template_ids must not repeat an id"]
    assert "kind must be lottery or coupon" in validate_pay_config({"kind": "cash"})


def test_fulfilment_and_grant_rules() -> None:
    assert can_fulfil("pending", "shipped") and can_fulfil("shipped", "delivered")
    assert not can_fulfil("granted", "shipped") and not can_fulfil("pending", "bogus")
    common = {"enabled": True, "stock_left": 1, "valid_until": None, "granted_to_user": 0, "per_user_limit": 1}
    assert grant_refusal(**common, now=NOW) is None
    assert grant_refusal(**{**common, "stock_left": 0}, now=NOW) == "out_of_stock"
    assert grant_refusal(**{**common, "granted_to_user": 1}, now=NOW) == "user_limit"
    assert grant_refusal(**{**common, "valid_until": NOW}, now=NOW) == "expired"


@pytest.fixture(scope="module")
def svc() -> Iterator[Service]:
    fake = fakewx.FakeWeChat()
    fake.start()
    s = Service(fake.url, workers=1, redis_db=3)
    yield s
    s.stop()
    fake.stop()


@pytest.fixture
def admin(svc: Service) -> Iterator[httpx.Client]:
    with admin_client(svc) as c:
        yield c


@pytest.mark.parametrize("auth", [None, "Bearer nope-nope-nope", "admin-token-test", "Basic admin-token-test"])
def test_admin_api_needs_the_bearer_token(svc: Service, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    for method, path in (("POST", "coupon-templates"), ("GET", "activities"), ("POST", "pay-configs"),
                         ("POST", "activities/1/disable"), ("GET", "user-prizes")):
        r = httpx.request(method, f"{svc.base}/admin/api/{path}", json={}, headers=headers, timeout=10)
        assert (r.status_code, r.json()["error"]) == (401, "unauthenticated")


def test_coupon_template_lifecycle(admin: httpx.Client) -> None:
    created = admin.post("/admin/api/coupon-templates", json=COUPON_TEMPLATE)
    assert created.status_code == 200
    t = created.json()
    assert {k: t[k] for k in COUPON_TEMPLATE} == COUPON_TEMPLATE and t["stock_left"] == 50 and t["id"]
    patched = admin.patch(f"/admin/api/coupon-templates/{t['id']}", json={"stock": 80, "valid_days": None,
                                                                          "valid_from": "2026-12-01T00:00:00+08:00",
                                                                          "valid_until": "2027-01-01T00:00:00+08:00"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["stock_left"], patched.json()["valid_days"]) == (80, None)
    assert any(x["id"] == t["id"] for x in admin.get("/admin/api/coupon-templates").json()["templates"])
    assert admin.post(f"/admin/api/coupon-templates/{t['id']}/disable").json()["enabled"] is False
    assert admin.get("/admin/api/coupon-templates/999999").status_code == 404


def test_bad_definitions_are_400_listing_every_problem(admin: httpx.Client) -> None:
    r = admin.post("/admin/api/coupon-templates", json={"name": "", "type": "cash", "threshold": -1})
    assert (r.status_code, r.json()["error"]) == (400, "invalid_body")
    assert all(word in r.json()["message"] for word in ("name", "type", "threshold", "validity"))
    r = admin.post("/admin/api/activities", json={"name": "x", **WINDOW, "frequency": 1, "prizes": [
        {"name": "券", "kind": "coupon", "weight": 1, "coupon_template_id": 987654}]})
    assert r.status_code == 400 and "coupon template 987654 does not exist" in r.json()["message"]
    r = admin.post("/admin/api/pay-configs", json={"product_code": "P", "min_amount": "1", "kind": "lottery", **WINDOW})
    assert r.status_code == 400 and "min_amount" in r.json()["message"] and "activity_id" in r.json()["message"]
    assert admin.post("/admin/api/activities", content=b"{not json").status_code == 400
    assert admin.post("/admin/api/activities", json=[1, 2]).status_code == 400


def _activity(admin: httpx.Client, **overrides: Any) -> dict[str, Any]:
    body = {"name": "支付抽奖", **WINDOW, "frequency": 0, "win_limit": 0, "prizes": PRIZES, **overrides}
    r = admin.post("/admin/api/activities", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_activity_update_replaces_the_pool_and_bumps_the_version(admin: httpx.Client) -> None:
    act = _activity(admin)
    cup, nothing = act["prizes"]
    assert (cup["stock"], act["version"]) == (5, 1)
    new_pool = [{"id": cup["id"], "stock": 12}, {"name": "耳机", "kind": "goods", "weight": 1, "stock": 1}]
    updated = admin.patch(f"/admin/api/activities/{act['id']}", json={"prizes": new_pool, "win_limit": 1}).json()
    assert updated["version"] == 2 and updated["win_limit"] == 1
    assert [(p["name"], p["stock"]) for p in updated["prizes"]] == [("保温杯", 12), ("耳机", 1)]
    bad = admin.patch(f"/admin/api/activities/{act['id']}", json={"prizes": [{"id": nothing["id"], "weight": 1}]})
    assert bad.status_code == 400 and "not an active prize" in bad.json()["message"]
    assert admin.get(f"/admin/api/activities/{act['id']}").json()["version"] == 2


def test_pay_config_lifecycle_and_disable_reaches_the_offer(svc: Service, admin: httpx.Client) -> None:
    act = _activity(admin)
    cfg = admin.post("/admin/api/pay-configs", json={"product_code": "ADM", "min_amount": 100, "kind": "lottery",
                                                     "activity_id": act["id"], "chances": 2, **WINDOW}).json()
    assert (cfg["min_amount"], cfg["chances"], cfg["kind"]) == (100, 2, "lottery")
    assert admin.patch(f"/admin/api/pay-configs/{cfg['id']}", json={"min_amount": 5000}).json()["min_amount"] == 5000
    openid, cheap, rich = uid(), uid("ord"), uid("ord")
    send_notice(svc, cheap, openid, product="ADM", amount="49.99")
    send_notice(svc, rich, openid, product="ADM", amount="50.00")
    with closing(login(svc.base, openid)) as phone:
        assert phone.get(f"/api/payments/{cheap}/offer").json() == {"kind": "none"}
        assert phone.get(f"/api/payments/{rich}/offer").json()["chances"] == 2
        admin.post(f"/admin/api/activities/{act['id']}/disable")
        closed = phone.post(f"/api/payments/{rich}/draw")
        assert (closed.status_code, closed.json()["error"]) == (409, "activity_closed")
    assert admin.post(f"/admin/api/pay-configs/{cfg['id']}/disable").json()["enabled"] is False
    late = uid("ord")
    send_notice(svc, late, openid, product="ADM", amount="80.00")
    with closing(login(svc.base, openid)) as phone:
        assert phone.get(f"/api/payments/{late}/offer").json() == {"kind": "none"}


def test_goods_prize_fulfilment(svc: Service, admin: httpx.Client) -> None:
    act = _activity(admin, prizes=[{"name": "台灯", "kind": "goods", "weight": 1, "stock": 3}])
    admin.post("/admin/api/pay-configs", json={"product_code": "GDS", "min_amount": 0, "kind": "lottery",
                                               "activity_id": act["id"], **WINDOW})
    openid, order = uid(), uid("ord")
    send_notice(svc, order, openid, product="GDS")
    with closing(login(svc.base, openid)) as phone:
        assert phone.post(f"/api/payments/{order}/draw").json()["prize"]["name"] == "台灯"
        won = phone.get("/api/me/prizes").json()["prizes"][0]
        assert won["status"] == "pending"
        path = f"/admin/api/user-prizes/{won['id']}/fulfilment"
        assert admin.post(path, json={"status": "delivered"}).json()["error"] == "bad_transition"
        assert admin.post(path, json={"status": "shipped", "note": "SF123"}).json()["status"] == "shipped"
        assert admin.post(path, json={"status": "teleported"}).status_code == 400
        assert phone.get("/api/me/prizes").json()["prizes"][0]["note"] == "SF123"
        assert "已发货" in phone.get("/me/prizes").text
