"""The draw use case on PostgreSQL, MariaDB and SQLite: chances, frequency windows (through the
use case, `now` passed in), stock and its fallback, win limits, coupon prizes, history, outbox;
and, on 2 processes, 200 concurrent draws against a prize with stock 7."""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot.errors import ErrorCode
from bot.infra import logs
from handlers.lottery.batcher import DrawBatcher
from handlers.lottery.draw import DrawRequest, commit_draws
from handlers.lottery.tables import PrizeTables
from models.campaign_rules import FulfilmentStatus
from models.coupon import CouponHistory, CouponSource, UserCoupon
from models.lottery import LotteryActivity, LotteryDraw, LotteryPrize, UserPrize
from models.outbox import OutboxMessage
from models.payment import PaymentNotification
from tests.support import fakewx
from tests.support.paykit import (
    NOW,
    WINDOW,
    activity,
    admin_client,
    at_shanghai,
    ctx,
    draw,
    lottery_config,
    paid,
    send_notice,
    template,
    uid,
)
from tests.support.service import Service, alogin

NONE_ONLY = [{"name": "谢谢参与", "kind": "none", "weight": 1}]


async def used(pay: PaymentNotification) -> int:
    """Chances drawn: the payment's counter, which must match its draw rows."""
    counter = (await PaymentNotification.get(id=pay.id)).chances_used
    assert counter == await LotteryDraw.filter(payment_id=pay.id).count()
    return counter


async def test_a_chance_is_drawn_once_and_every_draw_is_history(orm: str) -> None:
    act = await activity([{"name": "保温杯", "kind": "goods", "weight": 1, "stock": 10}] + NONE_ONLY)
    await lottery_config(act, chances=2)
    user, pay = await paid()
    first, second, third = [await draw(user, pay) for _ in range(3)]
    assert (first.chances, second.chances) == (1, 0)
    assert third.error is ErrorCode.NO_CHANCE
    assert await used(pay) == 2
    assert await LotteryDraw.filter(user_id=user.id).count() == 2


async def test_a_winners_notice_carries_the_drawing_requests_id(orm: str) -> None:
    act = await activity([{"name": "保温杯", "kind": "goods", "weight": 1, "stock": 10}])
    await lottery_config(act, chances=1)
    user, pay = await paid()
    with logs.bound_request_id("rid-draw-1"):
        request = DrawRequest(user.id, pay.order_no)  # made in the request's context, committed in a batch
    (outcome,) = await commit_draws([request], ctx(), NOW)
    assert outcome.prize is not None
    notice = await OutboxMessage.get(key__startswith="prize:chance:", kind="prize_won")
    assert notice.payload["request_id"] == "rid-draw-1" and notice.payload["owner_id"] == user.id


async def test_two_requests_in_one_batch_share_one_chance(orm: str) -> None:
    act = await activity(NONE_ONLY)
    await lottery_config(act, chances=1)
    user, pay = await paid()
    outcomes = await commit_draws([DrawRequest(user.id, pay.order_no)] * 2, ctx(), NOW)
    assert [o.error for o in outcomes] == [None, ErrorCode.NO_CHANCE]
    assert await LotteryDraw.filter(payment_id=pay.id).count() == 1


async def test_another_users_order_is_not_found_and_changes_nothing(orm: str) -> None:
    act = await activity(NONE_ONLY)
    await lottery_config(act)
    _payer, pay = await paid()
    stranger, _ = await paid()
    assert (await draw(stranger, pay)).error is ErrorCode.NOT_FOUND
    assert await used(pay) == 0 and not await LotteryDraw.exists(payment_id=pay.id)


