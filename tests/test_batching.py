"""bot/batching.py without a database: batches form while one commits, and a race is bisected
until the conflicting request is alone."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.batching import GroupCommitter

NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)


class Raced(Exception):
    pass


async def test_a_race_is_bisected_until_the_conflicting_request_is_alone() -> None:
    seen: list[list[int]] = []

    async def commit(reqs: list[int], _now: dt.datetime) -> list[int]:
        seen.append(list(reqs))
        if 13 in reqs and len(reqs) > 1:
            raise Raced  # 13 conflicts with another transaction whenever it is not alone
        return [r * 10 for r in reqs]

    g: GroupCommitter[int, int] = GroupCommitter("t", commit, (Raced,), lambda _r: -1, clock=lambda: NOW)
    g.start()
    try:
        out = await asyncio.gather(*[g.submit(r) for r in (11, 12, 13, 14)])
    finally:
        await g.stop()
    assert out == [110, 120, 130, 140]
    assert seen == [[11, 12, 13, 14], [11, 12], [13, 14], [13], [14]]


async def test_batches_form_while_one_commits() -> None:
    gate = asyncio.Event()
    batches: list[list[int]] = []

    async def commit(reqs: list[int], _now: dt.datetime) -> list[int]:
        batches.append(list(reqs))
        await gate.wait()
        return reqs

    g: GroupCommitter[int, int] = GroupCommitter("t", commit, (), lambda _r: -1, clock=lambda: NOW)
    g.start()
    try:
        first = asyncio.ensure_future(g.submit(1))
        await asyncio.sleep(0.01)  # batch [1] is committing
        rest = [asyncio.ensure_future(g.submit(i)) for i in (2, 3, 4)]
        await asyncio.sleep(0.01)
        gate.set()
        assert await asyncio.gather(first, *rest) == [1, 2, 3, 4]
    finally:
        await g.stop()
    assert batches == [[1], [2, 3, 4]]


async def test_a_request_that_keeps_losing_is_answered_busy() -> None:
    async def commit(_reqs: list[int], _now: dt.datetime) -> list[int]:
        raise Raced

    g: GroupCommitter[int, int] = GroupCommitter("t", commit, (Raced,), lambda _r: -1, clock=lambda: NOW)
    g.start()
    try:
        assert await g.submit(7) == -1
    finally:
        await g.stop()
