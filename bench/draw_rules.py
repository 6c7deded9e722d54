"""Draw cost of the alias table with 3 vs 1,000 prizes (target ratio <= 1.2). Prints only.

Run from the repository root: `python bench/draw_rules.py` (or `python -m bench.draw_rules`).
"""

from __future__ import annotations

import random
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.lottery_rules import AliasTable  # noqa: E402

DRAWS = 200_000
REPEATS = 7


def ns_per_draw(tables: list[AliasTable]) -> list[float]:
    """Best mean cost of one draw per table, in ns; rounds interleave the tables so that
    background load hits both alike."""
    rng = random.Random(20261122)
    best = [float("inf")] * len(tables)
    for _ in range(REPEATS):
        for i, table in enumerate(tables):
            seconds = timeit.timeit(lambda t=table: t.draw(rng), number=DRAWS)  # type: ignore[misc]
            best[i] = min(best[i], seconds / DRAWS * 1e9)
    return best


def main() -> None:
    rng = random.Random(1)
    small = AliasTable.build([9_000, 999, 1])  # "no prize", a common prize and a rare one
    large = AliasTable.build([rng.randint(1, 10_000) for _ in range(999)] + [1])
    cost_small, cost_large = ns_per_draw([small, large])
    print(f"3 prizes:     {cost_small:7.1f} ns/draw  ({small.bits} random bits per draw)")
    print(f"1,000 prizes: {cost_large:7.1f} ns/draw  ({large.bits} random bits per draw)")
    print(f"ratio:        {cost_large / cost_small:7.2f}  (target <= 1.2)")


if __name__ == "__main__":
    main()
