"""bot/infra/batching.py without a database: batches form while one commits, and a race is bisected
until the conflicting request is alone."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.infra.batching import GroupCommitter, ReadBatcher

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


# ---- ReadBatcher -------------------------------------------------------------------------------


Reads = list[tuple[list[str], dt.datetime]]


def _recording_reader(gate: asyncio.Event | None = None) -> tuple[ReadBatcher[str, str], Reads]:
    reads: Reads = []

    async def read_many(keys: list[str], now: dt.datetime) -> dict[str, str]:
        reads.append((sorted(keys), now))
        if gate is not None:
            await gate.wait()
        return {k: k.upper() for k in keys if k != "nobody"}

    return ReadBatcher(read_many, "-"), reads


async def test_the_callers_of_a_moment_share_one_read_at_the_earliest_now() -> None:
    reader, reads = _recording_reader()
    later = NOW + dt.timedelta(seconds=1)
    got = await asyncio.gather(reader.get("a", later), reader.get("b", NOW), reader.get("a", later),
                               reader.get("nobody", later))
    assert got == ["A", "B", "A", "-"]
    assert reads == [(["a", "b", "nobody"], NOW)]


async def test_callers_arriving_during_a_read_share_the_next() -> None:
    gate = asyncio.Event()
    reader, reads = _recording_reader(gate)
    first = asyncio.ensure_future(reader.get("a", NOW))
    await asyncio.sleep(0.01)  # the read of ["a"] is in flight
    rest = [asyncio.ensure_future(reader.get(k, NOW)) for k in ("b", "c", "b")]
    await asyncio.sleep(0.01)
    gate.set()
    assert await asyncio.gather(first, *rest) == ["A", "B", "C", "B"]
    assert [keys for keys, _now in reads] == [["a"], ["b", "c"]]


async def test_a_failed_read_fails_its_callers_only() -> None:
    calls = 0

    async def read_many(keys: list[str], _now: dt.datetime) -> dict[str, str]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database gone")
        return dict.fromkeys(keys, "ok")

    reader: ReadBatcher[str, str] = ReadBatcher(read_many, "-")
    failed = await asyncio.gather(reader.get("a", NOW), reader.get("b", NOW), return_exceptions=True)
    assert all(isinstance(e, ConnectionError) for e in failed)
    assert await reader.get("a", NOW) == "ok"


async def test_callers_are_cancelled_with_a_cancelled_read() -> None:
    reader, _reads = _recording_reader(asyncio.Event())  # never opens
    waiting = [asyncio.ensure_future(reader.get(k, NOW)) for k in ("a", "b")]
    await asyncio.sleep(0.01)
    assert reader._task is not None  # noqa: SLF001
    reader._task.cancel()  # noqa: SLF001 - what shutting the loop down does
    done = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(e, asyncio.CancelledError) for e in done)


def test_a_new_event_loop_starts_from_nothing() -> None:
    """A read left in flight by a loop that ended must not hold up the next loop's callers."""
    reader, reads = _recording_reader(asyncio.Event())

    async def abandon() -> None:
        asyncio.ensure_future(reader.get("a", NOW))
        await asyncio.sleep(0.01)  # in flight, never answered: the loop ends under it

    old = asyncio.new_event_loop()
    try:
        old.run_until_complete(abandon())  # ends with the read still pending: nothing cancelled it
        assert reader._task is not None  # noqa: SLF001
        reader.read_many = _recording_reader()[0].read_many  # a reader that answers
        assert asyncio.run(asyncio.wait_for(reader.get("b", NOW), 2)) == "B"
        assert [keys for keys, _now in reads] == [["a"]]
    finally:  # the old loop's leftovers, cancelled late, leave the reader alone
        for task in asyncio.all_tasks(old):
            task.cancel()
        old.run_until_complete(asyncio.sleep(0.01))
        old.close()
    assert reader._task is None and asyncio.run(asyncio.wait_for(reader.get("c", NOW), 2)) == "C"  # noqa: SLF001
