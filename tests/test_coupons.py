"""Coupons: lists by status, gifting (share token, claimed once, the giver loses it), redemption
(idempotent), history rows — storage-level on PostgreSQL, MariaDB and SQLite, then over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from bot.errors import ErrorCode, FissionError
from handlers.coupons.grants import claim_payment_coupons
from handlers.coupons.routes import claim_shared, my_coupons, redeem, share_coupon
from models.coupon import CouponAction, CouponHistory, UserCoupon
from models.coupon_rules import CouponStatus
from tests.support import fakewx
from tests.support.paykit import NOW, SH, WINDOW, admin_client, coupon_config, paid, send_notice, template, uid
from tests.support.service import Service, login

LATER = NOW + dt.timedelta(days=30)


async def granted(**template_fields: object) -> tuple[int, UserCoupon]:
    t = await template(**template_fields)
    await coupon_config([t.id])
    user, pay = await paid()
    coupons, _ = await claim_payment_coupons(user.id, pay.order_no, NOW, SH)
    return user.id, coupons[0]


async def holder(c: UserCoupon) -> str:
    return (await UserCoupon.get(id=c.id).prefetch_related("user")).user.openid


async def _code(coro: object) -> ErrorCode:
    with pytest.raises(FissionError) as e:
        await coro  # type: ignore[misc]
    return e.value.code


async def actions(coupon_id: int) -> list[str]:
    return [str(a) for a in await CouponHistory.filter(coupon_id=coupon_id).order_by("id").values_list(
        "action", flat=True)]


async def test_gift_moves_the_coupon_once(orm: str) -> None:
    giver, coupon = await granted()
    friend, other = (await paid())[0].id, (await paid())[0].id
    token = await share_coupon(coupon.id, giver, NOW)
    assert await share_coupon(coupon.id, giver, NOW) == token  # sharing again: the same link
    assert await _code(claim_shared(token, giver, NOW)) is ErrorCode.SELF_CLAIM
    claimed = await claim_shared(token, friend, NOW)
    assert (claimed.user_id, claimed.granted_to_id, claimed.share_token) == (friend, giver, None)
    assert await _code(claim_shared(token, other, NOW)) is ErrorCode.ALREADY_CLAIMED
    assert await my_coupons(giver, None, NOW) == []
    assert [c.id for c in await my_coupons(friend, CouponStatus.UNUSED, NOW)] == [coupon.id]
    assert await actions(coupon.id) == ["granted", "shared", "claimed"]


async def test_concurrent_claims_of_one_gift_have_one_winner(orm: str, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("one writer at a time: SQLite cannot race two claims")
    giver, coupon = await granted()
    token = await share_coupon(coupon.id, giver, NOW)
    friends = [(await paid())[0].id for _ in range(8)]
    results = await asyncio.gather(*[claim_shared(token, f, NOW) for f in friends], return_exceptions=True)
    winners = [r for r in results if isinstance(r, UserCoupon)]
    assert len(winners) == 1
    assert all(isinstance(r, FissionError) and r.code is ErrorCode.ALREADY_CLAIMED for r in results
               if not isinstance(r, UserCoupon))
    assert await CouponHistory.filter(coupon_id=coupon.id, action=CouponAction.CLAIMED).count() == 1


async def test_used_or_expired_coupons_cannot_be_shared(orm: str) -> None:
    owner, coupon = await granted()
    await redeem(coupon.id, "till-1", await holder(coupon), NOW)
    assert await _code(share_coupon(coupon.id, owner, NOW)) is ErrorCode.COUPON_USED
    owner2, fresh = await granted()
    assert await _code(share_coupon(fresh.id, owner2, LATER)) is ErrorCode.COUPON_EXPIRED
    assert await _code(share_coupon(fresh.id, owner, NOW)) is ErrorCode.NOT_FOUND  # not theirs


async def test_redemption_is_idempotent_per_ref_with_one_history_row(orm: str) -> None:
    _owner, coupon = await granted()
    who = await holder(coupon)
    first, dup1 = await redeem(coupon.id, "till-7", who, NOW)
    again, dup2 = await redeem(coupon.id, "till-7", who, NOW + dt.timedelta(minutes=1))
    assert (dup1, dup2) == (False, True) and first.used_at == again.used_at and again.redeem_ref == "till-7"
    assert await _code(redeem(coupon.id, "till-8", who, NOW)) is ErrorCode.ALREADY_USED
    assert (await actions(coupon.id)).count("redeemed") == 1


async def test_redemption_needs_the_holder(orm: str) -> None:
    _owner, coupon = await granted()
    other, _pay = await paid()
    assert await _code(redeem(coupon.id, "till-1", other.openid, NOW)) is ErrorCode.NOT_FOUND
    assert (await UserCoupon.get(id=coupon.id)).used_at is None
    await redeem(coupon.id, "till-1", await holder(coupon), NOW)
    # a used coupon looks the same to a stranger, even with the winning ref
    assert await _code(redeem(coupon.id, "till-1", other.openid, NOW)) is ErrorCode.NOT_FOUND


async def test_twenty_concurrent_redemptions_with_different_refs_have_one_winner(orm: str, db_url: str) -> None:
    _owner, coupon = await granted()
    who = await holder(coupon)
    results = await asyncio.gather(*[redeem(coupon.id, f"till-{i}", who, NOW) for i in range(20)],
                                   return_exceptions=True)
    won = [r for r in results if isinstance(r, tuple) and r[1] is False]
    assert len(won) == 1
    lost = [r for r in results if not (isinstance(r, tuple) and r[1] is False)]
    assert all(isinstance(r, FissionError) and r.code is ErrorCode.ALREADY_USED for r in lost), lost
    c = await UserCoupon.get(id=coupon.id)
    assert c.redeem_ref == won[0][0].redeem_ref
    assert (await actions(coupon.id)).count("redeemed") == 1
    # the winner's ref again is still the same answer
    assert (await redeem(coupon.id, c.redeem_ref, who, NOW))[1] is True


async def test_redeem_refuses_outside_the_validity_window(orm: str) -> None:
    _o, later = await granted(valid_days=None, valid_from=NOW + dt.timedelta(days=1), valid_until=LATER)
    assert await _code(redeem(later.id, "r", await holder(later), NOW)) is ErrorCode.COUPON_NOT_STARTED
    _o2, short = await granted(valid_days=1)
    assert await _code(redeem(short.id, "r", await holder(short), LATER)) is ErrorCode.COUPON_EXPIRED
    assert await _code(redeem(10**9, "r", "nobody", NOW)) is ErrorCode.NOT_FOUND


async def test_list_by_status(orm: str) -> None:
    owner, used = await granted()
    await redeem(used.id, "till-1", await holder(used), NOW)
    _same, pay = await paid((await used.user).openid)
    fresh = (await claim_payment_coupons(owner, pay.order_no, NOW, SH))[0][0]
    assert [c.id for c in await my_coupons(owner, CouponStatus.USED, LATER)] == [used.id]
    assert [c.id for c in await my_coupons(owner, CouponStatus.EXPIRED, LATER)] == [fresh.id]
    assert [c.id for c in await my_coupons(owner, CouponStatus.UNUSED, NOW)] == [fresh.id]


# ---- through the real service -----------------------------------------------------------------

@pytest.fixture(scope="module")
def svc() -> Iterator[Service]:
    fake = fakewx.FakeWeChat()
    fake.start()
    s = Service(fake.url, workers=1, redis_db=4)
    with admin_client(s) as admin:
        tpl = admin.post("/admin/api/coupon-templates", json={
            "name": "满20减5", "type": "amount", "value": 500, "threshold": 2000, "valid_days": 30}).json()
        admin.post("/admin/api/pay-configs", json={"product_code": "CPN", "min_amount": 0, "kind": "coupon",
                                                   "coupon_template_ids": [tpl["id"]], **WINDOW})
    yield s
    s.stop()
    fake.stop()


def _coupon_for(svc: Service, openid: str) -> dict[str, object]:
    order = uid("ord")
    send_notice(svc, order, openid, product="CPN")
    with closing(login(svc.base, openid)) as phone:
        return phone.post(f"/api/payments/{order}/claim").json()["coupons"][0]


def test_share_and_claim_over_http(svc: Service) -> None:
    giver, friend = uid("giver"), uid("friend")
    coupon = _coupon_for(svc, giver)
    with closing(login(svc.base, giver)) as g, closing(login(svc.base, friend)) as f:
        shared = g.post(f"/api/me/coupons/{coupon['id']}/share").json()
        assert shared["share_url"].endswith(f"/c/{shared['share_token']}")
        preview = f.get(f"/api/coupons/claim/{shared['share_token']}").json()
        assert preview["coupon"]["id"] == coupon["id"]
        page = f.get(f"/c/{shared['share_token']}")
        assert page.status_code == 200 and "送你一张优惠券" in page.text
        assert f.post(f"/api/coupons/claim/{shared['share_token']}").json()["coupon"]["id"] == coupon["id"]
        again = f.post(f"/api/coupons/claim/{shared['share_token']}")
        assert (again.status_code, again.json()["error"]) == (409, "already_claimed")
        assert g.get("/api/me/coupons").json()["coupons"] == []
        assert [c["id"] for c in f.get("/api/me/coupons?status=unused").json()["coupons"]] == [coupon["id"]]
        assert f.get("/api/me/coupons?status=bogus").status_code == 400


def test_redeem_over_http(svc: Service) -> None:
    openid = uid()
    coupon = _coupon_for(svc, openid)
    path = f"/admin/api/coupons/{coupon['id']}/redeem"
    assert httpx.post(svc.base + path, timeout=10).status_code == 401
    assert httpx.post(svc.base + path, headers={"Authorization": "Bearer wrong-token-123"}, timeout=10
                      ).status_code == 401
    with admin_client(svc) as admin:
        for body in ({}, {"ref": "till-1"}, {"openid": openid}, {"ref": "", "openid": openid},
                     {"ref": "till-1", "openid": openid, "price": -1}):
            r = admin.post(path, json=body)
            assert (r.status_code, r.json()["error"]) == (400, "invalid_body"), body
        stranger = admin.post(path, json={"ref": "till-1", "openid": uid()})
        assert (stranger.status_code, stranger.json()["error"]) == (404, "not_found")
        short = admin.post(path, json={"ref": "till-1", "openid": openid, "price": 1999})
        assert (short.status_code, short.json()["error"]) == (409, "threshold_not_met")
        first = admin.post(path, json={"ref": "till-1", "openid": openid, "price": 2500}).json()
        again = admin.post(path, json={"ref": "till-1", "openid": openid, "price": 2500}).json()
        assert (first["duplicate"], again["duplicate"], first["pay_amount"]) == (False, True, 2000)
        assert first["coupon"]["status"] == "used" and again["coupon"] == first["coupon"]
        other = admin.post(path, json={"ref": "till-2", "openid": openid})
        assert (other.status_code, other.json()["error"]) == (409, "already_used")
    with closing(login(svc.base, openid)) as phone:
        assert [c["id"] for c in phone.get("/api/me/coupons?status=used").json()["coupons"]] == [coupon["id"]]
        page = phone.get("/me/coupons?status=used")
        assert page.status_code == 200 and "满20减5" in page.text and "已使用" in page.text
        assert phone.get("/me/prizes").status_code == 200
        assert phone.get("/api/me/prizes").json() == {"prizes": []}
