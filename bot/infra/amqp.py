"""Order events from RabbitMQ (aio-pika), when `orders.amqp_url` is set: the same JSON and the same
use case as the signed webhook, both given by the feature that declares the consumer
(`Feature.consumer`: `parse` a body into an event, `handle` it — handlers/redpacket/orders.py).

Contract:
- the queue `orders.queue` is durable, with a dead-letter exchange `<queue>.dlx` routing to the
  durable queue `<queue>.dead`;
- a message is acked only after `handle` returned, i.e. after its transaction
  committed; the use case is idempotent per event id, so a redelivery changes nothing;
- every event carries the webhook's signature of its body (`sha256=HEX`, HMAC-SHA256 with
  `orders.secret`, bot/infra/signing.py) in the `x-fission-signature` header: one unsigned or forged is
  rejected at once into `<queue>.dead` and changes nothing (`orders.amqp_require_signature: false`
  lifts this for brokers only trusted publishers reach);
- a poison message — not JSON, not the schema, larger than MAX_BODY — is rejected at once and
  lands in `<queue>.dead`; a valid one whose handling raises is republished with an attempt
  counter header after `amqp_retry_delay_s`, and dead-lettered on its `amqp_max_failures`-th failure —
  unless the failure is a dependency being away (bot/infra/unavailable.py: the database restarting): then
  it is requeued after `amqp_retry_delay_s` without counting, for as long as the outage lasts;
- the connection is robust (aio_pika.connect_robust): after a broker restart or a cut connection it
  reconnects every `amqp_reconnect_s`, redeclares the topology and resumes consuming; unacked
  messages of the lost connection are redelivered by the broker (tests/faults/test_rabbitmq_cut.py);
  a broker that is down at start is retried with a doubling delay (up to 16 × `amqp_reconnect_s`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustChannel, AbstractRobustConnection
from pydantic import ValidationError

from bot.errors import FissionError
from bot.infra import signing
from bot.infra.unavailable import is_unavailable
from bot.settings import OrdersSettings

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-fission-attempts"
SIGNATURE_HEADER = "x-fission-signature"
MAX_BODY = 64 * 1024
RECONNECT_MAX_FACTOR = 16  # a broker down at start is retried ever less often, up to 16 × amqp_reconnect_s

Handle = Callable[[Any], Awaitable[Any]]
OnFailure = Callable[[str], Awaitable[None]]


def dead_letter_names(queue: str) -> tuple[str, str]:
    """(dead-letter exchange, dead-letter queue) of an order queue."""
    return f"{queue}.dlx", f"{queue}.dead"


def signed(msg: AbstractIncomingMessage, secret: str) -> bool:
    """The message's signature header is the HMAC of its body under the orders secret."""
    value = (msg.headers or {}).get(SIGNATURE_HEADER)
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    try:
        signing.verify(value if isinstance(value, str) else None, msg.body, secret)
    except FissionError:
        return False
    return True


