"""bot/jobs/outage.py: the per-channel breaker pauses a failing channel (doubling, capped), reports an
outage once, closes on the first success; the send rate spaces starts evenly."""

from __future__ import annotations

import asyncio

import pytest

from bot.jobs.outage import Breaker, SendRate


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_breaker_opens_after_threshold_reports_once_and_doubles_its_pause() -> None:
    clock = Clock()
    b = Breaker(3, 1.0, 4.0, clock)
    assert [b.failed("wechat") for _ in range(3)] == [False, False, True]  # the third opens it: one report
    assert b.paused_for_s("wechat") == 1.0 and b.paused_for_s("wecom") == 0.0  # channels are separate
    assert b.failed("wechat") is False and b.paused_for_s("wechat") == 1.0  # failures in flight change nothing
    clock.t += 1.0
    assert b.paused_for_s("wechat") == 0.0  # the pause is over: probes go out
    assert b.failed("wechat") is False and b.paused_for_s("wechat") == 2.0  # still down: twice as long
    clock.t += 2.0
    b.failed("wechat")
    clock.t += 4.0
    b.failed("wechat")
    assert b.paused_for_s("wechat") == 4.0  # capped
    assert b.succeeded("wechat") is True and b.paused_for_s("wechat") == 0.0 and not b.is_open("wechat")
    assert [b.failed("wechat") for _ in range(3)] == [False, False, True]  # a new outage is reported again


def test_a_success_between_failures_keeps_the_breaker_closed() -> None:
    b = Breaker(3, 1.0, 4.0, Clock())
    for _ in range(10):
        b.failed("wechat")
        b.failed("wechat")
        assert b.succeeded("wechat") is False
    assert b.paused_for_s("wechat") == 0.0


async def test_send_rate_spaces_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    slept: list[float] = []
    rate = SendRate(4.0, clock)
    real_sleep = asyncio.sleep

    async def fake_sleep(s: float) -> None:
        slept.append(s)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    for _ in range(5):
        await rate.wait()
    assert slept == [0.25, 0.5, 0.75, 1.0]  # the first starts at once, the rest 1/4 s apart
    assert SendRate(0).interval_s == 0.0
