"""The gateway's literal notifications through the real service: the secret token path and the
signed path, orders registered before or after payment, pending offers, allow_from.

Bodies are ../shared/fixtures/seed-pay-notify-*.txt byte for byte, with only the order number
swapped (tests/support/seedpay.py)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from bot.infra.signing import sign
from tests.support import fakewx
from tests.support.paykit import post_token, register_order, uid
from tests.support.seedpay import (
    SEED_FILES,
    TOKEN,
    seed_body,
    seed_order_no,
    setup_lottery,
)
from tests.support.service import Service, login


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=1, payments={"notify_token": TOKEN},
                server={"access_log": True, "log_format": "json"})
    s.activity_id = setup_lottery(s)  # type: ignore[attr-defined]
    yield s
    s.stop()


def _offer(s: Service, openid: str, order_no: str) -> httpx.Response:
    with closing(login(s.base, openid)) as phone:
        return phone.get(f"/api/payments/{order_no}/offer")


@pytest.mark.parametrize("name", SEED_FILES)
def test_the_seed_body_on_the_token_path_gives_a_registered_payer_a_chance(svc: Service, name: str) -> None:
    openid, order = uid(), seed_order_no()
    r = register_order(svc, order, openid, product="SEED", amount_fen=1)  # 0.01 yuan
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert _offer(svc, openid, order).json() == {"kind": "pending"}
    r = post_token(svc, seed_body(name, order))
    assert r.status_code == 200, r.text
    assert r.json()["duplicate"] is False
    assert _offer(svc, openid, order).json() == {"kind": "lottery", "activity_id": svc.activity_id, "chances": 1}
    with closing(login(svc.base, openid)) as phone:
        drawn = phone.post(f"/api/payments/{order}/draw")
        assert drawn.status_code == 200 and drawn.json()["chances"] == 0


def test_notification_first_then_registration(svc: Service) -> None:
    openid, order = uid(), seed_order_no()
    r = post_token(svc, seed_body(order_no=order))
    assert r.status_code == 200 and r.json()["status"] == "kept"
    assert post_token(svc, seed_body(order_no=order)).status_code == 200  # a repeat is kept once
    r = register_order(svc, order, openid, product="SEED", amount_fen=1)
    assert r.status_code == 201 and r.json()["status"] == "paid"
    assert _offer(svc, openid, order).json()["chances"] == 1


def test_registration_is_idempotent_and_conflicts_are_409(svc: Service) -> None:
    openid, order = uid(), seed_order_no()
    assert register_order(svc, order, openid, product="SEED", amount_fen=1).status_code == 201
    again = register_order(svc, order, openid, product="SEED", amount_fen=1)
    assert again.status_code == 200 and again.json()["order_no"] == order
    for changed in ({"openid": uid()}, {"product": "OTHER"}, {"amount_fen": 2}):
        args = {"openid": openid, "product": "SEED", "amount_fen": 1, **changed}
        r = register_order(svc, order, **args)  # type: ignore[arg-type]
        assert (r.status_code, r.json()["error"]) == (409, "conflict")


@pytest.mark.parametrize("body", [b"", b"[]", b'{"order_no": "x"}', b"not json",
                                  b'{"order_no": "x", "openid": "o", "product_code": "P", "amount_fen": "1"}',
                                  b'{"order_no": "x", "openid": "o", "product_code": "P", "amount_fen": 0}'])
def test_malformed_registration_is_400(svc: Service, body: bytes) -> None:
    r = httpx.post(svc.base + "/api/payments/orders", content=body, timeout=10,
                   headers={"X-Fission-Signature": sign(body, svc.config["payments"]["secret"])})
    assert (r.status_code, r.json()["error"]) == (400, "invalid_body")


def test_unsigned_or_forged_registration_is_401(svc: Service) -> None:
    order = seed_order_no()
    assert register_order(svc, order, uid(), secret="not-the-secret").status_code == 401
    r = httpx.post(svc.base + "/api/payments/orders", json={"order_no": order, "openid": "o", "product_code": "P",
                                                            "amount_fen": 1}, timeout=10)
    assert (r.status_code, r.json()["error"]) == (401, "bad_signature")


def test_wrong_token_is_401_and_the_signed_path_still_wants_its_signature(svc: Service) -> None:
    openid, order = uid(), seed_order_no()
    register_order(svc, order, openid, product="SEED", amount_fen=1)
    for wrong in (TOKEN[:-1] + "x", TOKEN + "x", "short", TOKEN.upper()):
        r = post_token(svc, seed_body(order_no=order), token=wrong)
        assert (r.status_code, r.json()["error"]) == (401, "bad_signature")
    unsigned = httpx.post(svc.base + "/api/payments/notify", content=seed_body(order_no=order), timeout=10)
    assert unsigned.status_code == 401
    assert _offer(svc, openid, order).json() == {"kind": "pending"}
    body = seed_body(order_no=order)
    signed = httpx.post(svc.base + "/api/payments/notify", content=body, timeout=10,
                        headers={"X-Fission-Signature": sign(body, svc.config["payments"]["secret"])})
    assert signed.status_code == 200 and _offer(svc, openid, order).json()["chances"] == 1


def test_user_and_product_codes_must_match_the_registered_order(svc: Service) -> None:
    openid, order = uid(), seed_order_no()
    register_order(svc, order, openid, product="SEED", amount_fen=1)
    xml = (f"<Package><Request><OrderNo>{order}</OrderNo><PayId>P1</PayId><BankTradeDate>2026-11-22 10:00:00"
           f"</BankTradeDate><PayAmount>0.01</PayAmount><PayResult>2</PayResult><ErrCode/>"
           "<UserCode>{user}</UserCode><ProductCode>{product}</ProductCode></Request></Package>")
    for user, product in ((uid(), "SEED"), (openid, "OTHER")):
        r = post_token(svc, xml.format(user=user, product=product).encode())
        assert (r.status_code, r.json()["error"]) == (409, "conflict")
    assert _offer(svc, openid, order).json() == {"kind": "pending"}
    assert post_token(svc, xml.format(user=openid, product="SEED").encode()).status_code == 200
    assert _offer(svc, openid, order).json()["chances"] == 1


@pytest.mark.parametrize("path", ["/api/payments/orders/%00/refund", "/api/payments/orders/" + "9" * 300 + "/refund",
                                  f"/api/payments/notify/{TOKEN}%00", "/api/payments/notify/" + "k" * 500])
def test_impossible_paths_are_4xx(svc: Service, path: str) -> None:
    body = b"{}"
    r = httpx.post(svc.base + path, content=body, timeout=10,
                   headers={"X-Fission-Signature": sign(body, svc.config["payments"]["secret"])})
    assert 400 <= r.status_code < 500, r.text


def test_nul_in_a_registration_is_400(svc: Service) -> None:
    r = register_order(svc, "A\u0000B", uid(), product="SEED")
    assert r.status_code == 400
    r = register_order(svc, seed_order_no(), "o\u0000x", product="SEED")
    assert r.status_code == 400


def test_pending_is_the_payers_only(svc: Service) -> None:
    openid, order = uid(), seed_order_no()
    register_order(svc, order, openid, product="SEED", amount_fen=1)
    assert _offer(svc, uid("thief"), order).status_code == 404
    with closing(login(svc.base, openid)) as phone:
        page = phone.get(f"/pay/{order}")
        assert page.status_code == 200 and "支付结果确认中" in page.text and f'data-pending="{order}"' in page.text
    with closing(login(svc.base, uid("thief"))) as thief:
        assert thief.get(f"/pay/{order}").status_code == 404


def test_the_token_never_reaches_the_logs(svc: Service) -> None:
    order = seed_order_no()
    assert post_token(svc, seed_body(order_no=order)).status_code == 200
    assert post_token(svc, b"<broken", token=TOKEN).status_code == 400
    with open(svc.log_path) as f:
        log = f.read()
    assert "/api/payments/notify/" in log  # the access log is on and names the route
    assert TOKEN not in log and re.search(r"notify/\[redacted\]", log)


def test_token_route_is_off_without_a_token(fake: fakewx.FakeWeChat) -> None:
    s = Service(fake.url, workers=1, redis_db=2)
    try:
        for token in ("x" * 24, TOKEN):
            r = post_token(s, seed_body(), token=token)
            assert (r.status_code, r.json()["error"]) == (404, "not_found")
        assert post_token(s, seed_body(), token="").status_code == 401  # "/notify/" is the signed path
    finally:
        s.stop()


def test_allow_from_answers_403_to_other_sources(fake: fakewx.FakeWeChat) -> None:
    """127.0.0.1 is outside 203.0.113.0/24: 403 on both paths. Behind one trusted proxy the
    client address is the one the proxy forwarded."""
    s = Service(fake.url, workers=1, redis_db=2, payments={"notify_token": TOKEN, "allow_from": ["203.0.113.0/24"]},
                server={"proxies_count": 1})
    try:
        body = seed_body(order_no=seed_order_no())
        assert post_token(s, body).status_code == 403
        signed = httpx.post(s.base + "/api/payments/notify", content=body, timeout=10,
                            headers={"X-Fission-Signature": sign(body, s.config["payments"]["secret"])})
        assert (signed.status_code, signed.json()["error"]) == (403, "forbidden")
        forwarded = post_token(s, body, headers={"X-Forwarded-For": "203.0.113.7"})
        assert forwarded.status_code == 200, forwarded.text
        outside = post_token(s, body, headers={"X-Forwarded-For": "198.51.100.1"})
        assert outside.status_code == 403
    finally:
        s.stop()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres", "mysql"])
async def test_50_concurrent_copies_on_the_token_path_give_one_chance(fake: fakewx.FakeWeChat, backend: str) -> None:
    """Two worker processes; half the copies arrive before the order is registered, half after."""
    s = Service(fake.url, backend=backend, workers=2, redis_db=3, payments={"notify_token": TOKEN},
                server={"access_log": True})
    try:
        setup_lottery(s)
        openid, order = uid(), seed_order_no()
        body = seed_body(order_no=order)
        url = f"/api/payments/notify/{TOKEN}"
        async with httpx.AsyncClient(base_url=s.base, timeout=60, limits=httpx.Limits(max_connections=50)) as c:
            early = [c.post(url, content=body) for _ in range(25)]
            late = [c.post(url, content=body) for _ in range(25)]
            responses = await asyncio.gather(*early, asyncio.to_thread(register_order, s, order, openid, "SEED", 1),
                                             *late)
        registered = responses.pop(25)
        assert registered.status_code in (200, 201)
        assert [r.status_code for r in responses] == [200] * 50
        with closing(login(s.base, openid)) as phone:
            assert phone.get(f"/api/payments/{order}/offer").json()["chances"] == 1
            assert phone.post(f"/api/payments/{order}/draw").status_code == 200
            assert phone.post(f"/api/payments/{order}/draw").json()["error"] == "no_chance"
        with open(s.log_path) as f:
            log = f.read()
        assert log.count("notify/[redacted]") >= 50 and TOKEN not in log  # both worker processes redact
    finally:
        s.stop()
