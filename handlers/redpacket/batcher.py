"""Group commit for helps (bot/infra/batching.py): a hot packet costs one short transaction per batch,
and a help is answered only after its transaction committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra import db
from bot.infra.batching import Clock, GroupCommitter
from handlers.redpacket.budget import CounterMissing
from handlers.redpacket.cache import HelpAsk, HelpCache, Screened
from handlers.redpacket.commit import BatchConflict, HelpAttempt, HelpOutcome, SplitContext, commit_batch
from models.budget_rules import NO_BUDGET, Budget

RACE_ERRORS: tuple[type[BaseException], ...] = (*db.RACE_ERRORS, BatchConflict, CounterMissing)
OnCommitted = Callable[[list[tuple[int, HelpOutcome]], dt.datetime], Awaitable[None]]
BudgetOf = Callable[[], Awaitable[Budget]]


async def _no_budget() -> Budget:
    return NO_BUDGET


class HelpBatcher(GroupCommitter[HelpAttempt, HelpOutcome]):
    def __init__(self, ctx: SplitContext, *, max_batch: int = 256, clock: Clock = utcnow,
                 on_committed: OnCommitted | None = None, consumers: int = 1, budget_of: BudgetOf = _no_budget):
        """`budget_of`: the hard budgets now (handlers/redpacket/budget.py `budget_of`), read for every batch."""
        async def commit(attempts: list[HelpAttempt], now: dt.datetime) -> list[HelpOutcome]:
            return await commit_batch(attempts, ctx, now, await budget_of())

        async def remember(done: list[tuple[HelpAttempt, HelpOutcome]], now: dt.datetime) -> None:
            if on_committed:
                await on_committed([(a.helper_id, o) for a, o in done], now)

        super().__init__("help-batcher", commit, RACE_ERRORS, lambda _a: FissionError(ErrorCode.BUSY),
                         max_batch=max_batch, consumers=consumers, clock=clock,
                         on_committed=remember if on_committed else None)
        self.ctx = ctx


class HelpScreen(GroupCommitter[HelpAsk, Screened]):
    """The Redis screening of the help requests that arrive together, one pipeline per batch
    (HelpCache.screen). Nothing here writes to the database, so there is no race to bisect."""

    def __init__(self, cache: HelpCache, *, max_batch: int = 256, clock: Clock = utcnow):
        super().__init__("help-screen", cache.screen, (), lambda _a: FissionError(ErrorCode.BUSY),
                         max_batch=max_batch, clock=clock)