@pytest.mark.parametrize(("frequency", "first", "same_window", "next_window"), [
    # daily: 23:59:59 and 00:00:00 Asia/Shanghai are different days
    (1, (2026, 11, 22, 0, 0, 0), (2026, 11, 22, 23, 59, 59), (2026, 11, 23, 0, 0, 0)),
    # weekly, Monday start: Sunday 23:59:59 is still the week of Monday 16th
    (2, (2026, 11, 16, 0, 0, 0), (2026, 11, 22, 23, 59, 59), (2026, 11, 23, 0, 0, 0)),
    # monthly at a month end
    (3, (2026, 1, 1, 0, 0, 0), (2026, 1, 31, 23, 59, 59), (2026, 2, 1, 0, 0, 0)),
    # monthly across 29 February of a leap year
    (3, (2028, 2, 1, 0, 0, 0), (2028, 2, 29, 23, 59, 59), (2028, 3, 1, 0, 0, 0)),
])
async def test_frequency_windows_through_the_use_case(
        orm: str, frequency: int, first: tuple[int, ...], same_window: tuple[int, ...],
        next_window: tuple[int, ...]) -> None:
    act = await activity(NONE_ONLY, frequency=frequency)
    await lottery_config(act, chances=5)
    user, pay = await paid()
    assert (await draw(user, pay, at_shanghai(*first))).error is None
    refused = await draw(user, pay, at_shanghai(*same_window))
    assert (refused.error, refused.chances) == (ErrorCode.FREQUENCY_LIMIT, 4)
    assert (await draw(user, pay, at_shanghai(*next_window))).error is None
    assert await used(pay) == 2


async def test_frequency_counts_across_payments_of_the_same_activity(orm: str) -> None:
    act = await activity(NONE_ONLY, frequency=1)
    await lottery_config(act)
    user, pay1 = await paid()
    _same, pay2 = await paid(user.openid)
    assert (await draw(user, pay1)).error is None
    assert (await draw(user, pay2)).error is ErrorCode.FREQUENCY_LIMIT


async def test_closed_or_disabled_activity_refuses(orm: str) -> None:
    act = await activity(NONE_ONLY, start=NOW + dt.timedelta(hours=1), end=NOW + dt.timedelta(days=1))
    await lottery_config(act)
    user, pay = await paid()
    assert (await draw(user, pay)).error is ErrorCode.ACTIVITY_CLOSED
    await LotteryActivity.filter(id=act.id).update(start_time=NOW, enabled=False)
    assert (await draw(user, pay)).error is ErrorCode.ACTIVITY_CLOSED
    await LotteryActivity.filter(id=act.id).update(enabled=True, version=2)
    assert (await draw(user, pay)).error is None  # start inclusive


async def test_stock_is_never_over_issued_and_falls_back(orm: str) -> None:
    act = await activity([{"name": "耳机", "kind": "goods", "weight": 10**9, "stock": 3}] + NONE_ONLY)
    await lottery_config(act, chances=10)
    user, pay = await paid()
    outcomes = await commit_draws([DrawRequest(user.id, pay.order_no)] * 10, ctx(), NOW)
    kinds = [o.prize.kind if o.prize else None for o in outcomes]
    assert kinds.count("goods") == 3 and kinds.count("none") == 7
    assert (await LotteryPrize.get(name="耳机")).stock == 0
    assert await UserPrize.filter(user_id=user.id, status=FulfilmentStatus.PENDING).count() == 3


async def test_sold_out_prize_falls_back_to_remaining_prizes(orm: str) -> None:
    act = await activity([{"name": "大奖", "kind": "goods", "weight": 1000, "stock": 0},
                          {"name": "小奖", "kind": "goods", "weight": 1, "stock": None}])
    await lottery_config(act, chances=5)
    user, pay = await paid()
    for _ in range(5):
        assert (await draw(user, pay)).prize.name == "小奖"  # type: ignore[union-attr]


async def test_nothing_left_draws_null(orm: str) -> None:
    act = await activity([{"name": "大奖", "kind": "goods", "weight": 5, "stock": 1}])
    await lottery_config(act, chances=2)
    user, pay = await paid()
    assert (await draw(user, pay)).prize is not None
    empty = await draw(user, pay)
    assert (empty.error, empty.prize) == (None, None)
    assert await LotteryDraw.filter(payment_id=pay.id, prize_id__isnull=True).count() == 1


