"""Payment notifications and offers: storage-level on PostgreSQL, MariaDB and SQLite; HTTP through
the real service (signature, malformed and hostile XML, other users' orders, draw and claim);
and 20 concurrent copies of one notification on 2 processes → exactly one chance."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from bot.infra.signing import sign
from handlers.coupons.grants import claim_payment_coupons
from handlers.payments.routes import accept_notice
from models.lottery import LotteryChance
from models.payment import OfferKind, PayActivityConfig, PaymentNotification
from tests.support import fakewx
from tests.support.paykit import (
    NOW,
    SH,
    WINDOW,
    activity,
    admin_client,
    coupon_config,
    lottery_config,
    notice,
    notice_xml,
    paid,
    send_notice,
    template,
    uid,
)
from tests.support.service import Service, login

FIXTURES = Path(__file__).parent / "fixtures" / "wechat"
NONE_ONLY = [{"name": "谢谢参与", "kind": "none", "weight": 1}]


async def test_a_notice_is_stored_once_per_order_no(orm: str) -> None:
    act = await activity(NONE_ONLY)
    await lottery_config(act, chances=3)
    n = notice(uid())
    first = await accept_notice(n, NOW)
    again = await accept_notice(n, NOW)
    assert first == (first[0], False) and again == (first[0], True)
    assert await PaymentNotification.filter(order_no=n.order_no).count() == 1
    assert await LotteryChance.filter(payment_id=first[0]).count() == 3


async def test_failed_payment_is_recorded_without_reward(orm: str) -> None:
    act = await activity(NONE_ONLY)
    await lottery_config(act)
    _user, pay = await paid(success=False)
    assert (pay.success, pay.offer_kind, pay.chances) == (False, OfferKind.NONE, 0)
    assert await LotteryChance.all().count() == 0


async def test_config_matching_amount_product_window_and_tier(orm: str) -> None:
    small, big = await activity(NONE_ONLY), await activity(NONE_ONLY)
    await lottery_config(small, min_amount_fen=1000)
    await lottery_config(big, min_amount_fen=5000, chances=2)
    await PayActivityConfig.filter(activity_id=big.id).update(end_time=NOW + dt.timedelta(days=1))
    assert (await paid(amount_fen=999))[1].offer_kind == OfferKind.NONE
    assert (await paid(product="OTHER", amount_fen=9999))[1].offer_kind == OfferKind.NONE
    assert (await paid(amount_fen=1000))[1].offer_activity_id == small.id
    top = (await paid(amount_fen=5000))[1]
    assert (top.offer_activity_id, top.chances) == (big.id, 2)  # the highest tier wins
    late = (await paid(amount_fen=5000, now=NOW + dt.timedelta(days=2)))[1]
    assert late.offer_activity_id == small.id  # the big tier's window closed


async def test_coupon_offer_is_claimed_once(orm: str) -> None:
    a, b = await template(), await template(name="8.5折", kind="discount", value=85, threshold_fen=0)
    await coupon_config([a.id, b.id])
    user, pay = await paid()
    assert (pay.offer_kind, pay.offer_template_ids) == (OfferKind.COUPON, [a.id, b.id])
    first, refused = await claim_payment_coupons(user.id, pay.order_no, NOW, SH)
    again, _ = await claim_payment_coupons(user.id, pay.order_no, NOW, SH)
    assert refused == [] and len(first) == 2
    assert [c.id for c in again] == [c.id for c in first]


async def test_claim_reports_stock_and_user_limit(orm: str) -> None:
    empty, once = await template(stock=0), await template(per_user_limit=1)
    await coupon_config([empty.id, once.id])
    user, pay1 = await paid()
    _same, pay2 = await paid(user.openid)
    got1, refused1 = await claim_payment_coupons(user.id, pay1.order_no, NOW, SH)
    got2, refused2 = await claim_payment_coupons(user.id, pay2.order_no, NOW, SH)
    assert len(got1) == 1 and refused1 == [{"template_id": empty.id, "reason": "out_of_stock"}]
    assert got2 == [] and {r["reason"] for r in refused2} == {"out_of_stock", "user_limit"}


# ---- through the real service -----------------------------------------------------------------

@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=1)
    with admin_client(s) as admin:
        act = admin.post("/admin/api/activities", json={
            "name": "支付抽奖", **WINDOW, "frequency": 0, "win_limit": 0,
            "prizes": [{"name": "保温杯", "kind": "goods", "weight": 1, "stock": 100}] + NONE_ONLY}).json()
        tpl = admin.post("/admin/api/coupon-templates", json={
            "name": "满20减5", "type": "amount", "value": 500, "threshold": 2000, "valid_days": 30,
            "stock": 100}).json()
        for body in ({"product_code": "LOT", "min_amount": 100, "kind": "lottery", "activity_id": act["id"]},
                     {"product_code": "CPN", "min_amount": 100, "kind": "coupon", "coupon_template_ids": [tpl["id"]]}):
            assert admin.post("/admin/api/pay-configs", json={**body, **WINDOW}).status_code == 200
    yield s
    s.stop()


def _offer(svc: Service, phone: httpx.Client, order_no: str) -> httpx.Response:
    return phone.get(f"/api/payments/{order_no}/offer")


def test_notify_offer_draw_and_repeats(svc: Service) -> None:
    openid, order = uid(), uid("ord")
    first = send_notice(svc, order, openid, product="LOT")
    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert send_notice(svc, order, openid, product="LOT", amount="999.00").json()["duplicate"] is True
    with closing(login(svc.base, openid)) as phone:
        assert _offer(svc, phone, order).json() == {"kind": "lottery", "activity_id": 1, "chances": 1}
        r = phone.post(f"/api/payments/{order}/draw")
        assert r.status_code == 200 and r.json()["chances"] == 0
        assert set(r.json()["prize"]) == {"id", "name", "kind"}
        again = phone.post(f"/api/payments/{order}/draw")
        assert (again.status_code, again.json()["error"]) == (409, "no_chance")


def test_plain_xml_and_failed_payment(svc: Service) -> None:
    openid, order = uid(), uid("ord")
    assert send_notice(svc, order, openid, product="LOT", result="3", encoded=False).status_code == 200
    with closing(login(svc.base, openid)) as phone:
        assert _offer(svc, phone, order).json() == {"kind": "none"}
        assert phone.post(f"/api/payments/{order}/draw").status_code == 409


@pytest.mark.parametrize("body", [
    b"not xml at all", b"%3CPackage%3E%3CRequest%3E", b"<Package><Request></Request></Package>",
    notice_xml("o1", "u1", amount="1e3", encoded=False), notice_xml("o1", "u1", amount="19.999", encoded=False),
    (FIXTURES / "hostile_billion_laughs.xml").read_bytes(), (FIXTURES / "hostile_xxe_file.xml").read_bytes(),
    b"<Package>" + b"x" * 70_000 + b"</Package>",
])
def test_malformed_or_hostile_notice_is_400_and_stores_nothing(svc: Service, body: bytes) -> None:
    before = _count(svc)
    r = send_notice(svc, "", "", body=body)
    assert r.status_code in (400, 413) and r.json()["error"] in ("invalid_body", "too_large")
    assert _count(svc) == before


def test_forged_signature_is_401_and_stores_nothing(svc: Service) -> None:
    openid, order = uid(), uid("ord")
    r = send_notice(svc, order, openid, product="LOT", secret="not-the-secret")
    assert (r.status_code, r.json()["error"]) == (401, "bad_signature")
    unsigned = httpx.post(svc.base + "/api/payments/notify", content=notice_xml(order, openid), timeout=10)
    assert unsigned.status_code == 401
    with closing(login(svc.base, openid)) as phone:
        assert _offer(svc, phone, order).status_code == 404


def test_another_users_order_is_404_and_changes_nothing(svc: Service) -> None:
    payer, order = uid(), uid("ord")
    send_notice(svc, order, payer, product="LOT")
    with closing(login(svc.base, uid("thief"))) as thief:
        for method, path in (("GET", "offer"), ("POST", "draw"), ("POST", "claim")):
            r = thief.request(method, f"/api/payments/{order}/{path}")
            assert (r.status_code, r.json()["error"]) == (404, "not_found")
    with closing(login(svc.base, payer)) as phone:
        assert _offer(svc, phone, order).json()["chances"] == 1


def test_unauthenticated_user_endpoints_are_401(svc: Service) -> None:
    for method, path in (("GET", "/api/payments/x/offer"), ("POST", "/api/payments/x/draw"),
                         ("POST", "/api/payments/x/claim"), ("GET", "/api/me/coupons"), ("GET", "/api/me/prizes")):
        r = httpx.request(method, svc.base + path, timeout=10)
        assert (r.status_code, r.json()["error"]) == (401, "unauthenticated")


def test_coupon_offer_claim(svc: Service) -> None:
    openid, order = uid(), uid("ord")
    send_notice(svc, order, openid, product="CPN", amount="25.00")
    with closing(login(svc.base, openid)) as phone:
        offer = _offer(svc, phone, order).json()
        assert offer["kind"] == "coupon" and offer["templates"][0]["value"] == 500
        first = phone.post(f"/api/payments/{order}/claim").json()["coupons"]
        again = phone.post(f"/api/payments/{order}/claim").json()["coupons"]
        assert len(first) == 1 and first == again and first[0]["status"] == "unused"
        assert phone.get("/api/me/coupons", params={"status": "unused"}).json()["coupons"] == first
        assert phone.post(f"/api/payments/{order}/draw").json()["error"] == "no_chance"


def test_pay_page_renders_escaped_with_csp(svc: Service) -> None:
    openid, order = uid(), '"><img src=x>' + uid("ord")[:8]
    send_notice(svc, order, openid, product="LOT")
    with closing(login(svc.base, openid)) as phone:
        page = phone.get(f"/pay/{order}")
        assert page.status_code == 200 and "翻牌抽奖" in page.text
        assert "<img src=x>" not in page.text and "&#34;&gt;&lt;img src=x&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert phone.get("/assets/lottery/app.js").status_code == 200
    anonymous = httpx.get(svc.base + f"/pay/{order}", timeout=10)
    assert anonymous.status_code == 302 and anonymous.headers["location"].startswith("/oauth/login?next=")


def _count(svc: Service) -> int:
    out = subprocess.run(["psql", svc.db_url, "-tAc", "SELECT count(*) FROM payment_notifications"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


@pytest.mark.slow
async def test_20_concurrent_copies_of_one_notice_give_one_chance(fake: fakewx.FakeWeChat) -> None:
    s = Service(fake.url, workers=2, redis_db=3)
    try:
        with admin_client(s) as admin:
            act = admin.post("/admin/api/activities", json={
                "name": "并发", **WINDOW, "frequency": 0, "win_limit": 0, "prizes": NONE_ONLY}).json()
            admin.post("/admin/api/pay-configs", json={"product_code": "LOT", "min_amount": 1, "kind": "lottery",
                                                       "activity_id": act["id"], **WINDOW})
        openid, order = uid(), uid("ord")
        body = notice_xml(order, openid, product="LOT")
        headers = {"X-Fission-Signature": sign(body, s.config["payments"]["secret"])}
        async with httpx.AsyncClient(base_url=s.base, timeout=30, limits=httpx.Limits(max_connections=20)) as c:
            responses = await asyncio.gather(*[c.post("/api/payments/notify", content=body, headers=headers)
                                               for _ in range(20)])
        assert [r.status_code for r in responses] == [200] * 20
        assert sum(1 for r in responses if not r.json()["duplicate"]) == 1
        with closing(login(s.base, openid)) as phone:
            assert _offer(s, phone, order).json()["chances"] == 1
            assert phone.post(f"/api/payments/{order}/draw").status_code == 200
            assert phone.post(f"/api/payments/{order}/draw").json()["error"] == "no_chance"
    finally:
        s.stop()
