"""Refunding a payment, on PostgreSQL, MariaDB and SQLite: unused chances and unused coupons are
taken back with a history row each, used ones stay, a repeat changes nothing; and through the
real service: the signed refund endpoint, and draws racing a refund on 2 processes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from bot.errors import ErrorCode, FissionError
from bot.infra.signing import sign
from handlers.coupons.grants import claim_payment_coupons
from handlers.payments.orders import register
from handlers.payments.refund import refund_payment
from handlers.payments.settle import accept_notice
from models.coupon import CouponAction, CouponHistory, UserCoupon
from models.lottery import LotteryChance, LotteryDraw
from models.payment import ChanceRevocation, OfferKind, PaymentNotification
from tests.support import fakewx
from tests.support.paykit import (
    NOW,
    SH,
    WINDOW,
    activity,
    admin_client,
    coupon_config,
    draw,
    lottery_config,
    paid,
    refund_order,
    register_order,
    template,
    uid,
)
from tests.support.seedpay import TOKEN, order_in, seed_body, seed_notice, setup_lottery
from tests.support.service import Service, login

NONE_ONLY = [{"name": "谢谢参与", "kind": "none", "weight": 1}]
CHANCES = 5


async def test_refund_takes_back_the_unused_chances(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY), chances=3)
    user, pay = await paid()
    assert (await draw(user, pay)).error is None
    out = await refund_payment(pay.order_no, NOW)
    assert (out["revoked_chances"], out["revoked_coupons"]) == (2, 0)
    assert await refund_payment(pay.order_no, NOW) == out  # idempotent
    assert (await draw(user, pay)).error is ErrorCode.NO_CHANCE
    assert await LotteryChance.filter(payment_id=pay.id).count() == 1  # the drawn one stays
    assert await LotteryDraw.filter(payment_id=pay.id).count() == 1
    revoked = await ChanceRevocation.filter(payment_id=pay.id).order_by("seq").values_list("seq", flat=True)
    assert revoked == [1, 2]
    after = await PaymentNotification.get(id=pay.id)
    assert after.refunded_at is not None and (after.chances, after.chances_used) == (1, 1)


async def test_refund_revokes_unused_coupons_and_keeps_used_ones(orm: str) -> None:
    a, b = await template(), await template(name="8.5折", kind="discount", value=85, threshold_fen=0)
    await coupon_config([a.id, b.id])
    user, pay = await paid()
    coupons, _ = await claim_payment_coupons(user.id, pay.order_no, NOW, SH)
    used = coupons[0]
    await UserCoupon.filter(id=used.id).update(used_at=NOW)
    out = await refund_payment(pay.order_no, NOW)
    assert out["revoked_coupons"] == 1 and await refund_payment(pay.order_no, NOW) == out
    kept, gone = await UserCoupon.get(id=used.id), await UserCoupon.get(id=coupons[1].id)
    assert (kept.used_at is not None, kept.revoked_at) == (True, None)
    assert gone.revoked_at is not None and gone.valid_until <= NOW
    history = await CouponHistory.filter(coupon_id=gone.id, action=CouponAction.REVOKED)
    assert len(history) == 1 and history[0].ref == f"refund:{pay.id}"
    assert not await CouponHistory.exists(coupon_id=used.id, action=CouponAction.REVOKED)


async def test_refund_before_the_claim_leaves_nothing_to_claim(orm: str) -> None:
    await coupon_config([(await template()).id])
    user, pay = await paid()
    await refund_payment(pay.order_no, NOW)
    with pytest.raises(FissionError) as e:
        await claim_payment_coupons(user.id, pay.order_no, NOW, SH)
    assert e.value.code is ErrorCode.NOTHING_TO_CLAIM
    assert await UserCoupon.filter(user_id=user.id).count() == 0


async def test_refund_revokes_a_coupon_won_with_the_payments_chance(orm: str) -> None:
    tpl = await template()
    act = await activity([{"name": "券", "kind": "coupon", "weight": 1, "coupon_template_id": tpl.id}])
    await lottery_config(act, chances=1)
    user, pay = await paid()
    won = await draw(user, pay)
    assert won.prize is not None and won.prize.kind == "coupon"
    out = await refund_payment(pay.order_no, NOW)
    assert (out["revoked_chances"], out["revoked_coupons"]) == (0, 1)
    assert (await UserCoupon.get(user_id=user.id)).revoked_at is not None


async def test_refund_before_the_notification_earns_nothing(orm: str) -> None:
    await lottery_config(await activity(NONE_ONLY))
    order = uid("ord")
    await register(order_in(order), SH)
    out = await refund_payment(order, NOW)
    assert out["revoked_chances"] == 0
    await accept_notice(seed_notice(order), NOW, SH)
    pay = await PaymentNotification.get(order_no=order)
    assert (pay.offer_kind, pay.chances) == (OfferKind.NONE, 0)


async def test_refund_of_an_unknown_order_is_404(orm: str) -> None:
    with pytest.raises(FissionError) as e:
        await refund_payment(uid("nope"), NOW)
    assert e.value.code is ErrorCode.NOT_FOUND


# ---- through the real service -----------------------------------------------------------------

@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=4, payments={"notify_token": TOKEN})
    act_id = setup_lottery(s)
    with admin_client(s) as admin:
        r = admin.post("/admin/api/pay-configs", json={
            "product_code": "MANY", "min_amount": 1, "kind": "lottery", "activity_id": act_id, "chances": CHANCES,
            **WINDOW})
        assert r.status_code == 200, r.text
    yield s
    s.stop()


def test_signed_refund_endpoint(svc: Service) -> None:
    openid, order = uid(), uid("r").replace("-", "")
    register_order(svc, order, openid, product="SEED", amount_fen=1)
    post = httpx.post(svc.base + f"/api/payments/notify/{TOKEN}", content=seed_body(order_no=order), timeout=30)
    assert post.status_code == 200
    assert refund_order(svc, order, secret="not-the-secret").status_code == 401
    first = refund_order(svc, order)
    assert first.status_code == 200 and first.json()["revoked_chances"] == 1
    assert refund_order(svc, order).json() == first.json()
    assert refund_order(svc, uid("none")).status_code == 404
    with closing(login(svc.base, openid)) as phone:
        assert phone.get(f"/api/payments/{order}/offer").json() == {"kind": "none"}
        assert phone.post(f"/api/payments/{order}/draw").json()["error"] == "no_chance"


@pytest.mark.slow
async def test_draws_racing_a_refund_never_use_a_revoked_chance(svc: Service) -> None:
    """Chances drawn + chances revoked = chances granted, whichever way each race went."""
    openid, order = uid(), uid("r").replace("-", "")
    register_order(svc, order, openid, product="MANY", amount_fen=1)
    await asyncio.to_thread(httpx.post, svc.base + f"/api/payments/notify/{TOKEN}",
                            content=seed_body(order_no=order), timeout=30)
    with closing(login(svc.base, openid)) as phone:
        cookies = dict(phone.cookies)
    async with httpx.AsyncClient(base_url=svc.base, timeout=60, cookies=cookies) as c:
        body = b"{}"
        refund = c.post(f"/api/payments/orders/{order}/refund", content=body,
                        headers={"X-Fission-Signature": sign(body, svc.config["payments"]["secret"])})
        results = await asyncio.gather(*[c.post(f"/api/payments/{order}/draw") for _ in range(4)], refund,
                                       *[c.post(f"/api/payments/{order}/draw") for _ in range(4)])
    out = results[4].json()
    drawn = sum(1 for r in results[:4] + results[5:] if r.status_code == 200)
    assert {r.status_code for r in results} <= {200, 409}
    assert drawn + out["revoked_chances"] == CHANCES
