"""Group commit for lottery draws (bot/infra/batching.py): a burst of draws costs one short transaction
per batch and a hot prize row is updated once per batch; a draw is answered after its commit."""

from __future__ import annotations

import datetime as dt

from bot.clock import utcnow
from bot.errors import ErrorCode
from bot.infra import db
from bot.infra.batching import Clock, GroupCommitter
from handlers.lottery.draw import DrawConflict, DrawContext, DrawOutcome, DrawRequest, commit_draws

RACE_ERRORS: tuple[type[BaseException], ...] = (*db.RACE_ERRORS, DrawConflict)
MAX_BATCH = 128


class DrawBatcher(GroupCommitter[DrawRequest, DrawOutcome]):
    def __init__(self, ctx: DrawContext, *, max_batch: int = MAX_BATCH, consumers: int = 1, clock: Clock = utcnow):
        async def commit(reqs: list[DrawRequest], now: dt.datetime) -> list[DrawOutcome]:
            return await commit_draws(reqs, ctx, now)

        super().__init__("draw-batcher", commit, RACE_ERRORS, lambda _r: DrawOutcome(ErrorCode.BUSY),
                         max_batch=max_batch, consumers=consumers, clock=clock)
        self.ctx = ctx
