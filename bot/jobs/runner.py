"""Background work of a deployment: outbox delivery, the features' periodic jobs (bot/feature.py
`PeriodicJob`: expiry, reminders, campaign alerts), the error counter and its alert, and the
RabbitMQ consumer of the feature that declares one.

Run by every `serve` worker (`start(app)` / `stop(app)`, called by create_app after / before the
features; with `outbox.run_in_server: false` a server process only counts its errors) and by
`python main.py worker` (`run_worker`). Nothing starts at import; every task is kept in `Jobs.tasks`
and awaited on close. Running any number of copies is safe: claims, leases and outbox keys see to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine, Sequence
from types import SimpleNamespace
from typing import Any

import httpx
from sanic import Sanic

from bot.clock import utcnow
from bot.feature import Composition, Feature, PeriodicJob, compose
from bot.infra import cache, db
from bot.infra.amqp import OrderConsumer
from bot.jobs import alerts, notices
from bot.jobs.periodic import run_periodic
from bot.jobs.worker import OutboxWorker
from bot.keys import Keys
from bot.settings import Settings
from bot.wechat.gateway import gateway_of

log = logging.getLogger(__name__)


def make_consumer(deps: Any, composed: Composition) -> OrderConsumer | None:
    """The RabbitMQ consumer of the feature that declares one (the order events)."""
    s: Settings = deps.settings
    if composed.consumer is None:
        return None

    async def on_failure(reason: str) -> None:
        await alerts.consumer_failed(s.alerts, s.orders.queue, reason, utcnow())

    return OrderConsumer(s.orders, composed.consumer.handle(deps), on_failure, parse=composed.consumer.parse)


def _periodic(deps: Any, job: PeriodicJob, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
    return run_periodic(job.name, job.interval(deps.settings), lambda: job.run(deps, utcnow()), deps.redis, deps.keys,
                        stop)


class Jobs:
    """The background tasks of one process, started together and stopped together."""

    def __init__(self, deps: Any, composed: Composition):
        self.deps, self.composed = deps, composed
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
            errors = PeriodicJob("error-alerts", lambda s: s.alerts.check_interval_s,
                                 lambda deps, now: alerts.check_errors(s.alerts, deps.redis, deps.keys, now))
            for job in (errors, *self.composed.periodic):
                coros[job.name] = _periodic(self.deps, job, self.stop)
            self.consumer = make_consumer(self.deps, self.composed) if s.orders.amqp_url else None
            if self.consumer is not None:
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
    app.ctx.jobs = Jobs(app.ctx, app.ctx.composed)
    app.ctx.jobs.start(work=s.outbox.run_in_server)


async def stop(app: Sanic) -> None:
    jobs = getattr(app.ctx, "jobs", None)  # absent when an earlier feature's start failed
    if jobs is not None:
        await jobs.close()


async def _deps(settings: Settings) -> SimpleNamespace:
    await db.connect(settings.database)
    return SimpleNamespace(settings=settings, keys=Keys(settings.redis.prefix), redis=cache.connect(settings.redis),
                           http=httpx.AsyncClient(timeout=httpx.Timeout(settings.wechat.timeout_s)))


async def run_worker(settings: Settings, features: Sequence[Feature], stop: asyncio.Event | None = None) -> None:
    """`python main.py worker`: every background job, no HTTP, until SIGTERM/SIGINT (or `stop`)."""
    composed = compose(features)
    notices.install(composed.notices)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    deps = await _deps(settings)
    jobs = Jobs(deps, composed)
    try:
        jobs.start()
        log.info("worker: running (%s)", ", ".join(t.get_name() for t in jobs.tasks))
        await stop.wait()
    finally:
        await jobs.close()
        await deps.http.aclose()
        await deps.redis.aclose()
        await db.close()
