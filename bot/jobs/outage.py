"""Sending into an outage, per worker process: a circuit breaker per WeChat channel and a cap on
the send rate (bot/jobs/worker.py uses both).

Breaker: after `threshold` retryable failures in a row on a channel (the Official Account's API,
WeCom's), the channel is paused for `pause_base_s`, doubling up to `pause_max_s` while it keeps
failing. While paused nothing is sent on it: claims are handed back unattempted, due when the pause
ends, so an outage burns no message's attempts and no message goes dead for it. When the pause
ends sends go out again (probes); one success closes the breaker. Opening is reported once per
outage (`opened` is True for the failure that opened it) so the caller raises one alert.

SendRate: at most `per_s` sends start per second in this process — a backlog (after an outage)
drains at a bounded rate instead of bursting into WeChat's own rate limits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Channel:
    failures: int = 0
    pause_s: float = 0.0
    paused_until: float = 0.0
    open: bool = False


class Breaker:
    def __init__(self, threshold: int, pause_base_s: float, pause_max_s: float,
                 clock: Callable[[], float] = time.monotonic):
        self.threshold, self.pause_base_s, self.pause_max_s, self.clock = threshold, pause_base_s, pause_max_s, clock
        self._channels: dict[str, _Channel] = {}

    def _of(self, channel: str) -> _Channel:
        return self._channels.setdefault(channel, _Channel())

    def paused_for_s(self, channel: str) -> float:
        """Seconds until `channel` may be sent on again (0: now)."""
        return max(0.0, self._of(channel).paused_until - self.clock())

    def is_open(self, channel: str) -> bool:
        return self._of(channel).open

    def failed(self, channel: str) -> bool:
        """A retryable failure on `channel`; True when it opened the breaker (a new outage)."""
        ch = self._of(channel)
        ch.failures += 1
        if ch.failures < self.threshold or self.paused_for_s(channel):
            return False
        newly = not ch.open
        ch.pause_s = self.pause_base_s if newly else min(self.pause_max_s, max(ch.pause_s, self.pause_base_s) * 2)
        ch.paused_until, ch.open = self.clock() + ch.pause_s, True
        return newly

    def succeeded(self, channel: str) -> bool:
        """A send went through; True when it closed an open breaker (the outage is over)."""
        ch = self._of(channel)
        was_open = ch.open
        self._channels[channel] = _Channel()
        return was_open


class SendRate:
    """At most `per_s` starts per second (0: unlimited), spaced evenly; waiters queue in order."""

    def __init__(self, per_s: float, clock: Callable[[], float] = time.monotonic):
        self.interval_s = 1.0 / per_s if per_s > 0 else 0.0
        self.clock = clock
        self._next = 0.0

    async def wait(self) -> None:
        if not self.interval_s:
            return
        now = self.clock()  # no await between reading and booking the slot: no lock needed
        start = max(now, self._next)
        self._next = start + self.interval_s
        if start > now:
            await asyncio.sleep(start - now)
