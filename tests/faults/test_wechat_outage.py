"""WeChat's API down for a while (the fake answers 503/504 and hangs past the client's timeout on
the template-message API), while a backlog of notifications builds up.

Attacks: a 2-worker service; the outage starts, then 80 orders are confirmed (80 "packet issued"
template messages queued in the outbox). Expected: the outbox backs off — during the outage
fewer send attempts than messages, because each process's breaker pauses the channel instead of
burning every message's attempts —, exactly ONE WeCom alert is raised and delivered (WeCom's API
is up), nothing goes dead or is lost, each message reaches WeChat exactly once, and the backlog
drains afterwards at no more than `outbox.max_sends_per_s` per process.

FISSION_FAULT_OUTAGE_S sets the outage's length (default 12 s; the issue's minute: 60)."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter

import pytest

from bot.infra import db as dbmod
from bot.settings import DatabaseSettings
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from tests.support import fakewx
from tests.support.service import Service

pytestmark = pytest.mark.slow

OUTAGE_S = float(os.environ.get("FISSION_FAULT_OUTAGE_S", "12"))
MESSAGES = 80
WORKERS = 2
SENDS_PER_S = 8.0
TEMPLATE_API = "/cgi-bin/message/template/send"


def _max_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def _outbox(db_url: str) -> tuple[Counter, int]:
    """(status counts of the "issued" rows, number of outage alert rows)."""
    await dbmod.connect(DatabaseSettings(url=db_url))
    try:
        statuses = Counter(await OutboxMessage.filter(key__endswith=":issued").values_list("status", flat=True))
        alerts = await OutboxMessage.filter(key__startswith="alert:outage:").count()
    finally:
        await dbmod.close()
    return statuses, alerts


async def test_wechat_outage_backs_off_alerts_once_and_drains_at_a_bounded_rate() -> None:
    fake = fakewx.FakeWeChat()
    fake.start()
    svc = Service(fake.url, workers=WORKERS, redis_db=13, wechat={"timeout_s": 1.0}, outbox={
        "poll_interval_s": 0.2, "backoff_base_s": 0.5, "backoff_max_s": 4, "outage_threshold": 3,
        "outage_pause_base_s": 1.0, "outage_pause_max_s": 4.0, "max_sends_per_s": SENDS_PER_S})
    try:
        fake.outage((TEMPLATE_API,), OUTAGE_S, delay_s=2.0)
        outage_ends = time.time() + OUTAGE_S
        for _ in range(MESSAGES):
            assert svc.order_event().status_code == 200
        await asyncio.sleep(max(0.0, outage_ends - time.time()))
        deadline = time.monotonic() + 60
        while (await _outbox(svc.db_url))[0][OutboxStatus.SENT] < MESSAGES:
            assert time.monotonic() < deadline, await _outbox(svc.db_url)
            await asyncio.sleep(0.5)
        statuses, alerts = await _outbox(svc.db_url)
        assert statuses == {OutboxStatus.SENT: MESSAGES}, statuses  # none dead, none stuck
        sends = fake.calls_to(TEMPLATE_API)
        during = [c for c in sends if c.fault]
        delivered = [c for c in sends if not c.fault]
        print(f"outage {OUTAGE_S}s: {len(during)} attempts during it; {len(delivered)} delivered after")
        assert len(during) < MESSAGES, "the outbox did not back off: every message kept trying"
        ids = Counter(c.body["client_msg_id"] for c in delivered)
        assert len(ids) == MESSAGES and max(ids.values()) == 1, "a message reached WeChat twice"
        assert alerts == 1
        wecom = [c for c in fake.calls_to("/cgi-bin/message/send") if "不可用" in str(c.body)]
        assert len(wecom) == 1, [c.body for c in wecom]
        # each process starts at most SENDS_PER_S sends a second (+1: a window may hold both ends)
        assert _max_in_any_second([c.t for c in delivered]) <= WORKERS * (SENDS_PER_S + 1)
    finally:
        svc.stop()
        fake.stop()
