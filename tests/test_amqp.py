"""bot.infra.amqp against the real RabbitMQ at amqp://guest:guest@127.0.0.1:5672/ (a unique queue per
test) and PostgreSQL: events become packets through the webhook's use case, acks only after the
commit (a consumer dying mid-event loses nothing), poison and repeatedly failing messages land in
the dead-letter queue, and the consumer carries on after a broker restart."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aio_pika
import pytest

from bot.clock import utcnow
from bot.infra.amqp import (
    ATTEMPTS_HEADER,
    SIGNATURE_HEADER,
    OrderConsumer,
    dead_letter_names,
)
from bot.infra.signing import sign
from bot.jobs import alerts
from handlers.redpacket.orders import EventResult, OrderEventIn, handle_order_event
from models.outbox import OutboxMessage
from models.redpacket import RedPacket
from tests.support import fakewx
from tests.support.amqpkit import AMQP_URL, event
from tests.support.config import make_settings
from tests.support.service import Service

REDIS_DB = 14
pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
RP = make_settings(server={"port": 8000}).redpacket
ORDERS_SECRET = make_settings(server={"port": 8000}).orders.secret


async def use_case(ev: OrderEventIn) -> EventResult:
    return await handle_order_event(ev, RP, utcnow())


async def until(cond: Callable[[], Awaitable[bool]], timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while not await cond():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


class Broker:
    """A publishing connection plus the test's unique queue names; deletes them afterwards."""

    def __init__(self) -> None:
        self.queue = "fxt-orders-" + uuid.uuid4().hex[:8]
        self.dlx, self.dead = dead_letter_names(self.queue)
        self.conn: aio_pika.abc.AbstractConnection | None = None

    async def channel(self) -> aio_pika.abc.AbstractChannel:
        if self.conn is None or self.conn.is_closed:
            self.conn = await aio_pika.connect(AMQP_URL)
        return await self.conn.channel()

    async def publish(self, body: bytes | dict[str, Any], signature: str | None = None) -> None:
        """Publish as the order system does: the body signed with the orders secret (or `signature`)."""
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        sig = signature if signature is not None else sign(raw, ORDERS_SECRET)
        headers = {SIGNATURE_HEADER: sig} if sig else {}  # "": unsigned
        ch = await self.channel()
        await ch.default_exchange.publish(aio_pika.Message(raw, headers=headers,
                                                           delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                                          routing_key=self.queue)
        await ch.close()

    async def drain(self, queue: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
        ch = await self.channel()
        q = await ch.get_queue(queue)
        got = []
        while (m := await q.get(fail=False, no_ack=True)) is not None:
            got.append(m)
        await ch.close()
        return got

    async def counts(self) -> tuple[int, int]:
        """(ready, consumers) of the main queue."""
        ch = await self.channel()
        q = await ch.declare_queue(self.queue, passive=True)
        res = q.declaration_result
        await ch.close()
        return res.message_count, res.consumer_count

    async def cleanup(self) -> None:
        ch = await self.channel()
        for name in (self.queue, self.dead):
            await ch.queue_delete(name)
        await ch.exchange_delete(self.dlx)
        await self.conn.close()  # type: ignore[union-attr]


@pytest.fixture
async def broker() -> AsyncIterator[Broker]:
    b = Broker()
    yield b
    await b.cleanup()


@pytest.fixture
async def consumer(orm: str, broker: Broker) -> AsyncIterator[Callable[..., Awaitable[OrderConsumer]]]:
    made: list[OrderConsumer] = []

    async def make(handle: Callable[[OrderEventIn], Awaitable[EventResult]] = use_case, **kw: Any) -> OrderConsumer:
        s = make_settings(server={"port": 8000}, orders={
            "amqp_url": AMQP_URL, "queue": broker.queue, "amqp_retry_delay_s": 0.05, "amqp_reconnect_s": 0.5, **kw})

        async def on_failure(reason: str) -> None:
            await alerts.consumer_failed(s.alerts, broker.queue, reason, utcnow())

        c = OrderConsumer(s.orders, handle, on_failure, parse=OrderEventIn.model_validate_json)
        await c.start()
        made.append(c)
        return c

    yield make
    for c in made:
        await c.close()


async def test_events_become_packets_and_are_acked(consumer: Any, broker: Broker) -> None:
    c = await consumer()
    ev = event()
    await broker.publish(ev)
    await broker.publish(ev)  # the same event twice: one packet
    await broker.publish(event(openid=ev["openid"]))
    await until(lambda: _is(c.consumed, 3))
    assert await RedPacket.filter(owner__openid=ev["openid"]).count() == 2
    assert await broker.counts() == (0, 1)
    assert await broker.drain(broker.dead) == []


async def _is(a: int, b: int) -> bool:
    return a == b


async def test_a_consumer_dying_before_the_commit_loses_nothing(consumer: Any, broker: Broker) -> None:
    entered = asyncio.Event()

    async def stuck(ev: OrderEventIn) -> EventResult:
        entered.set()
        await asyncio.sleep(3600)  # never commits
        raise AssertionError("unreachable")

    dying = await consumer(stuck)
    ev = event()
    await broker.publish(ev)
    await asyncio.wait_for(entered.wait(), 10)
    assert not await RedPacket.exists(order__order_no=ev["order_no"])
    await dying.close()  # the process "dies" holding the unacked message
    healthy = await consumer()
    await until(lambda: _is(healthy.consumed, 1))
    assert await RedPacket.exists(order__order_no=ev["order_no"])


@pytest.mark.parametrize("body", [b"{not json", b'{"event_id": "x"}', json.dumps(event(type="shipped")).encode(),
                                  b"\xff\xfe" * 10, b"[" * 70000], ids=["json", "schema", "type", "binary", "huge"])
async def test_poison_messages_go_to_the_dead_letter_queue(consumer: Any, broker: Broker, body: bytes) -> None:
    c = await consumer()
    await broker.publish(body)
    good = event()
    await broker.publish(good)  # the queue is not blocked behind the poison
    await until(lambda: _is(c.consumed, 1))
    await until(lambda: _has_dead(broker, 1))
    dead = await broker.drain(broker.dead)
    assert [m.body for m in dead] == [body]
    assert dead[0].headers["x-death"][0]["reason"] == "rejected"
    assert await RedPacket.exists(order__order_no=good["order_no"])
    assert await OutboxMessage.filter(key__startswith=f"alert:amqp:{broker.queue}:").count() == 1


@pytest.mark.parametrize("forgery", ["unsigned", "wrong-secret", "other-body", "garbage"])
async def test_unsigned_or_forged_events_issue_nothing_and_are_dead_lettered(consumer: Any, broker: Broker,
                                                                             forgery: str) -> None:
    """Attack: anyone who can publish to the queue (a leaked broker password, a shared vhost) sends
    an order event to mint a red packet. Only events signed with the orders secret are applied."""
    c = await consumer()
    ev = event()
    raw = json.dumps(ev).encode()
    signature = {"unsigned": "", "wrong-secret": sign(raw, "not-the-orders-secret"),
                 "other-body": sign(json.dumps(event()).encode(), ORDERS_SECRET), "garbage": "sha256=zz"}[forgery]
    await broker.publish(raw, signature=signature)
    good = event()
    await broker.publish(good)  # signed: applied, and not stuck behind the forgery
    await until(lambda: _is(c.consumed, 1))
    await until(lambda: _has_dead(broker, 1))
    assert not await RedPacket.exists(order__order_no=ev["order_no"])
    assert await RedPacket.exists(order__order_no=good["order_no"])
    [dead] = await broker.drain(broker.dead)
    assert dead.body == raw and dead.headers["x-death"][0]["reason"] == "rejected"


async def _has_dead(broker: Broker, n: int) -> bool:
    ch = await broker.channel()
    q = await ch.declare_queue(broker.dead, passive=True)
    await ch.close()
    return q.declaration_result.message_count >= n


async def _consumers_are(broker: Broker, n: int) -> bool:
    try:
        return (await broker.counts())[1] == n
    except aio_pika.exceptions.ChannelClosed:  # the queue is not declared yet
        return False


async def test_a_message_failing_n_times_is_dead_lettered(consumer: Any, broker: Broker) -> None:
    calls: list[str] = []

    async def flaky(ev: OrderEventIn) -> EventResult:
        calls.append(ev.event_id)
        if ev.openid == "o-broken":
            raise RuntimeError("database unavailable")
        return await use_case(ev)

    c = await consumer(flaky, amqp_max_failures=3)
    bad, good = event(openid="o-broken"), event()
    await broker.publish(bad)
    await broker.publish(good)
    await until(lambda: _has_dead(broker, 1))
    await until(lambda: _is(c.consumed, 1))
    assert calls.count(bad["event_id"]) == 3 and calls.count(good["event_id"]) == 1
    [dead] = await broker.drain(broker.dead)
    assert json.loads(dead.body)["event_id"] == bad["event_id"] and dead.headers[ATTEMPTS_HEADER] == 2
    assert await broker.counts() == (0, 1)


async def test_a_failure_then_success_is_applied_once(consumer: Any, broker: Broker) -> None:
    seen: list[str] = []

    async def once_broken(ev: OrderEventIn) -> EventResult:
        seen.append(ev.event_id)
        if len(seen) == 1:
            raise ConnectionError("database restarting")
        return await use_case(ev)

    c = await consumer(once_broken)
    ev = event()
    await broker.publish(ev)
    await until(lambda: _is(c.consumed, 1))
    assert len(seen) == 2 and await RedPacket.filter(order__order_no=ev["order_no"]).count() == 1
    assert await broker.drain(broker.dead) == []


async def test_a_database_outage_never_dead_letters_an_event(consumer: Any, broker: Broker) -> None:
    """The database away for longer than amqp_max_failures tries: the event waits, then is applied once."""
    seen: list[str] = []

    async def db_down_for_a_while(ev: OrderEventIn) -> EventResult:
        seen.append(ev.event_id)
        if len(seen) <= 6:
            raise ConnectionRefusedError(111, "Connection refused")
        return await use_case(ev)

    c = await consumer(db_down_for_a_while, amqp_max_failures=2)
    ev = event()
    await broker.publish(ev)
    await until(lambda: _is(c.consumed, 1))
    assert len(seen) == 7 and await RedPacket.filter(order__order_no=ev["order_no"]).count() == 1
    assert await broker.drain(broker.dead) == []


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


@pytest.fixture
def restorable_broker() -> Iterator[None]:
    yield
    _rabbitmqctl("start_app")  # whatever happened, leave the broker running
    _rabbitmqctl("await_startup")


async def test_the_consumer_resumes_after_a_broker_restart(consumer: Any, broker: Broker,
                                                           restorable_broker: None) -> None:
    c = await consumer()
    before = event()
    await broker.publish(before)
    await until(lambda: _is(c.consumed, 1))
    await broker.conn.close()  # type: ignore[union-attr]
    await asyncio.to_thread(_rabbitmqctl, "stop_app")
    await asyncio.sleep(1)
    await asyncio.to_thread(_rabbitmqctl, "start_app")
    await asyncio.to_thread(_rabbitmqctl, "await_startup")
    after = [event() for _ in range(3)]
    for ev in after:
        await broker.publish(ev)  # durable queue, persistent messages: waiting for the consumer
    await until(lambda: _is(c.consumed, 4), timeout_s=30)
    for ev in after:
        assert await RedPacket.exists(order__order_no=ev["order_no"])
    assert await broker.counts() == (0, 1)


async def test_the_service_consumes_orders_when_amqp_url_is_set(broker: Broker, orm: str) -> None:
    """The real service (`serve`, 2 workers) with orders.amqp_url: the feature wiring end to end."""
    fake = fakewx.FakeWeChat()
    fake.start()
    svc = Service(fake.url, workers=2, redis_db=REDIS_DB, db_url=orm,
                  orders={"amqp_url": AMQP_URL, "queue": broker.queue, "amqp_retry_delay_s": 0.05})
    try:
        await until(lambda: _consumers_are(broker, 2), timeout_s=30)  # both workers declared and consume
        good = event()
        await broker.publish(good)
        await broker.publish(b"poison")
        await until(lambda: RedPacket.exists(order__order_no=good["order_no"]), timeout_s=30)
        await until(lambda: _has_dead(broker, 1))
        await until(lambda: OutboxMessage.exists(key__startswith=f"alert:amqp:{broker.queue}:"))
        ready, consumers = await broker.counts()
        assert ready == 0 and consumers == 2  # one consumer per worker process
    finally:
        svc.stop(drop=False)
        fake.stop()