async def test_win_limit_is_separate_from_draw_count(orm: str) -> None:
    act = await activity([{"name": "红包封面", "kind": "goods", "weight": 10**6}] + NONE_ONLY, win_limit=2)
    await lottery_config(act, chances=6)
    user, pay = await paid()
    outcomes = [await draw(user, pay) for _ in range(6)]
    assert [o.prize.kind for o in outcomes if o.prize].count("goods") == 2
    assert all(o.error is None for o in outcomes)
    assert await LotteryDraw.filter(user_id=user.id).count() == 6


async def test_coupon_prize_grants_a_coupon_with_history_and_outbox(orm: str) -> None:
    t = await template(stock=5)
    act = await activity([{"name": "2元券", "kind": "coupon", "weight": 1, "coupon_template_id": t.id}])
    await lottery_config(act)
    user, pay = await paid()
    outcome = await draw(user, pay)
    assert outcome.prize is not None and outcome.prize.kind == "coupon"
    coupon = await UserCoupon.get(user_id=user.id)
    assert (coupon.source, coupon.value, coupon.template_id) == (CouponSource.LOTTERY, 200, t.id)
    assert coupon.valid_until == at_shanghai(2026, 11, 30)  # granted the 22nd, 7 days, local midnight
    won = await UserPrize.get(user_id=user.id)
    assert (won.status, won.coupon_id) == (FulfilmentStatus.GRANTED, coupon.id)
    assert await CouponHistory.filter(coupon_id=coupon.id, action="granted").count() == 1
    msg = await OutboxMessage.get(kind="prize_won")
    assert msg.payload["owner_id"] == user.id and msg.payload["prize_name"] == "2元券"
    assert (await type(t).get(id=t.id)).stock_left == 4


async def test_coupon_prize_respects_template_stock_and_user_limit(orm: str) -> None:
    short = await template(stock=1)
    once = await template(per_user_limit=1)
    act = await activity([{"name": "A", "kind": "coupon", "weight": 1, "coupon_template_id": short.id},
                          {"name": "B", "kind": "coupon", "weight": 1, "coupon_template_id": once.id}] + NONE_ONLY)
    await lottery_config(act, chances=30)
    user, pay = await paid()
    outcomes = [await draw(user, pay, c=ctx(seed=i)) for i in range(30)]
    names = [o.prize.name for o in outcomes if o.prize]
    assert names.count("A") == 1 and names.count("B") == 1
    assert await UserCoupon.filter(user_id=user.id).count() == 2


async def test_alias_table_is_built_once_per_activity_version(orm: str) -> None:
    act = await activity([{"name": "奖", "kind": "goods", "weight": 1}] + NONE_ONLY)
    await lottery_config(act, chances=4)
    user, pay = await paid()
    tables = PrizeTables()
    c = ctx(tables=tables)
    await draw(user, pay, c=c)
    await draw(user, pay, c=c)
    assert tables.builds == 1
    await LotteryActivity.filter(id=act.id).update(version=act.version + 1)
    await draw(user, pay, c=c)
    assert tables.builds == 2


async def test_batcher_never_over_issues_under_concurrency(orm: str) -> None:
    act = await activity([{"name": "限量", "kind": "goods", "weight": 10**9, "stock": 5}] + NONE_ONLY)
    await lottery_config(act)
    payers = [await paid() for _ in range(30)]
    batcher = DrawBatcher(ctx(), clock=lambda: NOW)
    batcher.start()
    try:
        outcomes = await asyncio.gather(*[batcher.submit(DrawRequest(u.id, p.order_no)) for u, p in payers])
    finally:
        await batcher.stop()
    assert sum(1 for o in outcomes if o.prize and o.prize.kind == "goods") == 5
    assert (await LotteryPrize.get(name="限量")).stock == 0
    assert await LotteryDraw.all().count() == 30


async def test_one_batch_takes_mixed_amounts_from_several_prizes(orm: str) -> None:
    act = await activity([{"name": "甲", "kind": "goods", "weight": 10**6, "stock": 3},
                          {"name": "乙", "kind": "goods", "weight": 10**6, "stock": 4}] + NONE_ONLY)
    await lottery_config(act, chances=20)
    user, pay = await paid()
    outcomes = await commit_draws([DrawRequest(user.id, pay.order_no)] * 20, ctx(), NOW)
    names = [o.prize.name for o in outcomes if o.prize]
    assert (names.count("甲"), names.count("乙"), names.count("谢谢参与")) == (3, 4, 13)
    assert await LotteryPrize.filter(activity_id=act.id, stock=0).count() == 2
    assert await used(pay) == 20


