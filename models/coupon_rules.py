"""Pure coupon rules (SPEC §2): prices after a coupon, validity windows, status, template checks.

Money is integer fen throughout. A discount coupon's `value` is the integer percentage of the
price the customer pays: value=85 means "pay 85%" (15% off, 8.5折); legal values are 1..99.
An amount coupon's `value` is the fen taken off. `threshold` is the minimum price (fen) for the
coupon to apply; 0 means no threshold.

No I/O: `now` is a parameter. Imports no tortoise, redis, sanic or httpx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum

DISCOUNT_MIN_PERCENT = 1
DISCOUNT_MAX_PERCENT = 99
MAX_NAME_CHARS = 64


class CouponKind(StrEnum):
    AMOUNT = "amount"  # value = fen off
    DISCOUNT = "discount"  # value = percent of the price paid (85 = 15% off)


class CouponStatus(StrEnum):
    """What `getUserCouponList` filters on."""

    UNUSED = "unused"
    USED = "used"
    EXPIRED = "expired"


class ThresholdNotMet(ValueError):
    """The price is below the coupon's threshold: the coupon does not apply."""


def discounted_price(kind: str, value: int, threshold: int, price_fen: int) -> int:
    """Price in fen after the coupon: exact, rounded down (in the customer's favour), never < 0.

    Raises ThresholdNotMet when price_fen < threshold, ValueError on an illegal kind, value,
    threshold or price.
    """
    coupon = CouponKind(kind)
    if price_fen < 0 or threshold < 0:
        raise ValueError("price and threshold must not be negative")
    if price_fen < threshold:
        raise ThresholdNotMet(f"price {price_fen} fen is below the threshold {threshold} fen")
    if coupon is CouponKind.AMOUNT:
        if value < 1:
            raise ValueError("an amount coupon takes off at least 1 fen")
        return max(0, price_fen - value)
    if not DISCOUNT_MIN_PERCENT <= value <= DISCOUNT_MAX_PERCENT:
        raise ValueError(f"discount percent must be {DISCOUNT_MIN_PERCENT}..{DISCOUNT_MAX_PERCENT}")
    return price_fen * value // 100  # floor: the customer never pays a fraction of a fen more


@dataclass(frozen=True, slots=True)
class Validity:
    """A coupon instance is usable for valid_from <= now < valid_until (UTC, aware)."""

    valid_from: datetime
    valid_until: datetime

    def contains(self, now: datetime) -> bool:
        return self.valid_from <= now < self.valid_until


