"""Pure lottery rules: exact alias draws, stock fallback, frequency windows, open/limit checks."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.lottery_rules import (
    AliasTable,
    Frequency,
    StockPolicy,
    activity_open,
    frequency_allows,
    may_win,
    resolve_stock,
    window_end,
    window_key,
    window_start,
)
from tests.support.imports import imported_roots

SHANGHAI = ZoneInfo("Asia/Shanghai")
# hypothesis takes naive bounds and attaches the timezone itself
NAIVE_MIN, NAIVE_MAX = datetime(2000, 1, 1), datetime(2037, 12, 1)  # noqa: DTZ001
FORBIDDEN_IMPORTS = {"tortoise", "redis", "sanic", "httpx", "aiohttp", "requests", "socket"}

weights_st = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(any)


def test_module_is_pure() -> None:
    path = Path(__file__).resolve().parents[1] / "models" / "lottery_rules.py"
    assert not imported_roots(path) & FORBIDDEN_IMPORTS


def chi_square(observed: Counter[int], weights: list[int], draws: int) -> float:
    total = sum(weights)
    return sum((observed[i] - draws * w / total) ** 2 / (draws * w / total) for i, w in enumerate(weights) if w)


def chi_square_critical(df: int, z: float = 3.09) -> float:
    """Upper 0.1% point of chi-square(df) by Wilson–Hilferty (z = 3.09 ↔ p = 0.001)."""
    c = 2 / (9 * df)
    return df * (1 - c + z * math.sqrt(c)) ** 3


class CountingRng(random.Random):
    """Counts getrandbits calls: a draw must use one, whatever the table size."""

    calls = 0

    def getrandbits(self, k: int) -> int:
        self.calls += 1
        return super().getrandbits(k)


class ScriptedRng:
    """Returns the given values from getrandbits, in order."""

    def __init__(self, *values: int) -> None:
        self.values = list(values)

    def getrandbits(self, k: int) -> int:
        value = self.values.pop(0)
        assert 0 <= value < 2**k
        return value


# --- alias table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "seed"),
    [([50, 30, 15, 4, 1], 1), ([1, 1, 1, 1], 2), ([0, 700, 0, 200, 100], 3), ([9000, 600, 300, 90, 9, 1], 4)],
)
def test_draws_fit_weights_chi_square(weights: list[int], seed: int) -> None:
    table, rng, draws = AliasTable.build(weights), random.Random(seed), 100_000
    observed = Counter(table.draw(rng) for _ in range(draws))
    assert all(observed[i] == 0 for i, w in enumerate(weights) if w == 0)
    df = sum(1 for w in weights if w) - 1
    assert chi_square(observed, weights, draws) < chi_square_critical(df)


def test_chi_square_detects_wrong_odds() -> None:
    """The goodness-of-fit check has power: a table off by a few percent fails it."""
    rng, draws = random.Random(5), 100_000
    observed = Counter(AliasTable.build([52, 28, 20]).draw(rng) for _ in range(draws))
    assert chi_square(observed, [50, 30, 20], draws) > chi_square_critical(2)


def test_rare_prize_wins_at_its_rate() -> None:
    table, rng, draws = AliasTable.build([5, 9_995]), random.Random(20261122), 200_000
    wins = sum(1 for _ in range(draws) if table.draw(rng) == 0)
    expected = draws * 5 / 10_000  # 100, standard deviation ≈ 10: allow four either side
    assert abs(wins - expected) <= 4 * math.sqrt(expected)


def test_one_in_a_million_is_exact() -> None:
    table = AliasTable.build([1, 999_999])
    assert table.probabilities() == (Fraction(1, 10**6), Fraction(999_999, 10**6))


def test_draw_uses_one_random_call_for_any_size() -> None:
    draws = 100
    for size in (3, 1_000):
        rng = CountingRng(7)
        table = AliasTable.build(list(range(1, size + 1)))
        for _ in range(draws):
            table.draw(rng)
        assert rng.calls == draws


@given(weights_st)
def test_table_probabilities_are_exact(weights: list[int]) -> None:
    table = AliasTable.build(weights)
    total = sum(weights)
    assert table.probabilities() == tuple(Fraction(w, total) for w in weights)


@given(weights_st)
def test_every_column_holds_one_column_of_mass(weights: list[int]) -> None:
    table = AliasTable.build(weights)
    n = len(weights)
    assert table.span == n * table.scale
    for column in range(n):
        kept = table.keep[column]
        assert 0 <= kept <= table.scale  # kept/scale + (scale-kept)/scale == 1 per column
        if kept < table.scale:
            assert weights[table.alias[column]] > 0  # the alias part never lands on a zero weight
        if weights[column] == 0:
            assert kept == 0


@settings(max_examples=60)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8).filter(any))
def test_draw_maps_uniform_outcomes_exactly(weights: list[int]) -> None:
    """Every threshold is a multiple of `fill`, so the outcome is constant on each block
    [j*fill, (j+1)*fill): drawing at each block start enumerates all outcomes, equally likely."""
    table, total = AliasTable.build(weights), sum(weights)
    blocks = len(weights) * (total // math.gcd(*weights))
    fill = table.span // blocks
    assert table.span == blocks * fill and table.span > 2**table.bits * (1 - 2**-24)
    counts = Counter(table.draw(ScriptedRng(j * fill)) for j in range(blocks))  # type: ignore[arg-type]
    assert all(counts[i] * total == w * blocks for i, w in enumerate(weights))


def test_draw_retries_outside_the_span() -> None:
    table = AliasTable.build([1, 0, 0])
    rng = ScriptedRng(table.span, 2**table.bits - 1, 0)
    assert table.draw(rng) == 0  # type: ignore[arg-type]
    assert rng.values == []


@given(weights_st, st.integers(min_value=0, max_value=2**32))
def test_zero_weights_never_drawn(weights: list[int], seed: int) -> None:
    table, rng = AliasTable.build(weights), random.Random(seed)
    assert all(weights[table.draw(rng)] > 0 for _ in range(200))


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_build_rejects_bad_weights(weights: list[int]) -> None:
    with pytest.raises(ValueError):
        AliasTable.build(weights)


@pytest.mark.parametrize("weights", [[1.5, 2], [True, 3], ["1"]])
def test_build_rejects_non_int_weights(weights: list[object]) -> None:
    with pytest.raises(TypeError):
        AliasTable.build(weights)  # type: ignore[arg-type]


# --- stock fallback --------------------------------------------------------------------------


def test_in_stock_draw_is_kept() -> None:
    rng = CountingRng(1)
    assert resolve_stock(AliasTable.build([1, 2]), 1, {0}, rng) == 1
    assert rng.calls == 0


def test_no_prize_policy_awards_nothing() -> None:
    table = AliasTable.build([1, 2])
    assert resolve_stock(table, 0, {0}, random.Random(1), StockPolicy.NO_PRIZE) is None


def test_nothing_left_gives_none() -> None:
    table = AliasTable.build([3, 0, 5])
    assert resolve_stock(table, 2, {0, 2}, random.Random(1)) is None


def test_redraw_keeps_relative_odds() -> None:
    weights, sold_out = [10, 20, 30, 40], {3}
    table, rng, draws = AliasTable.build(weights), random.Random(9), 60_000
    results = Counter(resolve_stock(table, table.draw(rng), sold_out, rng) for _ in range(draws))
    assert results[3] == 0
    assert chi_square(results, [10, 20, 30, 0], draws) < chi_square_critical(2)  # type: ignore[arg-type]


def test_redraw_when_almost_everything_sold_out_rebuilds() -> None:
    table, rng, draws = AliasTable.build([1, 1, 999_998]), random.Random(3), 4_000
    results = Counter(resolve_stock(table, 2, {2}, rng) for _ in range(draws))
    assert set(results) == {0, 1}
    assert abs(results[0] - draws / 2) <= 4 * math.sqrt(draws / 4)  # binomial(4000, ½): four sigmas


@given(weights_st, st.data())
def test_fallback_never_awards_unavailable(weights: list[int], data: st.DataObject) -> None:
    n = len(weights)
    sold_out = data.draw(st.sets(st.integers(min_value=0, max_value=n - 1)))
    drawn = data.draw(st.integers(min_value=0, max_value=n - 1))
    result = resolve_stock(AliasTable.build(weights), drawn, sold_out, random.Random(n))
    if drawn not in sold_out:
        assert result == drawn
    elif all(i in sold_out for i, w in enumerate(weights) if w):
        assert result is None
    else:
        assert result is not None and result not in sold_out and weights[result] > 0


# --- frequency windows -----------------------------------------------------------------------


def local(text: str) -> datetime:
    """A Shanghai wall-clock time, e.g. local("2026-11-22 23:59:59")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("rule", "now", "key", "end"),
    [
        (1, local("2026-11-22 23:59:59"), "d:2026-11-22", local("2026-11-23")),
        (1, local("2026-11-23 00:00:00"), "d:2026-11-23", local("2026-11-24")),
        (1, datetime(2026, 11, 22, 16, 30, tzinfo=UTC), "d:2026-11-23", local("2026-11-24")),
        (2, local("2026-11-22 23:59:59"), "w:2026-11-16", local("2026-11-23")),  # Sunday
        (2, local("2026-11-23 00:00:00"), "w:2026-11-23", local("2026-11-30")),  # Monday
        (3, local("2026-11-30 23:59:59"), "m:2026-11", local("2026-12-01")),
        (3, local("2026-12-01 00:00:00"), "m:2026-12", local("2027-01-01")),
        (1, local("2028-02-29 23:59:59"), "d:2028-02-29", local("2028-03-01")),
        (1, local("2028-03-01 00:00:00"), "d:2028-03-01", local("2028-03-02")),
        (3, local("2028-02-29 12:00:00"), "m:2028-02", local("2028-03-01")),
        (1, local("2026-12-31 23:59:59"), "d:2026-12-31", local("2027-01-01")),
        (3, local("2026-12-31 23:59:59"), "m:2026-12", local("2027-01-01")),
        (3, local("2027-01-01 00:00:00"), "m:2027-01", local("2027-02-01")),
        (2, local("2027-01-01 00:00:00"), "w:2026-12-28", local("2027-01-04")),  # week spans the year
    ],
)
def test_window_boundaries_shanghai(rule: int, now: datetime, key: str, end: datetime) -> None:
    assert window_key(rule, now, SHANGHAI) == key
    assert window_end(rule, now, SHANGHAI) == end
    assert window_end(rule, now, SHANGHAI).tzinfo is UTC  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("zone", "now", "key", "start", "end"),
    [
        # Havana skips 00:00–00:59 on 2026-03-08: the day starts at the transition instant.
        (
            "America/Havana",
            datetime(2026, 3, 8, 4, 59, 59, tzinfo=UTC),
            "d:2026-03-07",
            datetime(2026, 3, 7, 5, tzinfo=UTC),
            datetime(2026, 3, 8, 5, tzinfo=UTC),
        ),
        (
            "America/Havana",
            datetime(2026, 3, 8, 5, tzinfo=UTC),
            "d:2026-03-08",
            datetime(2026, 3, 8, 5, tzinfo=UTC),
            datetime(2026, 3, 9, 4, tzinfo=UTC),
        ),
        # Santiago repeats 23:00–23:59 on 2026-04-04: a 25-hour day, both passes in it.
        (
            "America/Santiago",
            datetime(2026, 4, 5, 3, 30, tzinfo=UTC),
            "d:2026-04-04",
            datetime(2026, 4, 4, 3, tzinfo=UTC),
            datetime(2026, 4, 5, 4, tzinfo=UTC),
        ),
    ],
)
def test_daily_window_across_midnight_dst(zone: str, now: datetime, key: str, start: datetime, end: datetime) -> None:
    tz = ZoneInfo(zone)
    assert (window_key(1, now, tz), window_start(1, now, tz), window_end(1, now, tz)) == (key, start, end)


