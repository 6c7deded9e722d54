"""handlers.admin.alerts on PostgreSQL, MariaDB and SQLite with a real Redis: budget thresholds, abuse by
brand-new accounts, error spikes and order-consumer failures, each raised once per window through
the outbox and delivered as a WeCom app message to wecom.admins."""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.clock import utcnow
from bot.jobs import alerts as platform_alerts
from bot.jobs.worker import OutboxWorker
from bot.keys import Keys
from bot.settings import AlertSettings
from bot.wechat.gateway import WxGateway
from handlers.admin import alerts
from handlers.redpacket.commit import HelpAttempt, SplitContext, commit_batch
from handlers.redpacket.orders import OrderEventIn, handle_order_event
from models.enums import LedgerKind, OutboxStatus
from models.ledger import LedgerEntry
from models.outbox import OutboxMessage
from models.redpacket_rules import HelpRules
from models.user import User
from tests.support import fakewx
from tests.support.config import make_settings

REDIS_DB = 13
SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


async def credit(fen: int, at: dt.datetime, kind: LedgerKind = LedgerKind.HELP_OWNER) -> None:
    user = await User.ensure("o-" + uuid.uuid4().hex[:8])
    await LedgerEntry.create(user_id=user.id, amount_fen=fen, kind=kind, ref=uuid.uuid4().hex, created_at=at)


async def alert_keys() -> list[str]:
    return sorted(await OutboxMessage.filter(kind="alert").values_list("key", flat=True))


async def test_budget_alerts_once_per_threshold_and_day(orm: str) -> None:
    a = AlertSettings(daily_budget_fen=1000, total_budget_fen=5000, budget_thresholds=[0.5, 0.8, 1.0])
    await credit(2000, NOW - dt.timedelta(days=1))  # yesterday: counts in the total only
    await credit(600, NOW)
    assert await alerts.check_budget(a, SH, NOW) == ["day:2026-11-22:50", "total:50"]
    assert await alerts.check_budget(a, SH, NOW) == []
    await credit(300, NOW, LedgerKind.HELP_HELPER)
    await credit(-100, NOW, LedgerKind.REVERSAL)
    assert await alerts.check_budget(a, SH, NOW) == ["day:2026-11-22:80"]  # net 800 today, 2800 in total
    text = (await OutboxMessage.get(key="alert:budget:day:2026-11-22:80")).payload["text"]
    assert text == "【Fission 告警】今日红包预算已用 80%：¥8.00 / ¥10.00"
    await credit(1, NOW)
    assert await alerts.check_budget(a, SH, NOW) == []
    tomorrow = NOW + dt.timedelta(days=1)
    await credit(2500, tomorrow)
    assert await alerts.check_budget(a, SH, tomorrow) == ["day:2026-11-23:100", "total:100"]


async def _helps_on_one_packet(n: int, now: dt.datetime) -> int:
    s = make_settings(server={"port": 8000})
    ev = OrderEventIn.model_validate({"event_id": uuid.uuid4().hex, "type": "confirmed",
                                      "order_no": uuid.uuid4().hex[:18], "openid": "o-owner", "paid_amount": 100000,
                                      "coupon_price": 100000, "cashback": 2500})
    pid = (await handle_order_event(ev, s.redpacket, now)).packet_id
    assert pid is not None
    helpers = [await User.ensure(f"o-new-{uuid.uuid4().hex[:8]}") for _ in range(n)]
    ctx = SplitContext(HelpRules((10, 15), (30, 80), 1, 1), SH, dt.date(2026, 1, 1), random.Random(3))
    out = await commit_batch([HelpAttempt(pid, u.id, u.openid) for u in helpers], ctx, now)
    assert all(o.error is None for o in out)
    return pid


async def test_abuse_many_brand_new_accounts_on_one_packet(orm: str) -> None:
    now = utcnow()  # accounts are created with the wall clock
    a = AlertSettings(abuse_window_s=600, abuse_new_accounts=5, new_account_age_s=86400)
    calm = await _helps_on_one_packet(4, now)
    hot = await _helps_on_one_packet(5, now)
    assert await alerts.check_abuse(a, now) == [hot]
    assert await alerts.check_abuse(a, now + dt.timedelta(seconds=1)) == []
    text = (await OutboxMessage.get(kind="alert")).payload["text"]
    assert f"红包 {hot} 在 10 分钟内被 5 个新注册账号帮拆" in text
    await User.filter(openid__startswith="o-new-").update(created_at=now - dt.timedelta(days=30))
    assert await alerts.check_abuse(a, now + dt.timedelta(seconds=600)) == []  # old accounts: no abuse
    assert calm != hot


