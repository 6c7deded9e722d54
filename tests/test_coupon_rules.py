"""Pure coupon rules: prices after a coupon, validity windows, status, template validation."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.coupon_rules import (
    CouponKind,
    CouponStatus,
    ThresholdNotMet,
    Validity,
    coupon_status,
    discounted_price,
    validate_template,
    validity_window,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# hypothesis takes naive bounds and attaches the timezone itself
NAIVE_MIN, NAIVE_MAX = datetime(2000, 1, 1), datetime(2037, 1, 1)  # noqa: DTZ001
FORBIDDEN_IMPORTS = {"tortoise", "redis", "sanic", "httpx", "aiohttp", "requests", "socket"}


def test_module_is_pure() -> None:
    path = Path(__file__).resolve().parents[1] / "models" / "coupon_rules.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    roots |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not roots & FORBIDDEN_IMPORTS


def local(text: str) -> datetime:
    """A Shanghai wall-clock time, e.g. local("2026-11-22 23:59:59")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# --- discounted price ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "threshold", "price", "expected"),
    [
        ("amount", 500, 0, 1990, 1490),
        ("amount", 2000, 0, 1990, 0),  # never negative
        ("amount", 1, 0, 0, 0),
        ("amount", 1000, 10000, 10000, 9000),  # threshold met exactly
        ("discount", 85, 0, 1990, 1691),  # 1691.5 → 1691, the customer's favour
        ("discount", 85, 0, 1, 0),
        ("discount", 99, 0, 100, 99),
        ("discount", 1, 0, 199, 1),
        ("discount", 50, 5000, 5000, 2500),
        (CouponKind.DISCOUNT, 88, 0, 12345, 10863),  # 10863.6 → 10863
    ],
)
def test_discounted_price(kind: str, value: int, threshold: int, price: int, expected: int) -> None:
    assert discounted_price(kind, value, threshold, price) == expected


def test_below_threshold_does_not_apply() -> None:
    with pytest.raises(ThresholdNotMet):
        discounted_price("amount", 1000, 10000, 9999)
    assert issubclass(ThresholdNotMet, ValueError)


@pytest.mark.parametrize(
    ("kind", "value", "threshold", "price"),
    [
        ("percent", 10, 0, 100),
        ("amount", 0, 0, 100),
        ("amount", -5, 0, 100),
        ("discount", 0, 0, 100),
        ("discount", 100, 0, 100),
        ("discount", 850, 0, 100),
        ("amount", 5, -1, 100),
        ("amount", 5, 0, -1),
    ],
)
def test_discounted_price_rejects_illegal_input(kind: str, value: int, threshold: int, price: int) -> None:
    with pytest.raises(ValueError):
        discounted_price(kind, value, threshold, price)


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=10**9))
def test_discount_floors_exactly(value: int, price: int) -> None:
    paid = discounted_price("discount", value, 0, price)
    assert 0 <= paid <= price
    assert paid * 100 <= price * value < (paid + 1) * 100


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=0, max_value=10**9))
def test_amount_off_is_exact_and_never_negative(value: int, price: int) -> None:
    assert discounted_price("amount", value, 0, price) == max(0, price - value)


@given(
    st.sampled_from(["amount", "discount"]),
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**6),
)
def test_price_is_monotonic(kind: str, value: int, price: int, more: int) -> None:
    assert discounted_price(kind, value, 0, price) <= discounted_price(kind, value, 0, price + more)


# --- validity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("granted", "days", "until"),
    [
        (local("2026-11-22 15:00:00"), 7, local("2026-11-30")),
        (local("2026-11-22 23:59:59"), 1, local("2026-11-24")),
        (local("2026-11-23 00:00:00"), 1, local("2026-11-25")),
        (local("2028-02-28 10:00:00"), 1, local("2028-03-01")),  # through 29 February
        (local("2026-12-31 08:00:00"), 1, local("2027-01-02")),
        (datetime(2026, 11, 22, 16, 30, tzinfo=UTC), 1, local("2026-11-25")),  # local day is 11-23
    ],
)
def test_relative_validity_ends_at_local_midnight(granted: datetime, days: int, until: datetime) -> None:
    window = validity_window(granted, SHANGHAI, valid_days=days)
    assert window == Validity(granted.astimezone(UTC), until.astimezone(UTC))
    assert window.valid_until.tzinfo is UTC


@given(
    st.datetimes(min_value=NAIVE_MIN, max_value=NAIVE_MAX, timezones=st.just(UTC)),
    st.integers(min_value=1, max_value=400),
)
def test_relative_validity_lasts_at_least_n_days(granted: datetime, days: int) -> None:
    window = validity_window(granted, SHANGHAI, valid_days=days)
    assert window.valid_until - window.valid_from >= timedelta(days=days)
    assert window.valid_until - window.valid_from <= timedelta(days=days + 1)
    assert window.valid_until.astimezone(SHANGHAI).time().isoformat() == "00:00:00"