def test_unlimited_has_no_window() -> None:
    now = local("2026-11-22 12:00:00")
    assert window_key(Frequency.UNLIMITED, now, SHANGHAI) is None
    assert window_start(0, now, SHANGHAI) is None
    assert window_end(0, now, SHANGHAI) is None


def test_window_rejects_naive_and_unknown_rules() -> None:
    with pytest.raises(ValueError):
        window_key(1, datetime(2026, 11, 22), SHANGHAI)  # noqa: DTZ001
    with pytest.raises(ValueError):
        window_key(4, local("2026-11-22"), SHANGHAI)


ZONES = [
    "Asia/Shanghai",
    "UTC",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Havana",
]


@settings(max_examples=300)
@given(
    st.sampled_from([1, 2, 3]),
    st.datetimes(min_value=NAIVE_MIN, max_value=NAIVE_MAX, timezones=st.just(UTC)),
    st.sampled_from(ZONES),
)
def test_window_contains_now_and_ends_at_next_key(rule: int, now: datetime, zone: str) -> None:
    tz = ZoneInfo(zone)
    key, start, end = window_key(rule, now, tz), window_start(rule, now, tz), window_end(rule, now, tz)
    assert start is not None and end is not None
    assert start <= now < end
    tick = timedelta(microseconds=1)
    assert window_key(rule, start, tz) == key == window_key(rule, end - tick, tz)
    assert window_key(rule, start - tick, tz) != key
    assert window_key(rule, end, tz) != key
    assert window_start(rule, end, tz) == end  # windows tile time without gaps