async def test_racing_batchers_never_draw_a_chance_twice(orm: str, db_url: str) -> None:
    """Two batchers (as in two worker processes) hammer the same few payers and two limited prizes:
    batches race on counters, chances and stock rows; every draw still lands exactly once."""
    if db_url.startswith("sqlite"):
        pytest.skip("one writer at a time: SQLite cannot race two batches")
    act = await activity([{"name": "甲", "kind": "goods", "weight": 3, "stock": 40},
                          {"name": "乙", "kind": "goods", "weight": 3, "stock": 40}, *NONE_ONLY])
    await lottery_config(act, chances=200)
    payers = [await paid() for _ in range(6)]
    batchers = [DrawBatcher(ctx(seed), clock=lambda: NOW) for seed in (1, 2)]
    for b in batchers:
        b.start()
    try:
        outcomes = await asyncio.gather(*[batchers[i % 2].submit(DrawRequest(u.id, p.order_no))
                                          for i in range(300) for u, p in [payers[i % 6]]])
    finally:
        for b in batchers:
            await b.stop()
    assert {o.error for o in outcomes} == {None}
    assert sum([await used(p) for _u, p in payers]) == 300
    won = sum(1 for o in outcomes if o.prize and o.prize.kind == "goods")
    assert won == await UserPrize.all().count() == 80 - sum(
        await LotteryPrize.filter(activity_id=act.id, kind="goods").values_list("stock", flat=True))


# ---- 2 processes, PostgreSQL + Redis -----------------------------------------------------------

async def login_all(base: str, openids: list[str]) -> list[httpx.AsyncClient]:
    sem = asyncio.Semaphore(40)

    async def one(o: str) -> httpx.AsyncClient:
        async with sem:
            return await alogin(base, o, httpx.Limits(max_connections=2))

    return await asyncio.gather(*[one(o) for o in openids])


@pytest.mark.slow
async def test_200_concurrent_draws_on_two_processes_win_exactly_the_stock(fake: fakewx.FakeWeChat) -> None:
    svc = Service(fake.url, workers=2, redis_db=2)
    try:
        with admin_client(svc) as admin:
            act = admin.post("/admin/api/activities", json={
                "name": "并发抽奖", **WINDOW, "frequency": 0, "win_limit": 0, "prizes": [
                    {"name": "限量大奖", "kind": "goods", "weight": 1000, "stock": 7},
                    {"name": "谢谢参与", "kind": "none", "weight": 1}]}).json()
            assert admin.post("/admin/api/pay-configs", json={
                "product_code": "STORM", "min_amount": 1, "kind": "lottery", "activity_id": act["id"],
                "start_time": "2020-01-01T00:00:00Z", "end_time": "2040-01-01T00:00:00Z"}).status_code == 200
        openids = [uid("storm") for _ in range(200)]
        with ThreadPoolExecutor(8) as pool:  # the setup, 8 at a time; the draws below all at once
            assert set(pool.map(lambda o: send_notice(svc, f"ord-{o}", o, product="STORM").status_code,
                                openids)) == {200}
        phones = await login_all(svc.base, openids)
        try:  # every draw fired at once, after every login
            responses = await asyncio.gather(*[p.post(f"/api/payments/ord-{o}/draw") for p, o in zip(
                phones, openids, strict=True)])
        finally:
            await asyncio.gather(*[p.aclose() for p in phones])
        assert {r.status_code for r in responses} == {200}, [r.text for r in responses if r.status_code != 200][:3]
        won = [r.json()["prize"] for r in responses if r.json()["prize"]["kind"] == "goods"]
        assert len(won) == 7
        with admin_client(svc) as admin:
            pool = admin.get(f"/admin/api/activities/{act['id']}").json()["prizes"]
            assert [p["stock"] for p in pool if p["kind"] == "goods"] == [0]
            assert len(admin.get("/admin/api/user-prizes").json()["prizes"]) == 7
    finally:
        svc.stop()
