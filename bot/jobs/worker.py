"""Delivering the outbox: at least once, never twice by our hand, never blocking the change that
wrote the event.

Claims: a worker takes a batch of due rows (pending, or sending with an expired lease) and marks
them `sending` with `next_attempt_at` = lease deadline and `attempts + 1`, atomically —
`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL/MySQL, a conditional update per row on SQLite —
so several workers (Sanic workers, `main.py worker` processes, hosts) share the queue without
taking the same row. `attempts` is the claim's fencing token: a worker whose lease expired and was
reclaimed finishes nothing. A row that dies mid-send is reclaimed after its lease and sent again
with the same WeChat `client_msg_id` (the outbox key), so WeChat drops the repeat.

Outcomes: sent (or skipped, with the reason in last_error); retryable failures (45009, system
busy, 5xx, timeouts, our own errors) back off exponentially with jitter; permanent failures and
the `outbox.max_attempts`-th failure go to `dead`, which admins see.

Stopping (`drain`): no new batch is claimed; claims of the batch in hand that have not started
are handed back at once (pending, due now, the attempt not counted); sends in flight may finish
for `outbox.drain_s`, then are cancelled and handed back (the attempt counted: it may have reached
WeChat, whose `client_msg_id` drops the repeat). No claim stays `sending` until its lease expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.infra import db, logs
from bot.jobs import alerts
from bot.jobs.notices import NoticeError, Skip, TemplateMessage, WecomText
from bot.jobs.outage import Breaker, SendRate
from bot.jobs.subscribe_delivery import Delivery, SubscribeMessage, deliver_subscribe, notices_for
from bot.settings import Settings
from bot.web import metrics
from bot.wechat.gateway import WxGateway, WxGatewayError
from models.enums import OutboxStatus
from models.outbox import OutboxMessage

log = logging.getLogger(__name__)

DUE = [OutboxStatus.PENDING, OutboxStatus.SENDING]


@dataclass(frozen=True)
class Claim:
    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    attempts: int  # including this claim; the fencing token for finishing the row


def channel_of(notice: Delivery) -> str:
    """The API a notice goes out through ("" for a skip): each has its own outage breaker."""
    if isinstance(notice, TemplateMessage | SubscribeMessage):
        return "wechat"
    return "wecom" if isinstance(notice, WecomText) else ""


def backoff_s(attempts: int, base_s: float, max_s: float, rnd: float) -> float:
    """Delay before attempt `attempts + 1`: base·2^(attempts-1), capped, jittered into [½, 1]·delay."""
    return min(max_s, base_s * 2 ** max(0, attempts - 1)) * (0.5 + rnd / 2)


class OutboxWorker:
    def __init__(self, gateway: WxGateway, settings: Settings, *, clock: Callable[[], dt.datetime] = utcnow,
                 rng: Callable[[], float] = random.random):
        self.gateway, self.settings, self.policy = gateway, settings, settings.outbox
        self.clock, self.rng = clock, rng
        self.locking = settings.database.dialect in ("postgres", "mysql")
        self._slots = asyncio.Semaphore(self.policy.concurrency)
        self.held: dict[int, Claim] = {}  # claimed by this worker and not finished yet
        self._started: set[int] = set()  # of those, the ones whose send has begun
        self._stop = asyncio.Event()
        self.breaker = Breaker(self.policy.outage_threshold, self.policy.outage_pause_base_s,
                               self.policy.outage_pause_max_s)
        self.rate = SendRate(self.policy.max_sends_per_s)

    # -- claiming --------------------------------------------------------------------------------
    async def claim(self, now: dt.datetime) -> list[Claim]:
        """Take up to `batch_size` due rows for this worker alone."""
        lease_until = now + dt.timedelta(seconds=self.policy.lease_s)
        if self.locking:
            return await self._claim_skip_locked(now, lease_until)
        return await self._claim_conditional(now, lease_until)

    def _due(self, now: dt.datetime) -> Any:
        return OutboxMessage.filter(status__in=DUE, next_attempt_at__lte=now).order_by("next_attempt_at", "id") \
            .limit(self.policy.batch_size)

    async def _claim_skip_locked(self, now: dt.datetime, lease_until: dt.datetime) -> list[Claim]:
        async with in_transaction() as conn:
            rows = await self._due(now).select_for_update(skip_locked=True).using_db(conn)
            if rows:
                await OutboxMessage.filter(id__in=[r.id for r in rows]).using_db(conn).update(
                    status=OutboxStatus.SENDING, next_attempt_at=lease_until, attempts=F("attempts") + 1)
        return [Claim(r.id, r.key, r.kind, r.payload, r.attempts + 1) for r in rows]

    async def _claim_conditional(self, now: dt.datetime, lease_until: dt.datetime) -> list[Claim]:
        claims = []
        for r in await self._due(now):
            n = await OutboxMessage.filter(id=r.id, status=r.status, attempts=r.attempts,
                                           next_attempt_at__lte=now).update(
                status=OutboxStatus.SENDING, next_attempt_at=lease_until, attempts=r.attempts + 1)
            if n:
                claims.append(Claim(r.id, r.key, r.kind, r.payload, r.attempts + 1))
        return claims

    # -- delivering ------------------------------------------------------------------------------
    async def deliver(self, c: Claim) -> OutboxStatus | None:
        """Send one claimed event and finish its row; the resulting status (None: claim was lost)."""
        if c.attempts > self.policy.max_attempts:  # reclaimed after its last allowed attempt
            return await self._finish(c, OutboxStatus.DEAD, "lease expired on the last attempt")
        channel = ""
        try:
            notices = await notices_for(c.kind, c.payload, self.settings, self.clock())
            channels = {ch for n in notices if (ch := channel_of(n))}
            for ch in channels:
                if wait_s := self.breaker.paused_for_s(ch):  # an outage: not an attempt
                    return await self._postpone(c, wait_s)
            notes = []
            for n in notices:
                if channel := channel_of(n):
                    await self.rate.wait()
                notes.append(await self._send(n, c.key))
        except WxGatewayError as e:
            if e.retryable and channel and self.breaker.failed(channel):
                await self._outage_began(channel, str(e))
            return await self._failed(c, str(e), e.retryable)
        except NoticeError as e:
            return await self._failed(c, str(e), False)
        except Exception as e:  # our bug or the database: logged in full, retried with backoff
            log.exception("outbox %s: delivery failed unexpectedly", c.key)
            return await self._failed(c, f"{type(e).__name__}: {e}", True)
        for ch in channels:
            if self.breaker.succeeded(ch):
                log.warning("outbox: %s reachable again; the backlog drains at most %s/s per process", ch,
                            self.policy.max_sends_per_s or "unlimited")
        skipped = [n for n in notes if n]
        return await self._finish(c, OutboxStatus.SENT, "skipped: " + "; ".join(skipped) if skipped else None)

    async def _postpone(self, c: Claim, wait_s: float) -> OutboxStatus | None:
        """Hand a claim back unattempted, due when its channel's pause ends."""
        return OutboxStatus.PENDING if await self.release(c, attempted=False, due_in_s=wait_s) else None

    async def _outage_began(self, channel: str, error: str) -> None:
        log.error("outbox: %s unreachable (%s); pausing its sends", channel, error)
        try:
            await alerts.wechat_outage(self.settings.alerts, channel, error, self.clock())
        except Exception as e:  # the database may be away too; the pause stands regardless
            log.error("outbox: could not raise the outage alert: %r", e)

    async def _send(self, notice: Delivery, key: str) -> str | None:
        """Deliver one notice; why it was skipped, or None when it went out."""
        if isinstance(notice, TemplateMessage):
            await self.gateway.send_template(notice.openid, notice.template_id, notice.data, key=key, url=notice.url)
        elif isinstance(notice, WecomText):
            await self.gateway.wecom_send_text(notice.users, notice.text)
        elif isinstance(notice, SubscribeMessage):
            return await deliver_subscribe(self.gateway, notice, key, self.clock())
        elif isinstance(notice, Skip):
            return notice.reason
        return None

    async def _failed(self, c: Claim, error: str, retryable: bool) -> OutboxStatus | None:
        if not retryable or c.attempts >= self.policy.max_attempts:
            log.warning("outbox %s: dead after %d attempt(s): %s", c.key, c.attempts, error)
            return await self._finish(c, OutboxStatus.DEAD, error)
        delay = backoff_s(c.attempts, self.policy.backoff_base_s, self.policy.backoff_max_s, self.rng())
        log.info("outbox %s: attempt %d failed (%s); retry in %.1fs", c.key, c.attempts, error, delay)
        return await self._finish(c, OutboxStatus.PENDING, error, self.clock() + dt.timedelta(seconds=delay))

    async def _finish(self, c: Claim, status: OutboxStatus, error: str | None,
                      next_at: dt.datetime | None = None) -> OutboxStatus | None:
        now = self.clock()
        fields: dict[str, Any] = {"status": status, "last_error": error[:2000] if error else None,
                                  "next_attempt_at": next_at or now}
        if status == OutboxStatus.SENT:
            fields["sent_at"] = now
        n = await OutboxMessage.filter(id=c.id, status=OutboxStatus.SENDING, attempts=c.attempts).update(**fields)
        metrics.outbox_delivered(c.kind, str(status) if n else "claim_lost")
        if not n:
            log.warning("outbox %s: claim %d lost (lease expired, reclaimed elsewhere)", c.key, c.attempts)
            return None
        return status

    # -- running ---------------------------------------------------------------------------------
    async def _deliver_in_slot(self, c: Claim) -> OutboxStatus | None:
        """Deliver as part of the request that wrote the row: its logs carry that request id."""
        with logs.bound_request_id(c.payload.get(logs.PAYLOAD_KEY) if isinstance(c.payload, dict) else None):
            async with self._slots:
                if self._stop.is_set():  # stopping while this claim waited for a slot: hand it back unsent
                    await self.release(c, attempted=False)
                    return None
                status = await self._deliver_held(c)
            log.info("outbox %s (%s): %s after %d attempt(s)", c.key, c.kind, status or "claim lost", c.attempts)
            return status

    async def _deliver_held(self, c: Claim) -> OutboxStatus | None:
        self._started.add(c.id)
        try:
            return await self.deliver(c)
        finally:
            if not _cancelling():  # cancelled mid-send: `drain` releases it
                self.held.pop(c.id, None)
                self._started.discard(c.id)

    async def release(self, c: Claim, *, attempted: bool, due_in_s: float = 0.0) -> bool:
        """Hand a claim back: pending and due now (or in `due_in_s`), fenced like `_finish`. An
        attempt that never started is not counted. True when this worker still held it."""
        fields: dict[str, Any] = {"status": OutboxStatus.PENDING,
                                  "next_attempt_at": self.clock() + dt.timedelta(seconds=due_in_s)}
        if not attempted:
            fields["attempts"] = c.attempts - 1
        n = await OutboxMessage.filter(id=c.id, status=OutboxStatus.SENDING, attempts=c.attempts).update(**fields)
        self.held.pop(c.id, None)
        self._started.discard(c.id)
        return bool(n)

    async def drain(self, task: asyncio.Task[None], timeout_s: float) -> int:
        """After `stop` was set: wait up to `timeout_s` for `task` (this worker's `run`), cancel it
        past that, and hand back every claim still held. Returns how many were handed back."""
        self._stop.set()
        done, _ = await asyncio.wait([task], timeout=timeout_s)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        released = 0
        for c in list(self.held.values()):
            try:
                released += await self.release(c, attempted=c.id in self._started)
            except Exception as e:  # the database is away: the lease hands the claim on instead
                log.error("outbox %s: could not hand back claim %d: %r", c.key, c.attempts, e)
        if released:
            log.info("outbox worker stopped: %d claim(s) handed back", released)
        return released

    async def run_once(self) -> list[OutboxStatus | None]:
        """Claim one batch and deliver it; the outcome of each claim."""
        claims = await self.claim(self.clock())
        self.held.update((c.id, c) for c in claims)
        results = await asyncio.gather(*[self._deliver_in_slot(c) for c in claims], return_exceptions=True)
        for c, r in zip(claims, results, strict=True):
            if isinstance(r, BaseException):  # finishing failed (database down): the lease hands it on
                log.error("outbox %s: could not record the outcome: %r", c.key, r)
        return [None if isinstance(r, BaseException) else r for r in results]

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; a full batch is followed at once by the next one."""
        self._stop = stop
        while not stop.is_set():
            try:
                full = len(await self.run_once()) >= self.policy.batch_size
            except Exception as e:
                if db.is_lock_conflict(e):  # another worker's claim or finish held the rows: try again soon
                    log.info("outbox worker: claim met a lock conflict, trying again: %s", e)
                    await asyncio.sleep(0.01 + 0.05 * self.rng())
                    continue
                log.exception("outbox worker: claiming failed")  # the database may be away: try again later
                full = False
            if not full:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.policy.poll_interval_s)


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