def test_fixed_validity() -> None:
    start, end = local("2026-11-01"), local("2026-12-01")
    window = validity_window(local("2026-11-22"), SHANGHAI, valid_from=start, valid_until=end)
    assert window == Validity(start.astimezone(UTC), end.astimezone(UTC))
    assert window.contains(start) and not window.contains(end)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"valid_days": 0},
        {"valid_days": 3, "valid_from": local("2026-11-01"), "valid_until": local("2026-12-01")},
        {"valid_from": local("2026-11-01")},
        {"valid_from": local("2026-12-01"), "valid_until": local("2026-12-01")},
        {"valid_from": datetime(2026, 11, 1), "valid_until": local("2026-12-01")},  # noqa: DTZ001
    ],
)
def test_validity_rejects_bad_definitions(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        validity_window(local("2026-11-22"), SHANGHAI, **kwargs)  # type: ignore[arg-type]


def test_validity_rejects_naive_grant() -> None:
    with pytest.raises(ValueError):
        validity_window(datetime(2026, 11, 22), SHANGHAI, valid_days=1)  # noqa: DTZ001


# --- status ----------------------------------------------------------------------------------

UNTIL = local("2026-11-30")
TICK = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("used_at", "now", "status"),
    [
        (None, UNTIL - TICK, CouponStatus.UNUSED),
        (None, UNTIL, CouponStatus.EXPIRED),
        (None, UNTIL + timedelta(days=30), CouponStatus.EXPIRED),
        (UNTIL - timedelta(days=1), UNTIL - TICK, CouponStatus.USED),
        (UNTIL - timedelta(days=1), UNTIL + timedelta(days=1), CouponStatus.USED),  # used beats expired
    ],
)
def test_coupon_status(used_at: datetime | None, now: datetime, status: CouponStatus) -> None:
    assert coupon_status(used_at, UNTIL, now) is status
    assert coupon_status(used_at, UNTIL, now) == status.value  # the wire word


# --- template validation ---------------------------------------------------------------------

GOOD_AMOUNT = {"name": "满100减10", "type": "amount", "value": 1000, "threshold": 10000, "valid_days": 7, "stock": 500}
GOOD_DISCOUNT = {
    "name": "8.5折",
    "type": "discount",
    "value": 85,
    "valid_from": "2026-11-01T00:00:00+08:00",
    "valid_until": "2026-12-01T00:00:00+08:00",
}


def test_good_templates_have_no_errors() -> None:
    assert validate_template(GOOD_AMOUNT) == []
    assert validate_template(GOOD_DISCOUNT) == []
    assert validate_template({**GOOD_AMOUNT, "stock": None, "threshold": 0, "extra": 1}) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"type": "percent"}, "type must be one of"),
        ({"value": -1}, "must not be negative"),
        ({"value": 0}, "at least 1"),
        ({"value": "10"}, "value must be an integer"),
        ({"value": True}, "value must be an integer"),
        ({"type": "discount", "value": 100}, "1..99"),
        ({"type": "discount", "value": 0}, "1..99"),
        ({"threshold": -1}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"stock": -1}, "stock"),
        ({"valid_days": 0}, "valid_days must be an integer >= 1"),
        ({"valid_days": None}, "validity missing"),
        ({"valid_from": "2026-11-01T00:00:00+08:00"}, "not both"),
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "at most 64"),
    ],
)
def test_bad_template_reports_the_problem(change: dict[str, object], fragment: str) -> None:
    errors = validate_template({**GOOD_AMOUNT, **change})
    assert len(errors) == 1
    assert fragment in errors[0]


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "fragment"),
    [
        ("2026-12-01T00:00:00+08:00", "2026-11-01T00:00:00+08:00", "before"),
        ("2026-11-01T00:00:00", "2026-12-01T00:00:00+08:00", "valid_from must be an ISO-8601"),
        ("2026-11-01T00:00:00+08:00", "soon", "valid_until must be an ISO-8601"),
    ],
)
def test_bad_fixed_validity(valid_from: str, valid_until: str, fragment: str) -> None:
    errors = validate_template({**GOOD_DISCOUNT, "valid_from": valid_from, "valid_until": valid_until})
    assert len(errors) == 1 and fragment in errors[0]


def test_every_problem_is_reported_at_once() -> None:
    errors = validate_template({"type": "discount", "value": 150, "threshold": -5, "valid_days": 0, "stock": -2})
    assert [e.split()[0] for e in errors] == ["name", "a", "threshold", "stock", "valid_days"]
