"""Pure money-limit rules: hard budgets, what "exhausted" means, alert thresholds, wallet debits.

No I/O. Every figure is fen. "Spent" is every fen credited by helps (owner + helper) minus
reversals; a help of x fen costs 2x (the owner and the helper each get x).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Hard budgets (0 = none) and the kill switch, as one process sees them now."""

    daily_fen: int = 0
    total_fen: int = 0
    paused: bool = False

    @property
    def limited(self) -> bool:
        return bool(self.daily_fen or self.total_fen)


NO_BUDGET = Budget()


@dataclass(frozen=True)
class Spent:
    day_fen: int
    total_fen: int

    def plus(self, fen: int) -> Spent:
        return Spent(self.day_fen + fen, self.total_fen + fen)


def day_key(day: dt.date) -> str:
    return f"day:{day.isoformat()}"


TOTAL_KEY = "total"


def help_cost_fen(amount_fen: int) -> int:
    """What one help of `amount_fen` adds to "spent": the owner's and the helper's credit."""
    return 2 * amount_fen


def fits(budget: Budget, spent: Spent, cost_fen: int) -> bool:
    """Would spending `cost_fen` more stay within every budget that is set (reaching it exactly is fine)?"""
    return all(not limit or used + cost_fen <= limit
               for limit, used in ((budget.daily_fen, spent.day_fen), (budget.total_fen, spent.total_fen)))


def exhausted(budget: Budget, spent: Spent, smallest_help_fen: int) -> bool:
    """No ordinary help fits any more (the smallest one is an old user's minimum): issuing stops."""
    return budget.limited and not fits(budget, spent, help_cost_fen(smallest_help_fen))


def thresholds_crossed(spent_fen: int, budget_fen: int, thresholds: list[float]) -> list[float]:
    """The alert thresholds (fractions of the budget) `spent_fen` has reached; none without a budget."""
    if not budget_fen:
        return []
    return [t for t in thresholds if spent_fen >= t * budget_fen]


def debit_refusal(balance_fen: int, amount_fen: int) -> str | None:
    """A debit never takes a wallet below zero (one already below zero pays nothing)."""
    if amount_fen <= 0:
        return "invalid_body"
    return None if amount_fen <= balance_fen else "insufficient_balance"
