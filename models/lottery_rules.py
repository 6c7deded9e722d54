"""Pure lottery rules (SPEC §2): exact weighted draws, stock fallback, frequency windows.

No I/O: `now` and the random source are parameters. Imports no tortoise, redis, sanic or httpx.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import IntEnum, StrEnum
from fractions import Fraction
from math import gcd

# Random bits per draw for every table whose exact span fits in _DRAW_BITS - _SPARE_BITS bits;
# the spare bits bound the rejection rate by 2**-_SPARE_BITS.
_DRAW_BITS = 60
_SPARE_BITS = 24
# Rejection redraws tried before rebuilding a table over the in-stock entries (see resolve_stock).
_REDRAW_TRIES = 8


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Vose alias table over integer weights, exact and O(1) per draw.

    Column c (chosen uniformly) yields c when its sub-draw u < keep[c], else alias[c]. Weights are
    divided by their gcd and multiplied by the column count so every threshold is an integer:
    P(index i) == weights[i] / sum(weights) exactly, however rare. Zero weights are never drawn.

    A draw is one `rng.getrandbits(bits)` r, accepted when r < span, then divmod(r, scale) gives
    the column and u. Thresholds are scaled by a common factor so span fills at least 1 - 2**-24
    of 2**bits: a retry is that rare, and since `bits` is the same (60) for every table up to
    2**36 total mass, a draw costs the same with 3 prizes or 10,000.
    """

    weights: tuple[int, ...]
    keep: tuple[int, ...]
    alias: tuple[int, ...]
    scale: int  # mass of one column (sum of gcd-reduced weights, times the fill factor)
    span: int  # len(weights) * scale: the number of accepted outcomes of a draw
    bits: int  # random bits per draw attempt; span > 2**bits * (1 - 2**-24)

    @classmethod
    def build(cls, weights: Sequence[int]) -> AliasTable:
        """Build from non-negative int weights, at least one positive. ValueError/TypeError else."""
        checked = _check_weights(weights)
        divisor = gcd(*checked)
        reduced = [w // divisor for w in checked]
        scale, n = sum(reduced), len(reduced)
        mass = [w * n for w in reduced]  # every column must end up holding exactly `scale`
        keep, alias = [scale] * n, list(range(n))
        small = [i for i, m in enumerate(mass) if m < scale]
        large = [i for i, m in enumerate(mass) if m >= scale]
        while small and large:
            s, g = small.pop(), large.pop()
            keep[s], alias[s] = mass[s], g
            mass[g] -= scale - mass[s]
            (small if mass[g] < scale else large).append(g)
        # Exact arithmetic: sum(mass of open entries) == scale * count, so no small entry can be
        # left over; the remaining large ones hold exactly `scale` and keep themselves.
        assert not small, "alias invariant broken"
        bits = max(_DRAW_BITS, (scale * n).bit_length() + _SPARE_BITS)
        fill = (1 << bits) // (scale * n)  # scaling every threshold keeps the odds exact
        keep = [k * fill for k in keep]
        return cls(tuple(checked), tuple(keep), tuple(alias), scale * fill, scale * fill * n, bits)

    def draw(self, rng: random.Random) -> int:
        """Index drawn with probability weights[i] / sum(weights)."""
        r = rng.getrandbits(self.bits)
        while r >= self.span:  # probability < 2**-24 per attempt
            r = rng.getrandbits(self.bits)
        column, u = divmod(r, self.scale)
        return column if u < self.keep[column] else self.alias[column]

    def probabilities(self) -> tuple[Fraction, ...]:
        """The exact probability of each index as encoded by the table (for tests and display)."""
        mass = [0] * len(self.keep)
        for column, (kept, other) in enumerate(zip(self.keep, self.alias, strict=True)):
            mass[column] += kept
            mass[other] += self.scale - kept
        return tuple(Fraction(m, self.span) for m in mass)


def _check_weights(weights: Sequence[int]) -> list[int]:
    checked = list(weights)
    if not checked:
        raise ValueError("a prize table needs at least one entry")
    for w in checked:
        if isinstance(w, bool) or not isinstance(w, int):
            raise TypeError(f"weights must be int, got {type(w).__name__}")
        if w < 0:
            raise ValueError(f"weights must not be negative, got {w}")
    if not any(checked):
        raise ValueError("at least one weight must be positive")
    return checked


class StockPolicy(StrEnum):
    """What a draw of an out-of-stock entry turns into."""

    REDRAW = "redraw"  # draw again among in-stock entries by their weights (the default)
    NO_PRIZE = "no_prize"  # award nothing


def resolve_stock(
    table: AliasTable,
    drawn: int,
    out_of_stock: Collection[int],
    rng: random.Random,
    policy: StockPolicy = StockPolicy.REDRAW,
) -> int | None:
    """The index to award after `drawn`, or None for "nothing is awarded".

    In-stock `drawn` is returned unchanged. With REDRAW the result is distributed as the original
    draw conditioned on being in stock, i.e. P(j) = w_j / sum(in-stock w): the relative odds of
    the remaining entries never change. "No prize" entries should never be listed as out of stock
    (they have unlimited stock), so a sold-out prize usually falls back to them in proportion.
    None when no positive-weight entry is in stock, or always under NO_PRIZE. The same helper
    enforces a reached win limit: pass every real prize's index as unavailable.
    """
    if drawn not in out_of_stock:
        return drawn
    if policy is StockPolicy.NO_PRIZE:
        return None
    for _ in range(_REDRAW_TRIES):  # cheap while little weight is sold out
        candidate = table.draw(rng)
        if candidate not in out_of_stock:
            return candidate
    remaining = [0 if i in out_of_stock else w for i, w in enumerate(table.weights)]
    if not any(remaining):
        return None
    return AliasTable.build(remaining).draw(rng)


def may_win(wins_so_far: int, win_limit: int) -> bool:
    """Whether a user with `wins_so_far` real prizes may win another; win_limit 0 is unlimited."""
    if win_limit < 0 or wins_so_far < 0:
        raise ValueError("win_limit and wins_so_far must not be negative")
    return win_limit == 0 or wins_so_far < win_limit


def activity_open(start: datetime, end: datetime, now: datetime) -> bool:
    """Whether `now` lies in [start, end): start inclusive, end exclusive. Aware datetimes only."""
    for moment in (start, end, now):
        _require_aware(moment)
    return start <= now < end


class Frequency(IntEnum):
    """Draw frequency rule of a lottery activity; the integers are the stored/admin values."""

    UNLIMITED = 0
    DAILY = 1
    WEEKLY = 2  # weeks start Monday 00:00 local time
    MONTHLY = 3


_KEY_PREFIX = {Frequency.DAILY: "d", Frequency.WEEKLY: "w", Frequency.MONTHLY: "m"}


def frequency_allows(rule: int, draws_in_window: int) -> bool:
    """Whether one more draw fits: unlimited always, the other rules allow one per window."""
    return Frequency(rule) is Frequency.UNLIMITED or draws_in_window < 1


def window_key(rule: int, now_utc: datetime, tz: tzinfo) -> str | None:
    """Stable key of the window holding `now_utc` in local time `tz`: "d:2026-11-22",
    "w:2026-11-16" (that week's Monday), "m:2026-11"; None for unlimited."""
    start = _window_first_day(Frequency(rule), now_utc, tz)
    if start is None:
        return None
    label = f"{start.year:04d}-{start.month:02d}" if rule == Frequency.MONTHLY else start.isoformat()
    return f"{_KEY_PREFIX[Frequency(rule)]}:{label}"


def window_start(rule: int, now_utc: datetime, tz: tzinfo) -> datetime | None:
    """UTC instant when the window holding `now_utc` began (local midnight); None for unlimited."""
    start = _window_first_day(Frequency(rule), now_utc, tz)
    return None if start is None else _local_midnight_utc(start, tz)


def window_end(rule: int, now_utc: datetime, tz: tzinfo) -> datetime | None:
    """UTC instant (exclusive) when the window holding `now_utc` ends, e.g. for Redis EXPIREAT;
    None for unlimited."""
    freq = Frequency(rule)
    start = _window_first_day(freq, now_utc, tz)
    if start is None:
        return None
    if freq is Frequency.DAILY:
        following = start + timedelta(days=1)
    elif freq is Frequency.WEEKLY:
        following = start + timedelta(days=7)
    else:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return _local_midnight_utc(following, tz)


def _window_first_day(freq: Frequency, now_utc: datetime, tz: tzinfo) -> date | None:
    _require_aware(now_utc)
    today = now_utc.astimezone(tz).date()
    if freq is Frequency.UNLIMITED:
        return None
    if freq is Frequency.DAILY:
        return today
    if freq is Frequency.WEEKLY:
        return today - timedelta(days=today.weekday())
    return today.replace(day=1)


def _local_midnight_utc(day: date, tz: tzinfo) -> datetime:
    # fold=0: a skipped midnight maps to the transition instant, a repeated one to its first pass.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timezone-aware datetimes only")