async def test_error_spike_counts_errors_of_every_process(orm: str, scratch_redis: tuple[Any, Keys]) -> None:
    redis, keys = scratch_redis
    a = AlertSettings(error_window_s=300, error_threshold=20)
    counters = [platform_alerts.ErrorCounter(), platform_alerts.ErrorCounter()]  # two processes
    logger = logging.getLogger("test.alerts.spike")
    for c in counters:
        logger.addHandler(c)
    try:
        for i in range(12):
            logger.error("boom %d", i)
        logger.warning("not counted")
    finally:
        for c in counters:
            logger.removeHandler(c)
    await counters[0].flush_to(redis, keys, NOW)
    assert not await platform_alerts.check_errors(a, redis, keys, NOW)  # 12 so far
    await counters[1].flush_to(redis, keys, NOW + dt.timedelta(minutes=2))
    assert await platform_alerts.check_errors(a, redis, keys, NOW + dt.timedelta(minutes=2))  # 24 in 5 minutes
    assert not await platform_alerts.check_errors(a, redis, keys, NOW + dt.timedelta(minutes=3))  # same window
    assert not await platform_alerts.check_errors(a, redis, keys, NOW + dt.timedelta(minutes=30))  # old buckets
    assert await redis.ttl(keys.error_count(int(NOW.timestamp()) // 60)) > 3600


async def test_consumer_failures_alert_once_per_window(orm: str) -> None:
    a = AlertSettings(consumer_window_s=600)
    assert await platform_alerts.consumer_failed(a, "orders", "dead-lettered: invalid event", NOW)
    assert not await platform_alerts.consumer_failed(a, "orders", "another", NOW + dt.timedelta(seconds=5))
    assert await platform_alerts.consumer_failed(a, "orders", "later", NOW + dt.timedelta(seconds=600))
    assert len(await alert_keys()) == 2


async def test_alerts_reach_the_wecom_admins(orm: str, fake_wechat: fakewx.FakeWeChat,
                                             scratch_redis: tuple[Any, Keys]) -> None:
    s = make_settings(server={"port": 8000}, database={"url": orm}, wechat={"api_base": fake_wechat.url},
                      wecom={"api_base": fake_wechat.url, "admins": ["boss", "ops"]})
    await platform_alerts.consumer_failed(s.alerts, "orders", "dead-lettered: invalid event", NOW)
    await platform_alerts.consumer_failed(s.alerts, "orders-b", "boom", NOW)
    async with httpx.AsyncClient(timeout=2) as http:
        worker = OutboxWorker(WxGateway(http, *scratch_redis, s), s, clock=lambda: NOW)
        assert await worker.run_once() == [OutboxStatus.SENT, OutboxStatus.SENT]
    sends = fake_wechat.calls_to("/cgi-bin/message/send")
    assert [c.body["touser"] for c in sends] == ["boss|ops", "boss|ops"]
    assert {c.body["text"]["content"] for c in sends} == {
        "【Fission 告警】订单队列 orders 消费失败：dead-lettered: invalid event",
        "【Fission 告警】订单队列 orders-b 消费失败：boom"}
    assert len(fake_wechat.calls_to("/cgi-bin/gettoken")) == 1
    assert fake_wechat.calls_to("/cgi-bin/message/template") == []


async def test_no_admins_means_nothing_is_sent(orm: str, fake_wechat: fakewx.FakeWeChat,
                                               scratch_redis: tuple[Any, Keys]) -> None:
    s = make_settings(server={"port": 8000}, database={"url": orm}, wecom={"api_base": fake_wechat.url, "admins": []})
    await platform_alerts.consumer_failed(s.alerts, "orders", "x", NOW)
    async with httpx.AsyncClient(timeout=2) as http:
        worker = OutboxWorker(WxGateway(http, *scratch_redis, s), s, clock=lambda: NOW)
        assert await worker.run_once() == [OutboxStatus.SENT]
    assert (await OutboxMessage.get(kind="alert")).last_error == "skipped: no wecom.admins"
    assert fake_wechat.calls == []


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_check_all_survives_a_failing_check(orm: str, monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    s = make_settings(server={"port": 8000}, alerts={"daily_budget_fen": 100, "abuse_new_accounts": 1})
    await credit(100, NOW)

    async def broken(*_: Any) -> list[int]:
        raise RuntimeError("abuse check broke")

    monkeypatch.setattr(alerts, "check_abuse", broken)
    await alerts.check_all(SimpleNamespace(settings=s), NOW)
    assert await alert_keys() == ["alert:budget:day:2026-11-22:100"]
    assert "alert check failed" in caplog.text