@pytest.mark.parametrize(
    ("rule", "draws", "allowed"), [(0, 99, True), (1, 0, True), (1, 1, False), (2, 1, False), (3, 0, True)]
)
def test_frequency_allows(rule: int, draws: int, allowed: bool) -> None:
    assert frequency_allows(rule, draws) is allowed


# --- activity window and win limit -----------------------------------------------------------

START, END = local("2026-11-22"), local("2026-12-01")


@pytest.mark.parametrize(
    ("now", "open_"),
    [(START - timedelta(microseconds=1), False), (START, True), (END - timedelta(seconds=1), True), (END, False)],
)
def test_activity_open_start_inclusive_end_exclusive(now: datetime, open_: bool) -> None:
    assert activity_open(START, END, now) is open_


def test_activity_open_rejects_naive() -> None:
    with pytest.raises(ValueError):
        activity_open(START, END, datetime(2026, 11, 25))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("wins", "limit", "ok"), [(0, 0, True), (99, 0, True), (0, 1, True), (1, 1, False), (2, 3, True), (3, 3, False)]
)
def test_may_win(wins: int, limit: int, ok: bool) -> None:
    assert may_win(wins, limit) is ok


def test_may_win_rejects_negative() -> None:
    with pytest.raises(ValueError):
        may_win(0, -1)
