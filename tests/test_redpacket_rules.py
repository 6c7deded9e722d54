"""Pure red-packet rules: issue caps, help amounts, the last-help rule, sums, day boundaries."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib
import random
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import PACKET_TRANSITIONS, HelperKind, PacketStatus
from models.redpacket_rules import (
    PENALISED_KINDS,
    HelpFacts,
    HelpRules,
    IssueRules,
    effective_status,
    help_amount,
    helper_kind,
    issue_amount,
    local_day,
    next_local_midnight,
    refusal,
)

ISSUE = IssueRules(leverage=2, min_amount=10, max_amount=5000, max_ratio=Fraction(1, 2))
HELP = HelpRules(old_user_range=(10, 15), new_user_range=(30, 80), daily_help_limit=1, daily_same_owner_limit=1)
SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("paid", "coupon", "cashback", "expected", "why"), [
    (1990, 1990, 300, 600, "leverage: 300×2"),
    (1000, 1000, 400, 500, "50% of the post-coupon price caps 800"),
    (1000, 1001, 400, 500, "floor(1001/2)=500 ... and paid-cashback=600"),
    (700, 2000, 400, 300, "packet + cashback <= paid caps 800 at 300"),
    (100000, 100000, 4000, 5000, "max_amount caps 8000"),
    (100000, 100000, 2500, 5000, "exactly max_amount"),
    (100000, 100000, 2501, 5000, "just over max_amount"),
    (100, 100, 5, 10, "exactly min_amount"),
    (100, 100, 4, None, "8 fen is below min_amount: no packet"),
    (19, 19, 5, None, "ratio cap 9 < 10"),
    (20, 20, 5, 10, "ratio cap exactly 10"),
    (300, 300, 300, None, "cashback == paid leaves nothing"),
    (0, 0, 0, None, "free order"),
    (1000, 1000, -5, None, "negative input"),
])
def test_issue_amount_boundaries(paid: int, coupon: int, cashback: int, expected: int | None, why: str) -> None:
    assert issue_amount(ISSUE, paid_fen=paid, coupon_price_fen=coupon, cashback_fen=cashback) == expected, why


@given(st.integers(0, 10**7), st.integers(0, 10**7), st.integers(0, 10**6))
def test_issue_amount_never_breaks_a_cap(paid: int, coupon: int, cashback: int) -> None:
    a = issue_amount(ISSUE, paid_fen=paid, coupon_price_fen=coupon, cashback_fen=cashback)
    if a is None:
        return
    assert ISSUE.min_amount <= a <= ISSUE.max_amount
    assert a + cashback <= paid
    assert 2 * a <= coupon
    assert a <= cashback * ISSUE.leverage


def test_issue_amount_uses_the_configured_ratio_exactly() -> None:
    rules = IssueRules(leverage=10, min_amount=1, max_amount=10**9, max_ratio=Fraction("0.3"))
    assert issue_amount(rules, paid_fen=10**6, coupon_price_fen=1001, cashback_fen=1000) == 300  # floor(300.3)


@pytest.mark.parametrize(("kind", "lo", "hi"), [(HelperKind.NEW, 30, 80), (HelperKind.OLD, 10, 15)])
def test_help_amount_ranges(kind: HelperKind, lo: int, hi: int) -> None:
    rng = random.Random(7)
    seen = {help_amount(HELP, kind, 10_000, rng)[0] for _ in range(3000)}
    assert seen == set(range(lo, hi + 1))


def test_blacklisted_gives_one_fen() -> None:
    assert help_amount(HELP, HelperKind.BLACKLISTED, 5000, random.Random(1)) == (1, False)


@pytest.mark.parametrize(("remaining", "drawn_kind", "expected"), [
    (5, HelperKind.OLD, (5, True)),       # less than a help: take all
    (19, HelperKind.OLD, (19, True)),     # any draw 10..15 leaves < 10 -> take everything
    (25, HelperKind.NEW, (25, True)),     # new-user draw >= 30 exceeds what is left
    (10, HelperKind.BLACKLISTED, (1, False)),  # a blacklisted helper never takes the rest
    (10, HelperKind.BLACK_OWNER, (1, False)),  # nor does any helper of a blacklisted owner
    (1, HelperKind.BLACKLISTED, (1, True)),  # ...except when exactly 1 fen is left
    (1, HelperKind.BLACK_OWNER, (1, True)),
])
def test_last_help_takes_everything(remaining: int, drawn_kind: HelperKind, expected: tuple[int, bool]) -> None:
    assert help_amount(HELP, drawn_kind, remaining, random.Random(3)) == expected


@given(st.integers(1, 50_000), st.lists(st.sampled_from(list(HelperKind)), min_size=1, max_size=50),
       st.integers(0, 2**32))
def test_splitting_to_the_end_sums_exactly(amount: int, kinds: list[HelperKind], seed: int) -> None:
    rng = random.Random(seed)
    remaining, total, lasts = amount, 0, 0
    i = 0
    while remaining > 0:
        x, last = help_amount(HELP, kinds[i % len(kinds)], remaining, rng)
        assert 1 <= x <= remaining
        remaining -= x
        total += x
        lasts += last
        assert last == (remaining == 0)
        if kinds[i % len(kinds)] not in PENALISED_KINDS:
            assert remaining == 0 or remaining >= HELP.old_user_range[0], "dust left behind"
        i += 1
    assert total == amount and lasts == 1


@given(st.integers(1, 100_000), st.booleans(), st.booleans(), st.booleans(), st.integers(0, 2**32),
       st.tuples(st.integers(1, 50), st.integers(0, 50)), st.tuples(st.integers(1, 200), st.integers(0, 200)))
def test_a_penalised_help_is_exactly_one_fen(remaining: int, black_helper: bool, black_owner: bool, helped: bool,
                                             seed: int, old: tuple[int, int], new: tuple[int, int]) -> None:
    """Whatever the ranges and what is left: a blacklisted helper, or any helper of a blacklisted
    owner, gives exactly 1 fen, and is the last help only when exactly 1 fen was left."""
    rules = HelpRules((old[0], old[0] + old[1]), (new[0], new[0] + new[1]), 1, 1)
    kind = helper_kind(blacklisted=black_helper, helped_since_launch=helped, owner_blacklisted=black_owner)
    x, last = help_amount(rules, kind, remaining, random.Random(seed))
    if black_helper or black_owner:
        assert kind in PENALISED_KINDS
        assert (x, last) == (1, remaining == 1)
    else:
        assert kind not in PENALISED_KINDS and 1 <= x <= remaining and last == (x == remaining)


def test_help_amount_refuses_an_empty_packet() -> None:
    with pytest.raises(ValueError):
        help_amount(HELP, HelperKind.OLD, 0, random.Random())


def facts(**kw: object) -> HelpFacts:
    base = dict(status=PacketStatus.SPLITTING, expire_time=T0 + dt.timedelta(hours=1), owner_id=1, helper_id=2,
                already_helped=False, helps_today=0, helps_for_owner_today=0)
    base.update(kw)
    return HelpFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kw", "now", "code"), [
    ({}, T0, None),
    ({"status": PacketStatus.TO_SHARE}, T0, None),
    ({}, T0 + dt.timedelta(hours=1), "expired"),  # exactly at expire_time
    ({}, T0 + dt.timedelta(hours=1) - dt.timedelta(microseconds=1), None),
    ({"status": PacketStatus.SPLIT_OUT}, T0 + dt.timedelta(hours=2), "split_out"),
    ({"status": PacketStatus.INVALID}, T0, "invalid"),
    ({"status": PacketStatus.EXPIRED}, T0, "expired"),
    ({"helper_id": 1}, T0, "self_help"),
    ({"already_helped": True}, T0, "already_helped"),
    ({"helps_today": 1}, T0, "daily_limit"),
    ({"helps_for_owner_today": 1}, T0, "daily_same_owner_limit"),
    ({"helper_id": 1, "already_helped": True}, T0, "self_help"),
])
def test_refusal_order(kw: dict[str, object], now: dt.datetime, code: str | None) -> None:
    assert refusal(HELP, facts(**kw), now) == code


def test_effective_status_exactly_at_expiry() -> None:
    exp = T0
    assert effective_status(PacketStatus.SPLITTING, exp, exp) is PacketStatus.EXPIRED
    assert effective_status(PacketStatus.SPLIT_OUT, exp, exp) is PacketStatus.SPLIT_OUT


def test_transitions_match_the_spec() -> None:
    legal = {(a, b) for a, bs in PACKET_TRANSITIONS.items() for b in bs}
    assert legal == {(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (0, 4), (1, 4), (2, 4)}
    assert PacketStatus.SPLIT_OUT.can_become(PacketStatus.INVALID)  # a refund within the validity
    assert not PacketStatus.EXPIRED.can_become(PacketStatus.INVALID)


@pytest.mark.parametrize(("utc", "day"), [
    (dt.datetime(2026, 11, 22, 15, 59, 59, tzinfo=dt.UTC), dt.date(2026, 11, 22)),  # 23:59:59 Shanghai
    (dt.datetime(2026, 11, 22, 16, 0, 0, tzinfo=dt.UTC), dt.date(2026, 11, 23)),    # 00:00:00 Shanghai
    (dt.datetime(2026, 12, 31, 16, 0, 0, tzinfo=dt.UTC), dt.date(2027, 1, 1)),
])
def test_day_boundary_in_shanghai(utc: dt.datetime, day: dt.date) -> None:
    assert local_day(utc, SH) == day


def test_next_local_midnight() -> None:
    now = dt.datetime(2026, 11, 22, 15, 59, 59, tzinfo=dt.UTC)
    assert next_local_midnight(now, SH) == dt.datetime(2026, 11, 22, 16, 0, tzinfo=dt.UTC)
    assert next_local_midnight(now + dt.timedelta(seconds=1), SH) == dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        local_day(dt.datetime(2026, 1, 1), SH)  # noqa: DTZ001 - naive on purpose


FORBIDDEN = {"tortoise", "redis", "sanic", "sanic_ext", "httpx", "aio_pika", "asyncpg", "asyncmy", "aiosqlite"}


@pytest.mark.parametrize("path", sorted(str(p) for p in pathlib.Path(__file__).parent.parent.glob("models/*_rules.py")))
def test_rules_modules_import_no_io_library(path: str) -> None:
    tree = ast.parse(pathlib.Path(path).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN, f"{path} imports {imported & FORBIDDEN}"