class OrderConsumer:
    def __init__(self, orders: OrdersSettings, handle: Handle, on_failure: OnFailure | None = None, *,
                 parse: Callable[[bytes], Any]):
        if not orders.amqp_url:
            raise ValueError("orders.amqp_url is not set")
        self.url, self.queue, self.handle, self.on_failure = orders.amqp_url, orders.queue, handle, on_failure
        self.parse = parse  # raises pydantic's ValidationError for a body that is not an event
        self.prefetch, self.max_failures = orders.amqp_prefetch, orders.amqp_max_failures
        self.retry_delay_s, self.reconnect_s = orders.amqp_retry_delay_s, orders.amqp_reconnect_s
        self.secret = orders.secret if orders.amqp_require_signature else None
        self.connection: AbstractRobustConnection | None = None
        self.channel: AbstractRobustChannel | None = None
        self.consumed = 0  # messages acked after a successful commit (for tests and metrics)

    async def start(self) -> None:
        """Connect, declare the topology and start consuming (raises if the broker is unreachable)."""
        self.connection = await aio_pika.connect_robust(self.url, reconnect_interval=self.reconnect_s)
        channel = await self.connection.channel(publisher_confirms=True)
        self.channel = channel
        await channel.set_qos(prefetch_count=self.prefetch)
        dlx_name, dead_name = dead_letter_names(self.queue)
        dlx = await channel.declare_exchange(dlx_name, aio_pika.ExchangeType.DIRECT, durable=True)
        dead = await channel.declare_queue(dead_name, durable=True)
        await dead.bind(dlx, routing_key=dead_name)
        queue = await channel.declare_queue(self.queue, durable=True, arguments={
            "x-dead-letter-exchange": dlx_name, "x-dead-letter-routing-key": dead_name})
        await queue.consume(self._on_message)
        log.info("amqp: consuming %s (dead letters to %s)", self.queue, dead_name)

    async def run(self, stop: asyncio.Event) -> None:
        """Start (retrying while the broker is down: `amqp_reconnect_s`, doubling up to
        RECONNECT_MAX_FACTOR times that), consume until `stop`, then close."""
        delay_s = self.reconnect_s
        while not stop.is_set():
            try:
                await self.start()
                break
            except (aio_pika.exceptions.AMQPError, OSError, ConnectionError) as e:
                log.warning("amqp: cannot connect to the broker (%s); retrying in %.1fs", e, delay_s)
                await self.close()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay_s)
                delay_s = min(delay_s * 2, self.reconnect_s * RECONNECT_MAX_FACTOR)
        await stop.wait()
        await self.close()

    async def close(self) -> None:
        conn, self.connection, self.channel = self.connection, None, None
        if conn is not None and not conn.is_closed:
            await conn.close()

    async def _on_message(self, msg: AbstractIncomingMessage) -> None:
        if len(msg.body) > MAX_BODY:
            return await self._dead_letter(msg, f"body of {len(msg.body)} bytes")
        if self.secret is not None and not signed(msg, self.secret):
            return await self._dead_letter(msg, "unsigned or forged event")
        try:
            ev = self.parse(msg.body)
        except ValidationError as e:
            return await self._dead_letter(msg, f"invalid event ({e.error_count()} error(s))")
        try:
            await self.handle(ev)
        except Exception as e:  # the DB or a bug: retried a bounded number of times, then dead-lettered
            return await self._failed(msg, ev, e)
        await self._settle(msg.ack(), msg)
        self.consumed += 1

    async def _failed(self, msg: AbstractIncomingMessage, ev: Any, e: Exception) -> None:
        if is_unavailable(e):  # the database is away: no fault of the event's, so it never goes dead for it
            return await self._requeue_later(msg, f"event {ev.event_id}: {type(e).__name__}: {e}")
        seen = (msg.headers or {}).get(ATTEMPTS_HEADER)
        attempts = (seen if isinstance(seen, int) else 0) + 1
        reason = f"event {ev.event_id}: {type(e).__name__}: {e}"
        log.error("amqp: %s failed (attempt %d/%d): %s", self.queue, attempts, self.max_failures, reason)
        if attempts >= self.max_failures:
            return await self._dead_letter(msg, reason)
        await self._report(reason)
        await asyncio.sleep(self.retry_delay_s)  # holds one prefetch slot: a failing DB is not spun on
        channel = self.channel
        if channel is None:  # closing: left unacked, the broker redelivers it
            return
        headers: dict[str, Any] = {**(msg.headers or {}), ATTEMPTS_HEADER: attempts}
        await channel.default_exchange.publish(aio_pika.Message(
            msg.body, headers=headers, content_type=msg.content_type, message_id=msg.message_id,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=self.queue)
        await self._settle(msg.ack(), msg)  # only after the broker confirmed the copy

    async def _requeue_later(self, msg: AbstractIncomingMessage, reason: str) -> None:
        """Back to the queue after `amqp_retry_delay_s`, its attempt not counted (bounded by the outage,
        not by `amqp_max_failures`); redelivered, it is handled as if new."""
        log.warning("amqp: %s: dependency unavailable, requeued: %s", self.queue, reason)
        await self._report(reason)
        await asyncio.sleep(self.retry_delay_s)  # holds one prefetch slot: an absent DB is not spun on
        await self._settle(msg.nack(requeue=True), msg)

    async def _dead_letter(self, msg: AbstractIncomingMessage, reason: str) -> None:
        log.error("amqp: %s: message %s dead-lettered: %s", self.queue, msg.message_id or "-", reason)
        await self._settle(msg.reject(requeue=False), msg)
        await self._report(f"dead-lettered: {reason}")

    async def _settle(self, op: Awaitable[None], msg: AbstractIncomingMessage) -> None:
        try:
            await op
        except Exception as e:  # channel lost mid-way: the broker redelivers; handling is idempotent
            log.warning("amqp: could not settle message %s (%s); it will be redelivered", msg.delivery_tag, e)

    async def _report(self, reason: str) -> None:
        if self.on_failure is None:
            return
        try:
            await self.on_failure(reason)
        except Exception as e:  # the alert may fail for the same reason (DB down); say so
            log.error("amqp: could not raise the consumer-failure alert: %r", e)