def validity_window(
    granted_at: datetime,
    tz: tzinfo,
    *,
    valid_days: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Validity:
    """Validity of a coupon granted at `granted_at`: exactly one of two modes.

    - Relative, `valid_days` N >= 1: from the grant until the end of the Nth local day after the
      grant day (granted 2026-11-22 15:00, N=7 → until 2026-11-30 00:00 local). The coupon
      therefore always lasts at least N×24h and expires at a clean local midnight.
    - Fixed, `valid_from` and `valid_until` (aware, from < until): exactly that window.
    ValueError on a mix of modes, naive datetimes or an empty window.
    """
    _require_aware(granted_at)
    fixed = valid_from is not None or valid_until is not None
    if fixed == (valid_days is not None):
        raise ValueError("give either valid_days or valid_from and valid_until")
    if valid_days is not None:
        if valid_days < 1:
            raise ValueError("valid_days must be at least 1")
        last_day = granted_at.astimezone(tz).date() + timedelta(days=valid_days + 1)
        until = datetime.combine(last_day, time(0), tzinfo=tz)
        return Validity(granted_at.astimezone(UTC), until.astimezone(UTC))
    if valid_from is None or valid_until is None:
        raise ValueError("a fixed validity needs both valid_from and valid_until")
    _require_aware(valid_from)
    _require_aware(valid_until)
    if valid_from >= valid_until:
        raise ValueError("valid_from must be before valid_until")
    return Validity(valid_from.astimezone(UTC), valid_until.astimezone(UTC))


def coupon_status(used_at: datetime | None, valid_until: datetime, now: datetime) -> CouponStatus:
    """USED once redeemed (even after expiry), else EXPIRED from valid_until on, else UNUSED."""
    if used_at is not None:
        return CouponStatus.USED
    return CouponStatus.EXPIRED if now >= valid_until else CouponStatus.UNUSED


def validate_template(data: Mapping[str, object]) -> list[str]:
    """Every problem with an admin coupon-template definition; empty when it is acceptable.

    Fields: name (str), type ("amount"|"discount"), value (int), threshold (int fen >= 0,
    optional, default 0), stock (int >= 0, optional: absent/None is unlimited), and validity as
    either valid_days (int >= 1) or valid_from + valid_until (aware datetimes or ISO-8601 strings
    with an offset). Unknown keys are ignored.
    """
    errors = _name_errors(data.get("name"))
    errors += _value_errors(data.get("type"), data.get("value"))
    threshold = data.get("threshold", 0)
    if not _int_at_least(threshold, 0):
        errors.append("threshold must be an integer number of fen >= 0")
    stock = data.get("stock")
    if stock is not None and not _int_at_least(stock, 0):
        errors.append("stock must be an integer >= 0 (omit it for unlimited)")
    return errors + _validity_errors(data)


def _name_errors(name: object) -> list[str]:
    if not isinstance(name, str) or not name.strip():
        return ["name must be a non-empty string"]
    if len(name) > MAX_NAME_CHARS:
        return [f"name must be at most {MAX_NAME_CHARS} characters"]
    return []


def _value_errors(kind: object, value: object) -> list[str]:
    kinds = [k.value for k in CouponKind]
    if kind not in kinds:
        return [f"type must be one of {kinds}, got {kind!r}"]
    if isinstance(value, bool) or not isinstance(value, int):
        return ["value must be an integer"]
    if value < 0:
        return ["value must not be negative"]
    if kind == CouponKind.AMOUNT and value < 1:
        return ["an amount coupon's value (fen off) must be at least 1"]
    if kind == CouponKind.DISCOUNT and not DISCOUNT_MIN_PERCENT <= value <= DISCOUNT_MAX_PERCENT:
        return [
            f"a discount coupon's value is the percent paid and must be "
            f"{DISCOUNT_MIN_PERCENT}..{DISCOUNT_MAX_PERCENT} (85 = 15% off)"
        ]
    return []


def _validity_errors(data: Mapping[str, object]) -> list[str]:
    days, start, end = data.get("valid_days"), data.get("valid_from"), data.get("valid_until")
    if days is not None:
        if start is not None or end is not None:
            return ["give either valid_days or valid_from and valid_until, not both"]
        if not _int_at_least(days, 1):
            return ["valid_days must be an integer >= 1"]
        return []
    if start is None or end is None:
        return ["validity missing: give valid_days, or both valid_from and valid_until"]
    first, last = aware_moment(start), aware_moment(end)
    errors = [
        f"{name} must be an ISO-8601 datetime with a UTC offset"
        for name, moment in (("valid_from", first), ("valid_until", last))
        if moment is None
    ]
    if first is not None and last is not None and first >= last:
        errors.append("valid_from must be before valid_until")
    return errors


def aware_moment(raw: object) -> datetime | None:
    """An aware UTC datetime from a datetime or an ISO-8601 string with an offset; None otherwise.

    In UTC because tortoise's `.update()` on MySQL/MariaDB stores an aware time's wall clock as if
    it were UTC (`+08:00` 10:00 became 10:00Z: an admin's edited window moved by 8 hours)."""
    if isinstance(raw, str):
        try:
            raw = datetime.fromisoformat(raw)
        except ValueError:
            return None
    if not isinstance(raw, datetime) or raw.utcoffset() is None:
        return None
    return raw.astimezone(UTC)


def _int_at_least(raw: object, minimum: int) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool) and raw >= minimum


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timezone-aware datetimes only")
