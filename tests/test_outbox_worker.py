"""bot.jobs.worker + bot.jobs.notices + bot.jobs.scheduler on PostgreSQL, MariaDB and SQLite with the fake
WeChat server: each domain event rendered and delivered once with client_msg_id = key; 45009, 500
and timeouts retried with backoff, then dead after N attempts; stale claims reclaimed; two workers
(in-process, and two real `main.py worker` processes) deliver every row exactly once; the expiring
reminder is queued once; a failing WeChat never affects a help (real service)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml

from bot.jobs.outbox import outbox_row
from bot.jobs.worker import OutboxWorker, backoff_s
from bot.keys import Keys
from bot.wechat.gateway import WxGateway
from handlers.redpacket.commit import HelpAttempt, SplitContext, commit_batch
from handlers.redpacket.expiry import enqueue_expiring, expiring_key, sweep_expired
from handlers.redpacket.orders import OrderEventIn, handle_order_event
from models.enums import OutboxStatus
from models.outbox import OutboxMessage
from models.redpacket import RedPacket
from models.redpacket_rules import HelpRules
from models.user import User
from tests.support import dbs, fakewx
from tests.support.config import ROOT, make_config, make_settings
from tests.support.service import Service, login

REDIS_DB = 12
TEMPLATE = "/cgi-bin/message/template/send"
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
SH = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self, now: dt.datetime = NOW):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


MakeWorker = Callable[..., tuple[OutboxWorker, Clock]]


@pytest.fixture
async def make_worker(orm: str, fake_wechat: fakewx.FakeWeChat,
                      scratch_redis: tuple[Any, Keys]) -> AsyncIterator[MakeWorker]:
    clients: list[httpx.AsyncClient] = []

    # 10 s: a loaded machine running the suite in parallel once took 2 s to connect to the local fake;
    # the tests about timeouts pass their own
    def build(timeout_s: float = 10.0, **outbox: Any) -> tuple[OutboxWorker, Clock]:
        s = make_settings(server={"port": 8000, "public_url": "https://fx.example.com"}, database={"url": orm},
                          wechat={"api_base": fake_wechat.url}, wecom={"api_base": fake_wechat.url},
                          outbox={"backoff_base_s": 10, "max_attempts": 3, **outbox})
        http = httpx.AsyncClient(timeout=timeout_s, limits=httpx.Limits(max_connections=4))
        clients.append(http)
        clock = Clock()
        gw = WxGateway(http, *scratch_redis, s)
        return OutboxWorker(gw, s, clock=clock, rng=lambda: 1.0), clock

    yield build
    for c in clients:
        await c.aclose()


def event(**kw: Any) -> OrderEventIn:
    base = {"event_id": uuid.uuid4().hex, "type": "confirmed", "order_no": uuid.uuid4().hex[:18],
            "openid": "o-" + uuid.uuid4().hex[:8], "goods_name": "保温杯", "paid_amount": 20000,
            "coupon_price": 20000, "cashback": 2500}
    return OrderEventIn.model_validate({**base, **kw})


async def issue(now: dt.datetime = NOW, **kw: Any) -> RedPacket:
    s = make_settings(server={"port": 8000})
    res = await handle_order_event(event(**kw), s.redpacket, now)
    assert res.packet_id is not None
    return await RedPacket.get(id=res.packet_id)


async def row(key: str) -> OutboxMessage:
    return await OutboxMessage.get(key=key)


async def test_issued_becomes_one_template_message_keyed_by_the_outbox_key(
        make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat) -> None:
    worker, clock = make_worker()
    p = await issue(cashback=300, paid_amount=1990, coupon_price=1990)
    owner = await User.get(id=p.owner_id)
    assert await worker.run_once() == [OutboxStatus.SENT]
    assert await worker.run_once() == []
    [call] = fake_wechat.calls_to(TEMPLATE)
    key = f"packet:{p.id}:issued"
    assert call.body["client_msg_id"] == key and call.body["touser"] == owner.openid
    assert call.body["template_id"] == "T_ISSUED" and call.body["url"] == "https://fx.example.com/me"
    assert call.body["data"]["keyword1"] == {"value": "¥6.00"}
    assert call.body["data"]["keyword3"] == {"value": "11-22 14:00 前有效"}  # 02:00Z + 4 h, in Shanghai
    r = await row(key)
    assert (r.status, r.attempts, r.sent_at, r.last_error) == (OutboxStatus.SENT, 1, clock.now, None)


async def test_every_domain_event_is_rendered(make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat) -> None:
    worker, clock = make_worker(batch_size=50)
    p = await issue(cashback=150, paid_amount=1000, coupon_price=1000)  # 300 fen
    helpers = [await User.create(openid=f"h-{uuid.uuid4().hex[:8]}", nickname=f"小{i}") for i in range(12)]
    rules = HelpRules((10, 15), (30, 80), 1, 1)
    await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in helpers],
                       SplitContext(rules, SH, dt.date(2026, 1, 1), random.Random(1)), NOW)
    q = await issue()
    await handle_order_event(event(type="refunded", order_no=(await q.order).order_no), worker.settings.redpacket, NOW)
    r = await issue()
    await sweep_expired(r.expire_time)
    s_ = await issue()
    await outbox_row(f"packet:{s_.id}:shared", "shared", {"packet_id": s_.id, "owner_id": s_.owner_id}, NOW).save()
    clock.now = r.expire_time  # the expired event is due from then
    outcomes = await worker.run_once()
    assert set(outcomes) == {OutboxStatus.SENT}
    by_template = Counter(c.body["template_id"] for c in fake_wechat.calls_to(TEMPLATE))
    helped = await OutboxMessage.filter(kind="helped").count()
    assert by_template == {"T_ISSUED": 4, "T_HELPED": helped, "T_SPLIT": 1, "T_EXP": 2}  # expired+invalidated
    firsts = {c.body["data"]["first"]["value"] for c in fake_wechat.calls_to(TEMPLATE)}
    assert {"红包已拆光！", "你的购物红包已过期", "订单已退款，对应的购物红包已失效"} <= firsts
    assert any(f.endswith("帮你拆了红包") and f.startswith("小") for f in firsts)
    assert (await row(f"packet:{s_.id}:shared")).last_error == "skipped: shares are not notified"


async def test_45009_is_retried_after_backoff_with_the_same_client_msg_id(
        make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat) -> None:
    worker, clock = make_worker()
    p = await issue()
    key = f"packet:{p.id}:issued"
    fake_wechat.inject(TEMPLATE, fakewx.Fault(errcode=45009))
    assert await worker.run_once() == [OutboxStatus.PENDING]
    r = await row(key)
    assert r.attempts == 1 and "45009" in (r.last_error or "") and r.next_attempt_at == NOW + dt.timedelta(seconds=10)
    clock.advance(9)
    assert await worker.run_once() == []  # not yet due
    clock.advance(1)
    assert await worker.run_once() == [OutboxStatus.SENT]
    assert [c.body["client_msg_id"] for c in fake_wechat.calls_to(TEMPLATE)] == [key, key]
    assert (await row(key)).attempts == 2


@pytest.mark.parametrize("fault", [fakewx.Fault(status=500), fakewx.Fault(delay_s=0.8)], ids=["http500", "timeout"])
async def test_failures_back_off_then_dead_letter_after_n_attempts(
        make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat, fault: fakewx.Fault) -> None:
    worker, clock = make_worker(timeout_s=0.4, max_attempts=3)
    p = await issue()
    key = f"packet:{p.id}:issued"
    fake_wechat.inject(TEMPLATE, fault, fault, fault, fault)
    delays = []
    for expected in (OutboxStatus.PENDING, OutboxStatus.PENDING, OutboxStatus.DEAD):
        assert await worker.run_once() == [expected]
        r = await row(key)
        delays.append((r.next_attempt_at - clock.now).total_seconds())
        clock.advance(3600)
    assert delays == [10, 20, 0]  # 10·2^(n-1) with rng=1, then dead
    assert r.status == OutboxStatus.DEAD and r.attempts == 3 and r.last_error
    assert await worker.run_once() == []
    assert len(fake_wechat.calls_to(TEMPLATE)) == 3


async def test_permanent_error_is_dead_at_once(make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat) -> None:
    worker, _ = make_worker()
    p = await issue()
    fake_wechat.inject(TEMPLATE, fakewx.Fault(errcode=43101))
    assert await worker.run_once() == [OutboxStatus.DEAD]
    r = await row(f"packet:{p.id}:issued")
    assert r.attempts == 1 and "43101" in (r.last_error or "")


def test_backoff_is_capped_and_jittered() -> None:
    assert [backoff_s(n, 5, 60, 1.0) for n in range(1, 6)] == [5, 10, 20, 40, 60]
    assert backoff_s(3, 5, 60, 0.0) == 10


async def test_a_stale_claim_is_reclaimed_and_its_late_finish_changes_nothing(
        make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat) -> None:
    a, clock = make_worker(lease_s=60)
    b, _ = make_worker()
    b.clock = clock
    p = await issue()
    [stale] = await a.claim(clock())  # A claims, then "hangs"
    assert (await row(stale.key)).status == OutboxStatus.SENDING
    assert await b.run_once() == []  # leased to A
    clock.advance(61)
    assert await b.run_once() == [OutboxStatus.SENT]
    assert await a.deliver(stale) is None  # A wakes up: its claim was lost
    r = await row(f"packet:{p.id}:issued")
    assert r.status == OutboxStatus.SENT and r.attempts == 2
    # A did send once more, with the same client_msg_id: WeChat's own guard drops the repeat
    assert [c.body["client_msg_id"] for c in fake_wechat.calls_to(TEMPLATE)] == [stale.key, stale.key]


async def test_two_workers_in_one_process_deliver_each_row_once(
        make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat) -> None:
    await _pending_rows(60)
    a, _ = make_worker(batch_size=7, concurrency=2)
    b, _ = make_worker(batch_size=7, concurrency=2)

    async def drain(w: OutboxWorker) -> int:
        n = 0
        while out := await w.run_once():
            n += len(out)
        return n

    done = await asyncio.gather(drain(a), drain(b))
    assert sum(done) == 60
    ids = Counter(c.body["client_msg_id"] for c in fake_wechat.calls_to(TEMPLATE))
    assert len(ids) == 60 and set(ids.values()) == {1}
    assert await OutboxMessage.filter(status=OutboxStatus.SENT, attempts=1).count() == 60


async def _pending_rows(n: int) -> list[str]:
    owner = await User.create(openid="o-many")
    keys = [f"test:{i}:{uuid.uuid4().hex[:6]}" for i in range(n)]
    await OutboxMessage.bulk_create([outbox_row(k, "split_out", {"packet_id": i, "owner_id": owner.id,
                                                                 "amount": 100 + i}, NOW) for i, k in enumerate(keys)])
    return keys


async def test_two_worker_processes_deliver_each_row_exactly_once(orm: str, fake_wechat: fakewx.FakeWeChat,
                                                                  tmp_path: Any) -> None:
    keys = await _pending_rows(200)
    cfg = make_config(server={"port": 8000}, database={"url": orm},
                      redis={"url": f"{dbs.REDIS}/{REDIS_DB}", "prefix": "t" + uuid.uuid4().hex[:8]},
                      wechat={"api_base": fake_wechat.url}, wecom={"api_base": fake_wechat.url},
                      outbox={"batch_size": 10, "concurrency": 2, "poll_interval_s": 0.1})
    path = tmp_path / "worker.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    procs = [subprocess.Popen([sys.executable, "main.py", "worker", "--config", str(path)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"w{i}.log", "w"),  # noqa: SIM115
                              start_new_session=True) for i in range(2)]
    try:
        deadline = time.time() + 60
        while time.time() < deadline and await OutboxMessage.filter(status=OutboxStatus.SENT).count() < 200:
            await asyncio.sleep(0.2)
    finally:
        for pr in procs:
            os.killpg(pr.pid, 15)
        codes = [pr.wait(20) for pr in procs]
    logs = [(tmp_path / f"w{i}.log").read_text() for i in range(2)]
    assert codes == [0, 0], logs
    claim_errors = [line for log in logs for line in log.splitlines() if "claiming failed" in line]
    assert not claim_errors, claim_errors
    ids = Counter(c.body["client_msg_id"] for c in fake_wechat.calls_to(TEMPLATE))
    assert sorted(ids) == sorted(keys) and set(ids.values()) == {1}
    assert await OutboxMessage.filter(status=OutboxStatus.SENT, attempts=1).count() == 200
    assert fake_wechat.tokens_issued == 1  # one token for both processes


async def test_expiring_reminder_is_queued_once_and_skipped_when_overtaken(
        make_worker: MakeWorker, fake_wechat: fakewx.FakeWeChat) -> None:
    worker, clock = make_worker(batch_size=50)
    soon, later, refunded = await issue(), await issue(NOW + dt.timedelta(hours=1)), await issue()
    at = soon.expire_time - dt.timedelta(minutes=20)
    assert await enqueue_expiring(at, 1800) == 2  # soon + refunded; `later` is 80 min away
    assert await enqueue_expiring(at, 1800) == 0
    assert await enqueue_expiring(at + dt.timedelta(minutes=1), 1800) == 0
    assert not await OutboxMessage.exists(key=expiring_key(later.id))
    await handle_order_event(event(type="refunded", order_no=(await refunded.order).order_no),
                             worker.settings.redpacket, at)
    await OutboxMessage.filter(kind__in=["issued", "invalidated"]).update(status=OutboxStatus.SENT)
    clock.now = at
    assert set(await worker.run_once()) == {OutboxStatus.SENT}
    [call] = fake_wechat.calls_to(TEMPLATE)
    assert call.body["template_id"] == "T_EXP" and call.body["client_msg_id"] == expiring_key(soon.id)
    assert call.body["data"]["first"]["value"] == "你的购物红包还有 20 分钟过期"
    assert (await row(expiring_key(refunded.id))).last_error == "skipped: packet no longer live"


def _outbox_rows(db_url: str) -> dict[str, tuple[str, int]]:
    out = subprocess.run(["psql", db_url, "-tAF|", "-c", "SELECT key, status, attempts FROM outbox"],
                         capture_output=True, text=True, check=True).stdout
    return {k: (s, int(a)) for k, s, a in (line.split("|") for line in out.split())}


def test_a_failing_wechat_never_affects_the_help(fake_wechat: fakewx.FakeWeChat) -> None:
    """The real service (2 workers, PostgreSQL): WeChat answers 500 to every template send; the help
    still answers 200 at once, and its notice is retried then dead-lettered in the background."""
    fake_wechat.inject(TEMPLATE, *[fakewx.Fault(status=500)] * 100)
    svc = Service(fake_wechat.url, workers=2, redis_db=REDIS_DB,
                  outbox={"backoff_base_s": 0.2, "max_attempts": 3, "poll_interval_s": 0.1})
    try:
        owner = "o-own-" + uuid.uuid4().hex[:8]
        packet = svc.order_event(openid=owner).json()["packet"]
        token = login(svc.base, owner).post(f"/api/packets/{packet['id']}/share").json()["share_token"]
        t0 = time.monotonic()
        r = login(svc.base, "o-help-" + uuid.uuid4().hex[:8]).post(f"/api/share/{token}/help")
        assert r.status_code == 200 and time.monotonic() - t0 < 2, r.text
        deadline = time.time() + 30
        while time.time() < deadline and {s for s, _ in _outbox_rows(svc.db_url).values()} - {"dead", "sent"}:
            time.sleep(0.2)
        rows = _outbox_rows(svc.db_url)
    finally:
        svc.stop()
    help_key = next(k for k in rows if k.startswith("help:"))
    assert rows[f"packet:{packet['id']}:issued"] == ("dead", 3) and rows[help_key] == ("dead", 3)
    sends = Counter(c.body["client_msg_id"] for c in fake_wechat.calls_to(TEMPLATE))
    assert sends[help_key] == 3 and sends[f"packet:{packet['id']}:issued"] == 3


async def test_a_lottery_win_is_notified_not_dead_lettered(make_worker: MakeWorker,
                                                           fake_wechat: fakewx.FakeWeChat) -> None:
    """Regression: `prize_won` rows had no template mapping and were dead-lettered."""
    worker, _clock = make_worker()
    winner = await User.create(openid=f"w-{uuid.uuid4().hex[:8]}")
    await outbox_row("prize:chance:1:won", "prize_won", {"owner_id": winner.id, "prize_name": "保温杯",
                                                          "coupon_id": None, "at": NOW.isoformat()}, NOW).save()
    assert await worker.run_once() == [OutboxStatus.SENT]
    [call] = fake_wechat.calls_to(TEMPLATE)
    assert call.body["template_id"] == "T_PRIZE" and call.body["touser"] == winner.openid
    assert call.body["data"]["keyword1"] == {"value": "保温杯"} and call.body["url"].endswith("/me/prizes")
