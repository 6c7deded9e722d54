"""Group commit, per worker process: the engine behind help-split and lottery draws.

Requests that arrive while one batch is committing queue up and form the next batch, so a hot row
costs one short transaction per batch instead of one per request, with no lock held across
requests. A request is answered only after its transaction committed. When a batch races another
transaction (unique key, a moved row, a deadlock) nothing of it was written: it is bisected, so the
conflicting request ends up alone (about 2·log2(n) transactions, not n) while the rest commit
together; a request alone is retried a bounded number of times, then answered "busy".

`ReadBatcher` is the same idea for reads: the callers that ask while one read is in flight share
the next (the `红包` reply's live packets: one query for every sender of a moment).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Generic, TypeVar

from bot.clock import utcnow
from bot.infra.unavailable import is_unavailable

log = logging.getLogger(__name__)

Req = TypeVar("Req")
Out = TypeVar("Out")
Clock = Callable[[], dt.datetime]
SOLO_TRIES = 6
LINGER_YIELDS = 3  # under load, let a few more requests join a batch before it starts


class GroupCommitter(Generic[Req, Out]):
    def __init__(self, name: str, commit: Callable[[list[Req], dt.datetime], Awaitable[Sequence[Out]]],
                 race_errors: tuple[type[BaseException], ...], busy: Callable[[Req], Out | Exception], *,
                 max_batch: int = 256, consumers: int = 1, clock: Clock = utcnow,
                 on_committed: Callable[[list[tuple[Req, Out]], dt.datetime], Coroutine[Any, Any, None]] | None = None):
        self.name, self.commit, self.race_errors, self.busy = name, commit, race_errors, busy
        self.max_batch, self.consumers, self.clock, self.on_committed = max_batch, consumers, clock, on_committed
        self.queue: asyncio.Queue[tuple[Req, asyncio.Future[Out]]] = asyncio.Queue()
        self.tasks: list[asyncio.Task[None]] = []
        self.side_tasks: set[asyncio.Task[None]] = set()
        self.batches = 0
        self.requests = 0

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self._run(), name=f"{self.name}-{i}") for i in range(self.consumers)]

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        await self.queue.join()
        await asyncio.gather(*self.side_tasks, return_exceptions=True)
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.batches:
            log.info("%s: %d requests in %d batches", self.name, self.requests, self.batches)

    async def submit(self, request: Req) -> Out:
        """The committed outcome of one request (raises what the commit raised for it)."""
        fut: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((request, fut))  # unbounded: never waits
        return await fut

    async def _gather(self) -> list[tuple[Req, asyncio.Future[Out]]]:
        items = [await self.queue.get()]
        for _ in range(LINGER_YIELDS if self.queue.qsize() else 0):
            await asyncio.sleep(0)
        while len(items) < self.max_batch and not self.queue.empty():
            items.append(self.queue.get_nowait())
        return items

    async def _run(self) -> None:
        while True:
            items = await self._gather()
            try:
                await self._process(items)
            except Exception as e:  # never let one bad batch kill the consumer; callers get the error
                if is_unavailable(e):  # the database is away: callers answer 503 (bot/app.py)
                    log.error("%s batch of %d failed, database unavailable: %r", self.name, len(items), e)
                else:
                    log.exception("%s batch failed", self.name)
                for _r, fut in items:
                    if not fut.done():
                        fut.set_exception(e)
            finally:
                for _ in items:
                    self.queue.task_done()

    async def _process(self, items: list[tuple[Req, asyncio.Future[Out]]]) -> None:
        reqs = [r for r, _f in items]
        now = self.clock()
        results = await self._commit(reqs, now)
        self.batches += 1
        self.requests += len(items)
        for (_r, fut), res in zip(items, results, strict=True):
            if fut.done():
                continue
            if isinstance(res, Exception):
                fut.set_exception(res)
            else:
                fut.set_result(res)
        if self.on_committed:  # side effects after commit, without holding up the next batch
            done = [(r, res) for r, res in zip(reqs, results, strict=True) if not isinstance(res, Exception)]
            task = asyncio.create_task(self.on_committed(done, now))
            self.side_tasks.add(task)
            task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self.side_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s: after-commit work failed", self.name, exc_info=task.exception())

    async def _commit(self, reqs: list[Req], now: dt.datetime) -> list[Out | Exception]:
        try:
            return list(await self.commit(reqs, now))
        except self.race_errors as e:
            if is_unavailable(e):  # a lost connection is no race: retrying it alone would only wait longer
                raise
            if len(reqs) == 1:
                return [await self._solo(reqs[0])]
            log.info("%s batch of %d raced (%s); bisecting", self.name, len(reqs), type(e).__name__)
            mid = len(reqs) // 2
            return await self._commit(reqs[:mid], self.clock()) + await self._commit(reqs[mid:], self.clock())

    async def _solo(self, request: Req) -> Out | Exception:
        """One request in its own transaction, retried while other transactions race it."""
        for n in range(SOLO_TRIES):
            try:
                return (await self.commit([request], self.clock()))[0]
            except self.race_errors as e:
                if is_unavailable(e):
                    raise
                log.info("%s: solo request raced (%s), try %d", self.name, type(e).__name__, n + 1)
                await asyncio.sleep(random.uniform(0.002, 0.02) * (n + 1))
        log.warning("%s: a request lost every retry; answered busy", self.name)
        return self.busy(request)


class ReadBatcher(Generic[Req, Out]):
    """Reads by key coalesced, per worker process: the callers that ask while one read is in flight
    are answered together by the next, `read_many(keys, now)` once for all their keys (`now`: the
    earliest caller's). Nothing is kept between reads. One instance may serve event loops one after
    another (tests): a new loop starts from nothing."""

    def __init__(self, read_many: Callable[[list[Req], dt.datetime], Awaitable[dict[Req, Out]]], missing: Out):
        self.read_many, self.missing = read_many, missing
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[Req, list[asyncio.Future[Out]]] = {}
        self._since: dt.datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self.reads = 0

    async def get(self, key: Req, now: dt.datetime) -> Out:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._waiting, self._since, self._task = loop, {}, None, None
        fut: asyncio.Future[Out] = loop.create_future()
        self._waiting.setdefault(key, []).append(fut)
        self._since = now if self._since is None else min(self._since, now)
        if self._task is None:
            self._task = loop.create_task(self._drain())
        return await fut

    async def _drain(self) -> None:
        me = asyncio.current_task()
        try:
            while self._waiting:
                await asyncio.sleep(0)  # the callers of this tick join the read
                waiting, since = self._waiting, self._since or utcnow()
                self._waiting, self._since = {}, None
                await self._read(waiting, since)
        except asyncio.CancelledError:  # shutdown: nobody is left waiting for ever
            if self._task is me:
                _settle(self._waiting, None)
                self._waiting = {}
            raise
        finally:
            if self._task is me:  # (a read left behind by an ended loop must not touch the new one's)
                self._task = None

    async def _read(self, waiting: dict[Req, list[asyncio.Future[Out]]], now: dt.datetime) -> None:
        self.reads += 1
        try:
            found = await self.read_many(list(waiting), now)
        except asyncio.CancelledError:
            _settle(waiting, None)
            raise
        except Exception as e:  # every caller of this read gets the error; the next read starts afresh
            _settle(waiting, e)
            return
        for key, futs in waiting.items():
            for f in futs:
                if not f.done():
                    f.set_result(found.get(key, self.missing))


def _settle(waiting: dict[Any, list[asyncio.Future[Any]]], error: Exception | None) -> None:
    """Fail every waiting caller with `error`, or cancel them (None)."""
    for futs in waiting.values():
        for f in futs:
            if f.done():
                continue
            if error is None:
                f.cancel()
            else:
                f.set_exception(error)
