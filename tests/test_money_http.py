"""Through the real service (2 processes, PostgreSQL): the kill switch over the admin API, the
wallet's debit/reverse signed by the order system, refunds before confirm over the webhook."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from bot.infra.signing import sign
from tests.support import fakewx
from tests.support.pagekit import help_once, shared_packet, uid
from tests.support.paykit import admin_client
from tests.support.service import Service, login


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    # controls_cache_s 0: the process answering the next request sees a pause at once (production
    # trusts its read for a second)
    s = Service(fake.url, workers=2, redis_db=10, campaign={"controls_cache_s": 0})
    yield s
    s.stop()


def signed(svc: Service, path: str, body: dict[str, object] | None, secret: str | None = None) -> httpx.Response:
    raw = json.dumps(body).encode() if body is not None else b""
    sig = sign(raw, secret or svc.config["orders"]["secret"])
    return httpx.post(svc.base + path, content=raw, timeout=30,
                      headers={"X-Fission-Signature": sig, "Content-Type": "application/json"})


def test_pause_refuses_new_packets_helps_and_draws_and_reads_keep_working(svc: Service) -> None:
    s = shared_packet(svc)
    with admin_client(svc) as admin:
        assert httpx.post(svc.base + "/admin/api/campaign/pause", timeout=10).status_code == 401
        paused = admin.post("/admin/api/campaign/pause", json={"reason": "incident"}).json()
        assert paused["paused"] is True and paused["reason"] == "incident"
        try:
            _phone, helped = help_once(svc, s.token)
            assert (helped.status_code, helped.json()["error"]) == (503, "campaign_paused")
            issued = svc.order_event()
            assert (issued.status_code, issued.json()["error"]) == (503, "campaign_paused")
            with closing(login(svc.base, uid("o-payer"))) as payer:
                drawn = payer.post("/api/payments/no-such-order/draw")
                assert (drawn.status_code, drawn.json()["error"]) == (503, "campaign_paused")
            refund = svc.order_event(type="refunded", order_no=s.order_no, openid=s.owner_openid)
            assert refund.status_code == 200 and refund.json()["packet"]["status"] == "invalid"
            assert s.owner.get("/api/packets").status_code == 200
            assert httpx.get(f"{svc.base}/api/share/{s.token}", timeout=10).status_code == 200
            assert admin.get("/admin/api/stats").status_code == 200
            assert admin.get("/admin/api/campaign").json()["paused"] is True
        finally:
            resumed = admin.post("/admin/api/campaign/resume").json()
        assert resumed["paused"] is False
    again = shared_packet(svc)
    _phone, helped = help_once(svc, again.token)
    assert helped.status_code == 200


def test_refund_then_confirm_over_the_webhook_issues_no_packet(svc: Service) -> None:
    owner, order_no = uid("o-early"), "rf" + uuid.uuid4().hex[:14]
    first = svc.order_event(type="refunded", order_no=order_no, openid=owner)
    assert first.json() == {"packet": None, "duplicate": False}
    late = svc.order_event(order_no=order_no, openid=owner)
    assert late.status_code == 200 and late.json()["packet"] is None
    with closing(login(svc.base, owner)) as phone:
        assert phone.get("/api/packets").json()["packets"] == []


def test_wallet_debit_and_reverse_signed_by_the_order_system(svc: Service) -> None:
    s = shared_packet(svc, cashback=100, paid_amount=1000, coupon_price=1000)  # 200 fen
    _phone, helped = help_once(svc, s.token)
    earned = helped.json()["amount"]
    body = {"openid": s.owner_openid, "order_no": "ck" + uuid.uuid4().hex[:12], "amount_fen": earned}
    assert signed(svc, "/api/wallet/debit", body, secret="not-the-secret").status_code == 401
    for bad in ({**body, "amount_fen": 0}, {**body, "amount_fen": "5"}, {**body, "openid": "<x>"}):
        r = signed(svc, "/api/wallet/debit", bad)
        assert (r.status_code, r.json()["error"]) == (400, "invalid_body"), bad
    too_much = signed(svc, "/api/wallet/debit", {**body, "amount_fen": earned + 1})
    assert (too_much.status_code, too_much.json()["error"]) == (409, "insufficient_balance")
    first = signed(svc, "/api/wallet/debit", body).json()
    again = signed(svc, "/api/wallet/debit", body).json()
    assert (first["duplicate"], again["duplicate"], first["balance"], first["kind"]) == (False, True, 0, "debit")
    other = signed(svc, "/api/wallet/debit", {**body, "amount_fen": 1})
    assert (other.status_code, other.json()["error"]) == (409, "conflict")
    wallet = s.owner.get("/api/wallet").json()
    assert wallet["balance"] == 0 and wallet["entries"][0]["kind"] == "debit"
    assert wallet["entries"][0]["order_no"] == body["order_no"] and wallet["entries"][0]["amount"] == -earned
    path = f"/api/wallet/debit/{body['order_no']}/reverse"
    assert signed(svc, path, None, secret="not-the-secret").status_code == 401
    back = signed(svc, path, None).json()
    assert (back["kind"], back["amount_fen"], back["balance"], back["duplicate"]) == ("debit_reversal", earned, earned,
                                                                                      False)
    assert signed(svc, path, None).json()["duplicate"] is True
    missing = signed(svc, "/api/wallet/debit/never-debited/reverse", None)
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    page = s.owner.get("/me").text
    assert "下单抵扣" in page and "订单取消，抵扣退回" in page and "我的钱包" in page


def test_a_refund_after_spending_shows_what_is_owed(svc: Service) -> None:
    s = shared_packet(svc, cashback=100, paid_amount=1000, coupon_price=1000)
    _phone, helped = help_once(svc, s.token)
    earned = helped.json()["amount"]
    body = {"openid": s.owner_openid, "order_no": "ck" + uuid.uuid4().hex[:12], "amount_fen": earned}
    assert signed(svc, "/api/wallet/debit", body).status_code == 200
    assert svc.order_event(type="refunded", order_no=s.order_no, openid=s.owner_openid).status_code == 200
    wallet = s.owner.get("/api/wallet").json()
    assert (wallet["balance"], wallet["spendable"], wallet["owed"]) == (-earned, 0, earned)
    assert "待抵扣" in s.owner.get("/me").text
