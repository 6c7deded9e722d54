"""Background work of a deployment: outbox delivery, the scheduler (expiring reminders, alert
checks), the error counter and the RabbitMQ order consumer.

Run by every `serve` worker (this module is a feature: `start(app)` / `stop(app)`; with
`outbox.run_in_server: false` a server process only counts its errors) and by
`python main.py worker` (`run_worker`). Nothing starts at import; every task is kept in `Jobs.tasks`
and awaited on close. Running any number of copies is safe: claims, leases and outbox keys see to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from types import SimpleNamespace
from typing import Any

import httpx
from sanic import Blueprint, Sanic

from handlers.admin import alerts
from bot.infra import cache, db
from bot.jobs import scheduler
from bot.infra.amqp import OrderConsumer
from bot.app import help_rules
from bot.clock import utcnow
from bot.keys import Keys
from bot.jobs.worker import OutboxWorker
from bot.settings import Settings
from bot.wechat.gateway import gateway_of
from handlers.redpacket import budget
from handlers.redpacket.cache import HelpCache
from handlers.redpacket.orders import EventResult, OrderEventIn, handle_order_event

log = logging.getLogger(__name__)

bp = Blueprint("background")  # no routes: a feature for its start/stop hooks only


def make_consumer(deps: Any) -> OrderConsumer:
    """The RabbitMQ consumer calling the webhook's use case; refunds mark the packet terminal in Redis."""
    s: Settings = deps.settings

    async def handle(ev: OrderEventIn) -> EventResult:
        # while the campaign is paused a `confirmed` waits here, unacked: the queue keeps it (and
        # the rest, up to the prefetch) until resume; a refund goes through at once
        while ev.type == "confirmed" and (await budget.budget_of(s)).paused:
            await asyncio.sleep(max(1.0, s.campaign.controls_cache_s))
        live = await budget.live.current(s)  # live settings: one version issues the packet (handlers/redpacket/live.py)
        result = await handle_order_event(ev, live.redpacket, utcnow(), live.campaign, live.budget)
        if result.invalidated_token:
            await deps.help_cache.mark_terminal(result.invalidated_token, "invalid")
        return result

    async def on_failure(reason: str) -> None:
        await alerts.consumer_failed(s.alerts, s.orders.queue, reason, utcnow())

    return OrderConsumer(s.orders, handle, on_failure)


class Jobs:
    """The background tasks of one process, started together and stopped together."""

    def __init__(self, deps: Any):
        self.deps = deps
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.errors = alerts.ErrorCounter()
        self.worker: OutboxWorker | None = None
        self.consumer: OrderConsumer | None = None

    def start(self, *, work: bool = True) -> None:
        """Count errors always; with `work`, also deliver, schedule and consume orders."""
        s: Settings = self.deps.settings
        logging.getLogger().addHandler(self.errors)
        coros: dict[str, Coroutine[Any, Any, None]] = {"error-counter": self._flush_errors()}
        if work:
            self.worker = OutboxWorker(gateway_of(self.deps), s)
            coros["outbox-worker"] = self.worker.run(self.stop)
            for i, job in enumerate(scheduler.periodic_jobs(self.deps, self.stop)):
                coros[f"scheduler-{i}"] = job
            if s.orders.amqp_url:
                self.consumer = make_consumer(self.deps)
                coros["amqp-consumer"] = self.consumer.run(self.stop)
        self.tasks = [asyncio.create_task(c, name=name) for name, c in coros.items()]

    async def _flush_errors(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), timeout=alerts.FLUSH_INTERVAL_S)
            await self.errors.flush_to(self.deps.redis, self.deps.keys, utcnow())

    async def close(self) -> None:
        """Stop every task and wait for it; outbox sends in flight get `outbox.drain_s`, then their
        claims are handed back (OutboxWorker.drain) so none waits out its lease."""
        self.stop.set()
        outbox = next((t for t in self.tasks if t.get_name() == "outbox-worker"), None)
        if self.worker is not None and outbox is not None:
            await self.worker.drain(outbox, self.deps.settings.outbox.drain_s)
        for task, result in zip(self.tasks, await asyncio.gather(*self.tasks, return_exceptions=True), strict=True):
            if isinstance(result, BaseException):
                log.error("background task %s ended with %r", task.get_name(), result)
        logging.getLogger().removeHandler(self.errors)


async def start(app: Sanic) -> None:
    s: Settings = app.ctx.settings
    gateway_of(app.ctx)
    app.ctx.jobs = Jobs(app.ctx)
    app.ctx.jobs.start(work=s.outbox.run_in_server)


async def stop(app: Sanic) -> None:
    jobs = getattr(app.ctx, "jobs", None)  # absent when an earlier feature's start failed
    if jobs is not None:
        await jobs.close()


async def _deps(settings: Settings) -> SimpleNamespace:
    await db.connect(settings.database)
    deps = SimpleNamespace(settings=settings, keys=Keys(settings.redis.prefix), redis=cache.connect(settings.redis),
                           http=httpx.AsyncClient(timeout=httpx.Timeout(settings.wechat.timeout_s)))
    deps.help_cache = HelpCache(deps.redis, deps.keys, help_rules(settings), settings.campaign.tz)
    return deps


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """`python main.py worker`: every background job, no HTTP, until SIGTERM/SIGINT (or `stop`)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    deps = await _deps(settings)
    jobs = Jobs(deps)
    try:
        jobs.start()
        log.info("worker: running (%s)", ", ".join(t.get_name() for t in jobs.tasks))
        await stop.wait()
    finally:
        await jobs.close()
        await deps.http.aclose()
        await deps.redis.aclose()
        await db.close()
