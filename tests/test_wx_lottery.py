"""`抽奖` / `优惠券` on `/wechat/mp` through the HTTP edge of the real service (2 processes,
PostgreSQL, Redis db 10): a payer who drew a prize and claimed a coupon, one with nothing, chances
of a disabled activity left out, a redeemed coupon gone, menu clicks, safe mode. The prizes,
chances and coupons are made through the public APIs (payment notification, draw, claim)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from handlers.lottery import messages as wx_lottery
from models.coupon import UserCoupon
from tests.support import fakewx
from tests.support.paykit import WINDOW, admin_client, send_notice, uid
from tests.support.service import Service, login
from tests.support.wxclient import MpServer, fixture_xml, mp_server, unique_msg_id

REDIS_DB = 10
SH = ZoneInfo("Asia/Shanghai")
_times = itertools.count(1_700_300_000 + random.randrange(10**6) * 100)


@dataclass(frozen=True)
class Campaign:
    lottery_product: str
    coupon_product: str
    closed_product: str
    closed_activity_id: int


@pytest.fixture(scope="module")
def svc() -> Iterator[Service]:
    fake = fakewx.FakeWeChat()
    fake.start()
    service = Service(fake.url, workers=2, redis_db=REDIS_DB)
    yield service
    service.stop()
    fake.stop()


@pytest.fixture(scope="module")
def admin(svc: Service) -> Iterator[httpx.Client]:
    with admin_client(svc) as client:
        yield client


def _lottery(admin: httpx.Client, product: str, chances: int) -> int:
    act = admin.post("/admin/api/activities", json={"name": "公众号抽奖", **WINDOW, "frequency": 0, "prizes": [
        {"name": "保温杯", "kind": "goods", "weight": 1}]}).json()
    assert admin.post("/admin/api/pay-configs", json={
        "product_code": product, "min_amount": 0, "kind": "lottery", "activity_id": act["id"], "chances": chances,
        **WINDOW}).status_code == httpx.codes.OK
    return int(act["id"])


@pytest.fixture(scope="module")
def campaign(admin: httpx.Client) -> Campaign:
    tpl = admin.post("/admin/api/coupon-templates", json={
        "name": "满20减5", "type": "amount", "value": 500, "threshold": 2000, "valid_days": 30}).json()
    assert admin.post("/admin/api/pay-configs", json={
        "product_code": "WXC", "min_amount": 0, "kind": "coupon", "coupon_template_ids": [tpl["id"]], **WINDOW,
    }).status_code == httpx.codes.OK
    _lottery(admin, "WXL", chances=3)
    return Campaign("WXL", "WXC", "WXOLD", _lottery(admin, "WXOLD", chances=2))


@pytest.fixture(scope="module")
def mp(svc: Service) -> MpServer:
    return mp_server(svc.base, svc.config)


def pay(svc: Service, openid: str, product: str) -> str:
    order = uid("ord")
    assert send_notice(svc, order, openid, product=product).status_code == httpx.codes.OK
    return order


@dataclass(frozen=True)
class Winner:
    openid: str
    order_no: str
    coupon: dict[str, Any]


@pytest.fixture(scope="module")
def winner(svc: Service, campaign: Campaign) -> Winner:
    """A payer who drew 保温杯 (2 chances left) and claimed a 满20减5 coupon."""
    openid = uid("o-win")
    order, coupon_order = pay(svc, openid, campaign.lottery_product), pay(svc, openid, campaign.coupon_product)
    with closing(login(svc.base, openid)) as phone:
        drawn = phone.post(f"/api/payments/{order}/draw").json()
        assert (drawn["prize"]["name"], drawn["chances"]) == ("保温杯", 2)
        [coupon] = phone.post(f"/api/payments/{coupon_order}/claim").json()["coupons"]
    return Winner(openid, order, coupon)


def say(mp: MpServer, openid: str, content: str, *, aes: bool = False) -> str:
    reply = mp.send(fixture_xml("text_hongbao.xml", FromUserName=openid, Content=content, MsgId=unique_msg_id()),
                    aes=aes)
    assert (reply.status, reply.fields["MsgType"], reply.fields["ToUserName"]) == (200, "text", openid)
    return reply.fields["Content"]


def click(mp: MpServer, openid: str, key: str) -> str:
    xml = fixture_xml("event_click.xml", FromUserName=openid, CreateTime=next(_times), EventKey=key)
    return mp.send(xml, aes=True).fields["Content"]


# ---- 抽奖 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("aes", [False, True], ids=["plain", "safe"])
def test_choujiang_lists_prizes_with_status_and_chances_with_draw_links(svc: Service, mp: MpServer, winner: Winner,
                                                                       aes: bool) -> None:
    assert say(mp, winner.openid, "抽奖", aes=aes) == "\n".join([
        "你的奖品：",
        "1. 保温杯｜待发货",
        f'<a href="{svc.base}/me/prizes">查看全部奖品</a>',
        "",
        "你还有 2 次抽奖机会：",
        f'· 订单 {winner.order_no}：2 次 <a href="{svc.base}/pay/{winner.order_no}">去抽奖</a>'])


def test_chances_of_a_disabled_activity_are_not_offered(svc: Service, mp: MpServer, admin: httpx.Client,
                                                        campaign: Campaign) -> None:
    openid = uid("o-old")
    order = pay(svc, openid, campaign.closed_product)
    assert say(mp, openid, "我的奖品") == "\n".join([
        wx_lottery.NO_PRIZES_TEXT, "", "你还有 2 次抽奖机会：",
        f'· 订单 {order}：2 次 <a href="{svc.base}/pay/{order}">去抽奖</a>'])
    assert admin.post(f"/admin/api/activities/{campaign.closed_activity_id}/disable").status_code == httpx.codes.OK
    assert say(mp, openid, "抽奖") == wx_lottery.NOTHING_TEXT


def test_prizes_without_chances_say_so(svc: Service, mp: MpServer, campaign: Campaign) -> None:
    openid = uid("o-used")
    order = pay(svc, openid, campaign.lottery_product)
    with closing(login(svc.base, openid)) as phone:
        for _ in range(3):
            assert phone.post(f"/api/payments/{order}/draw").status_code == httpx.codes.OK
    lines = say(mp, openid, "抽奖").splitlines()
    assert lines[:4] == ["你的奖品：", "1. 保温杯｜待发货", "2. 保温杯｜待发货", "3. 保温杯｜待发货"]
    assert lines[-1] == wx_lottery.NO_CHANCES_TEXT


# ---- 优惠券 ------------------------------------------------------------------------------------


def test_youhuiquan_lists_unused_coupons_with_terms_and_expiry(svc: Service, mp: MpServer, winner: Winner) -> None:
    until = dt.datetime.fromisoformat(winner.coupon["valid_until"]).astimezone(SH)
    assert until.strftime("%H:%M") == "00:00"  # valid_days coupons end at a local midnight
    assert say(mp, winner.openid, "优惠券", aes=True) == "\n".join([
        "你有 1 张可用优惠券：",
        f"1. 满20减5：¥5.00，满20.00元可用，有效期至 {until:%Y-%m-%d} 00:00",
        f'<a href="{svc.base}/me/coupons?status=unused">查看我的优惠券</a>'])


def test_a_redeemed_coupon_is_no_longer_listed(svc: Service, mp: MpServer, admin: httpx.Client,
                                               campaign: Campaign) -> None:
    openid = uid("o-redeem")
    order = pay(svc, openid, campaign.coupon_product)
    with closing(login(svc.base, openid)) as phone:
        [coupon] = phone.post(f"/api/payments/{order}/claim").json()["coupons"]
    assert say(mp, openid, "我的优惠券").startswith("你有 1 张可用优惠券：")
    assert admin.post(f"/admin/api/coupons/{coupon['id']}/redeem", json={"ref": "till-9", "openid": openid}
                      ).status_code == httpx.codes.OK
    assert say(mp, openid, "优惠券") == wx_lottery.NO_COUPONS_TEXT


# ---- nobody, menu clicks ------------------------------------------------------------------------


def test_a_user_with_nothing_gets_friendly_pointers(svc: Service, mp: MpServer) -> None:
    known = uid("o-none")
    login(svc.base, known).close()  # a user row, but no payment, prize or coupon
    for openid in (known, uid("o-stranger")):
        assert say(mp, openid, "抽奖") == wx_lottery.NOTHING_TEXT
        assert say(mp, openid, "优惠券", aes=True) == wx_lottery.NO_COUPONS_TEXT


def test_menu_clicks_answer_like_the_keywords(mp: MpServer, winner: Winner) -> None:
    assert click(mp, winner.openid, wx_lottery.MY_PRIZES_KEY).startswith("你的奖品：\n1. 保温杯｜待发货")
    assert click(mp, winner.openid, wx_lottery.MY_COUPONS_KEY).startswith("你有 1 张可用优惠券：\n1. 满20减5")


# ---- rendering (no I/O) ---------------------------------------------------------------------------


def _coupon(i: int, until: dt.datetime, **kw: Any) -> UserCoupon:
    fields: dict[str, Any] = {"id": i, "name": f"券{i}", "kind": "amount", "value": 500, "threshold_fen": 0,
                              "valid_until": until, "share_token": None}
    return UserCoupon(**{**fields, **kw})


def test_coupons_reply_shows_the_soonest_to_expire_and_terms() -> None:
    base = dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)  # 2026-12-01 00:00 in Shanghai
    coupons = [_coupon(i, base + dt.timedelta(days=10 - i)) for i in range(7)]
    coupons[6] = _coupon(6, base, kind="discount", value=85, threshold_fen=1990, name="<b>八五折</b>",
                         share_token="tok")
    text = wx_lottery.coupons_reply(coupons, "https://x", SH).content  # type: ignore[union-attr]
    lines = text.splitlines()
    assert lines[0] == f"你有 7 张可用优惠券（最快到期的 {wx_lottery.LIST_LIMIT} 张）："
    assert lines[1] == "1. b八五折/b：8.5折，满19.90元可用，有效期至 2026-12-01 00:00（已分享给好友，待领取）"
    assert lines[2] == "2. 券5：¥5.00，无门槛，有效期至 2026-12-06 00:00"
    assert len(lines) == 2 + wx_lottery.LIST_LIMIT
