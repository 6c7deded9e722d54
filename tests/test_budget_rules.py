"""Pure budget rules: fits, exhausted, thresholds, debits — with properties over any figures."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from models.budget_rules import (
    NO_BUDGET,
    Budget,
    Spent,
    debit_refusal,
    exhausted,
    fits,
    help_cost_fen,
    thresholds_crossed,
)


def test_a_help_costs_twice_its_amount() -> None:
    assert help_cost_fen(13) == 26


def test_fits_up_to_the_budget_exactly() -> None:
    b = Budget(daily_fen=100, total_fen=0)
    assert fits(b, Spent(74, 10_000), 26) and not fits(b, Spent(75, 0), 26)
    assert fits(Budget(total_fen=100), Spent(10_000, 90), 10) and not fits(Budget(total_fen=100), Spent(0, 91), 10)
    assert fits(NO_BUDGET, Spent(10**12, 10**12), 10**9)


def test_exhausted_when_no_ordinary_help_fits() -> None:
    b = Budget(daily_fen=100)
    assert not exhausted(b, Spent(80, 0), 10) and exhausted(b, Spent(81, 0), 10)
    assert not exhausted(NO_BUDGET, Spent(10**9, 10**9), 10)


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6),
       st.lists(st.integers(1, 200), max_size=200))
def test_spending_only_what_fits_never_crosses_a_budget(daily: int, total: int, day0: int, total0: int,
                                                        helps: list[int]) -> None:
    b = Budget(daily_fen=daily, total_fen=total)
    spent = Spent(min(day0, daily) if daily else day0, min(total0, total) if total else total0)
    for x in helps:
        if fits(b, spent, help_cost_fen(x)):
            spent = spent.plus(help_cost_fen(x))
    assert not daily or spent.day_fen <= daily
    assert not total or spent.total_fen <= total


def test_thresholds() -> None:
    assert thresholds_crossed(79, 100, [0.8, 1.0]) == []
    assert thresholds_crossed(80, 100, [0.8, 1.0]) == [0.8]
    assert thresholds_crossed(100, 100, [0.8, 1.0]) == [0.8, 1.0]
    assert thresholds_crossed(10**9, 0, [0.8, 1.0]) == []


@given(st.integers(-10**6, 10**6), st.integers(-10, 10**6))
def test_a_debit_never_goes_below_zero(balance: int, amount: int) -> None:
    if debit_refusal(balance, amount) is None:
        assert amount > 0 and balance - amount >= 0
