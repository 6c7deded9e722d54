"""RabbitMQ gone from under the order consumer with events in flight.

The service reaches the broker through a TCP proxy this test controls (tests/support/engines.py):
cutting it closes every connection of both workers and refuses new ones, which is what the
consumer sees of a broker restart, without restarting the machine's shared broker (a second
RabbitMQ node takes ~20 s to boot on this machine class). The test's publisher talks to the
broker directly with publisher confirms and counts what the broker acknowledged.

Attacks: 150 signed order events (every tenth published twice) plus forged ones published while
both workers consume; mid-way the proxy is cut for 3 s. /readyz must report RabbitMQ missing
while cut; afterwards both workers consume again by themselves, every confirmed event became
exactly one packet, duplicates and redeliveries changed nothing, and every forged event is in the
dead-letter queue with no packet issued."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import aio_pika
import httpx
import pytest

from bot.infra.amqp import SIGNATURE_HEADER, dead_letter_names
from bot.infra.signing import sign
from models.redpacket import OrderEvent, PlatformOrder, RedPacket
from tests.support import fakewx
from tests.support.amqpkit import AMQP_URL, event
from tests.support.engines import TcpProxy
from tests.support.service import Service

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_url", ["postgres"], indirect=True)]

EVENTS = 150
CUT_S = 3.0
SECRET = "order-secret-test"  # tests/support/config.py BASE_CONFIG orders.secret


async def _publish_all(ch: aio_pika.abc.AbstractChannel, queue: str, events: list[dict[str, Any]],
                       forged: list[dict[str, Any]], confirmed: list[str], cut_at: asyncio.Event) -> None:
    """Publish (confirm awaited for each); forged ones are signed with the wrong secret."""
    for n, ev in enumerate(events):
        raw = json.dumps(ev).encode()
        copies = 2 if n % 10 == 0 else 1
        for _ in range(copies):
            await ch.default_exchange.publish(aio_pika.Message(
                raw, headers={SIGNATURE_HEADER: sign(raw, SECRET)}, message_id=ev["event_id"],
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=queue)
        confirmed.append(ev["event_id"])
        if n % 30 == 15 and forged:
            bad = forged[n // 30]
            body = json.dumps(bad).encode()
            await ch.default_exchange.publish(aio_pika.Message(
                body, headers={SIGNATURE_HEADER: sign(body, "forged")},
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=queue)
        if n == EVENTS // 3:
            cut_at.set()
        await asyncio.sleep(0.01)


async def _queue_state(conn: aio_pika.abc.AbstractConnection, name: str) -> tuple[int, int]:
    """(ready messages, consumers); on a channel of its own (a passive declare of a missing queue
    closes the channel)."""
    ch = await conn.channel()
    try:
        q = await ch.declare_queue(name, passive=True)
        return q.declaration_result.message_count, q.declaration_result.consumer_count
    finally:
        if not ch.is_closed:
            await ch.close()


async def _until(cond: Any, what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not await cond():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.2)


async def test_order_consumer_survives_the_broker_going_away(orm: str) -> None:
    fake = fakewx.FakeWeChat()
    fake.start()
    queue = "fxt-cut-" + uuid.uuid4().hex[:8]
    dlx, dead = dead_letter_names(queue)
    proxy = TcpProxy(5672).start()
    conn = await aio_pika.connect(AMQP_URL)
    svc = None
    try:
        ch = await conn.channel(publisher_confirms=True)
        svc = Service(fake.url, workers=2, db_url=orm, redis_db=14, orders={
            "amqp_url": f"amqp://guest:guest@127.0.0.1:{proxy.port}/", "queue": queue,
            "amqp_retry_delay_s": 0.05, "amqp_reconnect_s": 0.5})
        await _until(lambda: _consumers(conn, queue, 2), "both workers consuming")
        events = [event() for _ in range(EVENTS)]
        forged = [event() for _ in range(5)]
        confirmed: list[str] = []
        cut_at = asyncio.Event()
        publisher = asyncio.create_task(_publish_all(ch, queue, events, forged, confirmed, cut_at))
        await cut_at.wait()
        proxy.cut()
        cut_since = time.monotonic()
        async with httpx.AsyncClient(base_url=svc.base, timeout=10) as c:
            ready = await c.get("/readyz")
            assert ready.status_code == 503 and "rabbitmq" in ready.json()["problems"], ready.text
            assert ready.headers["retry-after"].isdigit()
            await asyncio.sleep(max(0.0, CUT_S - (time.monotonic() - cut_since)))
            proxy.restore()
            await publisher
            await _until(lambda: _consumers(conn, queue, 2), "both workers consuming again")
            await _until(lambda: _applied(len(confirmed)), "every confirmed event applied")
            await _until(lambda: _ready_ok(c), "/readyz ok again")
        await _until(lambda: _drained(conn, queue), "queue drained")
        assert len(confirmed) == EVENTS
        orders = [e["order_no"] for e in events]
        assert await PlatformOrder.filter(order_no__in=orders).count() == EVENTS
        assert await RedPacket.filter(order__order_no__in=orders).count() == EVENTS  # one each, none twice
        assert await OrderEvent.filter(event_id__in=confirmed).count() == EVENTS
        assert not await PlatformOrder.filter(order_no__in=[f["order_no"] for f in forged]).exists()
        dead_q = await ch.get_queue(dead)
        dead_bodies = []
        while (m := await dead_q.get(fail=False, no_ack=True)) is not None:
            dead_bodies.append(json.loads(m.body)["order_no"])
        assert sorted(dead_bodies) == sorted(f["order_no"] for f in forged)
    finally:
        proxy.stop()
        if svc is not None:
            svc.stop(drop=False)
        fake.stop()
        cleanup = await conn.channel()
        for name in (queue, dead):
            await cleanup.queue_delete(name)
        await cleanup.exchange_delete(dlx)
        await conn.close()


async def _consumers(conn: aio_pika.abc.AbstractConnection, queue: str, n: int) -> bool:
    try:
        return (await _queue_state(conn, queue))[1] == n
    except aio_pika.exceptions.ChannelClosed:
        return False


async def _drained(conn: aio_pika.abc.AbstractConnection, queue: str) -> bool:
    return (await _queue_state(conn, queue))[0] == 0


async def _applied(n: int) -> bool:
    return await OrderEvent.all().count() >= n


async def _ready_ok(c: httpx.AsyncClient) -> bool:
    r = await c.get("/readyz")
    if r.status_code != 200:
        print("readyz:", r.status_code, r.text)
    return r.status_code == 200
