"""Activity types (支付抽奖 / 大转盘 / 翻牌), prize detail on "my prizes" and 保底: the pure rules;
保底 on PostgreSQL, MariaDB and SQLite; through the real service (admin API, my prizes) and a
pity streak drawn concurrently on 2 processes."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from models.activity_rules import activity_types, guarantee_due, pick_weighted, validate_activity_extras
from models.lottery import DrawStreak, LotteryActivity, LotteryDraw, LotteryPrize
from tests.support import fakewx
from tests.support.imports import imported_roots
from tests.support.paykit import WINDOW, activity, admin_client, ctx, draw, lottery_config, paid, send_notice, uid
from tests.support.service import Service, login

# the goods prize is (nearly) never drawn by chance: a win is the guarantee's doing
RARE = [{"name": "保温杯", "kind": "goods", "weight": 1, "stock": 10},
        {"name": "谢谢参与", "kind": "none", "weight": 10**9}]


def test_rules_module_is_pure() -> None:
    path = Path(__file__).resolve().parents[1] / "models" / "activity_rules.py"
    assert not imported_roots(path) & {"tortoise", "redis", "sanic", "httpx"}


def test_activity_extras_validation() -> None:
    assert validate_activity_extras({}) == []
    assert validate_activity_extras({"type": "wheel", "guarantee_after": 10}) == []
    problems = validate_activity_extras({"type": "slot", "guarantee_after": -1, "prizes": [
        {"description": 5, "image_url": "javascript:alert(1)", "how_to_redeem": "x" * 501}]})
    assert len(problems) == 5, problems
    assert validate_activity_extras({"guarantee_after": True}) != []
    assert validate_activity_extras({"prizes": [{"image_url": 'https://x/a.png" onerror="x'}]}) != []
    assert [t["name"] for t in activity_types()] == ["支付抽奖", "大转盘", "翻牌"]


def test_guarantee_rules() -> None:
    assert not guarantee_due(5, 0) and not guarantee_due(2, 3) and guarantee_due(3, 3)
    rng = random.Random(1)
    assert pick_weighted({}, rng) is None and pick_weighted({4: 0}, rng) == 4
    picks = [pick_weighted({1: 1, 2: 3}, rng) for _ in range(4000)]
    assert 0.2 < picks.count(1) / len(picks) < 0.3


async def test_after_n_misses_the_next_draw_wins(orm: str) -> None:
    act = await activity(RARE)
    await LotteryActivity.filter(id=act.id).update(guarantee_after=3)
    await lottery_config(act, chances=8)
    user, pay = await paid()
    c = ctx(7)
    kinds = [(await draw(user, pay, c=c)).prize.kind for _ in range(8)]  # type: ignore[union-attr]
    assert kinds == ["none", "none", "none", "goods", "none", "none", "none", "goods"]
    assert (await DrawStreak.get(user_id=user.id, activity_id=act.id)).misses == 0
    assert (await LotteryPrize.get(activity_id=act.id, kind="goods")).stock == 8


async def test_the_guarantee_skips_a_sold_out_prize(orm: str) -> None:
    act = await activity([{"name": "无货", "kind": "goods", "weight": 1, "stock": 0},
                          {"name": "有货", "kind": "goods", "weight": 1, "stock": 5},
                          {"name": "谢谢参与", "kind": "none", "weight": 10**9}])
    await LotteryActivity.filter(id=act.id).update(guarantee_after=1)
    await lottery_config(act, chances=2)
    user, pay = await paid()
    c = ctx(3)
    first, second = (await draw(user, pay, c=c)).prize, (await draw(user, pay, c=c)).prize
    assert first is not None and first.kind == "none"
    assert second is not None and second.name == "有货"


async def test_the_streak_is_per_user(orm: str) -> None:
    act = await activity(RARE)
    await LotteryActivity.filter(id=act.id).update(guarantee_after=2)
    await lottery_config(act, chances=2)
    (a, pay_a), (b, pay_b) = await paid(), await paid()
    c = ctx(5)
    for user, pay in ((a, pay_a), (b, pay_b), (a, pay_a)):
        await draw(user, pay, c=c)
    assert (await DrawStreak.get(user_id=a.id)).misses == 2 and (await DrawStreak.get(user_id=b.id)).misses == 1


# ---- through the real service -----------------------------------------------------------------

@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=6)
    yield s
    s.stop()


def test_activity_types_are_listed_and_filterable(svc: Service) -> None:
    with admin_client(svc) as admin:
        assert admin.get("/admin/api/activity-types").json()["activity_types"][1] == {"code": "wheel",
                                                                                       "name": "大转盘"}
        made = {}
        for kind in ("wheel", "flip_card", None):
            body = {"name": f"活动{kind}", **WINDOW, "frequency": 0, "prizes": RARE}
            if kind:
                body["type"] = kind
            r = admin.post("/admin/api/activities", json=body)
            assert r.status_code == 200, r.text
            made[kind] = r.json()
        assert made[None]["type"] == "pay_lottery" and made[None]["type_name"] == "支付抽奖"
        wheels = admin.get("/admin/api/activities", params={"type": "wheel"}).json()["activities"]
        assert made["wheel"]["id"] in [a["id"] for a in wheels] and {a["type"] for a in wheels} == {"wheel"}
        assert admin.get("/admin/api/activities", params={"type": "slot"}).status_code == 400
        r = admin.patch(f"/admin/api/activities/{made['wheel']['id']}", json={"type": "flip_card"})
        assert r.status_code == 200 and r.json()["type"] == "flip_card"
        bad = admin.post("/admin/api/activities", json={"name": "x", **WINDOW, "frequency": 0, "prizes": RARE,
                                                        "type": "slot", "guarantee_after": -2})
        assert bad.status_code == 400
    assert httpx.get(svc.base + "/admin/api/activity-types", timeout=10).status_code == 401


def test_prize_detail_on_my_prizes(svc: Service) -> None:
    detail = {"description": "316 不锈钢 500ml", "image_url": "https://img.example.com/cup.png",
              "how_to_redeem": "凭中奖记录到门店领取 <b>"}
    with admin_client(svc) as admin:
        act = admin.post("/admin/api/activities", json={
            "name": "详情", **WINDOW, "frequency": 0,
            "prizes": [{"name": "保温杯", "kind": "goods", "weight": 1, "stock": 10, **detail}]}).json()
        assert {k: act["prizes"][0][k] for k in detail} == detail
        admin.post("/admin/api/pay-configs", json={"product_code": "DETAIL", "min_amount": 1, "kind": "lottery",
                                                   "activity_id": act["id"], **WINDOW})
    openid, order = uid(), uid("ord")
    assert send_notice(svc, order, openid, product="DETAIL").status_code == 200
    with closing(login(svc.base, openid)) as phone:
        assert phone.post(f"/api/payments/{order}/draw").json()["prize"]["name"] == "保温杯"
        prize = phone.get("/api/me/prizes").json()["prizes"][0]
        assert {k: prize[k] for k in detail} == detail
        page = phone.get("/me/prizes").text
        assert "316 不锈钢 500ml" in page and "https://img.example.com/cup.png" in page
        assert "兑换方式：凭中奖记录到门店领取 &lt;b&gt;" in page


@pytest.mark.slow
async def test_a_pity_streak_is_exact_under_concurrent_draws_on_2_processes(svc: Service) -> None:
    """guarantee_after 4 and (nearly) never a win by chance: 20 concurrent draws of one user
    on 2 processes win exactly every 5th draw — 4 wins — however the draws interleave."""
    with admin_client(svc) as admin:
        act = admin.post("/admin/api/activities", json={"name": "保底", **WINDOW, "frequency": 0,
                                                        "guarantee_after": 4, "prizes": RARE}).json()
        admin.post("/admin/api/pay-configs", json={"product_code": "PITY", "min_amount": 1, "kind": "lottery",
                                                   "activity_id": act["id"], "chances": 20, **WINDOW})
    openid, order = uid(), uid("ord")
    assert send_notice(svc, order, openid, product="PITY").status_code == 200
    with closing(login(svc.base, openid)) as phone:
        cookies = dict(phone.cookies)
    async with httpx.AsyncClient(base_url=svc.base, timeout=60, cookies=cookies,
                                 limits=httpx.Limits(max_connections=20)) as c:
        results = await asyncio.gather(*[c.post(f"/api/payments/{order}/draw") for _ in range(20)])
    assert [r.status_code for r in results] == [200] * 20
    kinds = [r.json()["prize"]["kind"] for r in results]
    assert kinds.count("goods") == 4
    with closing(login(svc.base, openid)) as phone:
        assert len(phone.get("/api/me/prizes").json()["prizes"]) == 4


async def test_history_order_of_a_pity_streak(orm: str) -> None:
    """In draw (id) order the wins are exactly draws 5, 10, 15, 20."""
    act = await activity(RARE)
    await LotteryActivity.filter(id=act.id).update(guarantee_after=4)
    await lottery_config(act, chances=20)
    user, pay = await paid()
    c = ctx(11)
    for _ in range(20):
        await draw(user, pay, c=c)
    won = await LotteryDraw.filter(user_id=user.id).order_by("id").values_list("won", flat=True)
    assert [i + 1 for i, w in enumerate(won) if w] == [5, 10, 15, 20]
