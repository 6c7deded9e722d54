"""Pure rules for admin-defined campaigns (SPEC §2, §4): activity, prize and pay-config checks,
prize fulfilment transitions, and when a coupon template can still be granted.

Validators return every problem at once (empty list = acceptable), in English for operators.
No I/O: `now` is a parameter. Imports no tortoise, redis, sanic or httpx.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from models.coupon_rules import aware_moment as aware_moment  # re-exported for the admin handlers
from models.lottery_rules import Frequency

MAX_NAME_CHARS = 64
MAX_CODE_CHARS = 64
MAX_PRIZES = 10_000
MAX_WEIGHT = 10**12
MAX_CHANCES = 1_000
MAX_TEMPLATES_PER_CONFIG = 20


class PrizeKind(StrEnum):
    COUPON = "coupon"  # grants a coupon of coupon_template_id
    GOODS = "goods"  # a prize record awaiting fulfilment
    NONE = "none"  # "谢谢参与": nothing is won, unlimited


class FulfilmentStatus(StrEnum):
    """What became of a won prize: goods go pending → shipped → delivered; coupons are granted."""

    PENDING = "pending"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    GRANTED = "granted"
    CANCELLED = "cancelled"


FULFILMENT_TRANSITIONS: dict[FulfilmentStatus, frozenset[FulfilmentStatus]] = {
    FulfilmentStatus.PENDING: frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.CANCELLED}),
    FulfilmentStatus.SHIPPED: frozenset({FulfilmentStatus.DELIVERED}),
}


def can_fulfil(current: str, target: str) -> bool:
    """Whether a won prize may move from `current` to `target` (unknown names: False)."""
    try:
        return FulfilmentStatus(target) in FULFILMENT_TRANSITIONS.get(FulfilmentStatus(current), frozenset())
    except ValueError:
        return False


class GrantRefusal(StrEnum):
    DISABLED = "disabled"
    OUT_OF_STOCK = "out_of_stock"
    EXPIRED = "expired"
    USER_LIMIT = "user_limit"


def grant_refusal(
    *, enabled: bool, stock_left: int | None, valid_until: datetime | None, granted_to_user: int,
    per_user_limit: int, now: datetime,
) -> GrantRefusal | None:
    """Why one more coupon of a template cannot go to a user, or None when it can.

    stock_left None is unlimited; per_user_limit 0 is unlimited; a fixed-date template whose
    window already ended is never granted (the coupon would be born expired).
    """
    if not enabled:
        return GrantRefusal.DISABLED
    if valid_until is not None and now >= valid_until:
        return GrantRefusal.EXPIRED
    if stock_left is not None and stock_left <= 0:
        return GrantRefusal.OUT_OF_STOCK
    if per_user_limit and granted_to_user >= per_user_limit:
        return GrantRefusal.USER_LIMIT
    return None


def is_int(raw: object, lo: int, hi: int) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool) and lo <= raw <= hi


def _text_errors(field: str, raw: object, limit: int) -> list[str]:
    if not isinstance(raw, str) or not raw.strip():
        return [f"{field} must be a non-empty string"]
    return [f"{field} must be at most {limit} characters"] if len(raw) > limit else []


def window_errors(data: Mapping[str, object]) -> list[str]:
    """start_time < end_time, both ISO-8601 with a UTC offset."""
    start, end = aware_moment(data.get("start_time")), aware_moment(data.get("end_time"))
    errors = [f"{name} must be an ISO-8601 datetime with a UTC offset"
              for name, moment in (("start_time", start), ("end_time", end)) if moment is None]
    if start is not None and end is not None and start >= end:
        errors.append("start_time must be before end_time")
    return errors


def validate_activity(data: Mapping[str, object]) -> list[str]:
    """Every problem with a lottery activity: name, window, frequency 0..3, win_limit >= 0
    (0 = unlimited), and 1..MAX_PRIZES prizes (see validate_prize) with some positive weight."""
    errors = _text_errors("name", data.get("name"), MAX_NAME_CHARS) + window_errors(data)
    if data.get("frequency") not in [f.value for f in Frequency] or isinstance(data.get("frequency"), bool):
        errors.append("frequency must be 0 (unlimited), 1 (daily), 2 (weekly) or 3 (monthly)")
    if not is_int(data.get("win_limit", 0), 0, 10**6):
        errors.append("win_limit must be an integer >= 0 (0 = unlimited)")
    prizes = data.get("prizes")
    if not isinstance(prizes, Sequence) or isinstance(prizes, str) or not prizes:
        return errors + ["prizes must be a non-empty list"]
    if len(prizes) > MAX_PRIZES:
        return errors + [f"at most {MAX_PRIZES} prizes"]
    for i, prize in enumerate(prizes):
        errors += [f"prizes[{i}].{e}" for e in validate_prize(prize)]
    weights = [p.get("weight") for p in prizes if isinstance(p, Mapping)]
    if all(is_int(w, 0, MAX_WEIGHT) for w in weights) and not any(weights):
        errors.append("at least one prize needs a positive weight")
    return errors


def validate_prize(prize: object) -> list[str]:
    """name; kind coupon|goods|none; weight 0..1e12; stock >= 0 or null (unlimited; a "none"
    prize is always unlimited); coupon_template_id required exactly for coupon prizes."""
    if not isinstance(prize, Mapping):
        return ["must be an object"]
    errors = _text_errors("name", prize.get("name"), MAX_NAME_CHARS)
    kind = prize.get("kind")
    if kind not in [k.value for k in PrizeKind]:
        errors.append(f"kind must be one of {[k.value for k in PrizeKind]}")
    if not is_int(prize.get("weight"), 0, MAX_WEIGHT):
        errors.append(f"weight must be an integer 0..{MAX_WEIGHT}")
    stock = prize.get("stock")
    if stock is not None and not is_int(stock, 0, 10**12):
        errors.append("stock must be an integer >= 0 (or null for unlimited)")
    template = prize.get("coupon_template_id")
    if kind == PrizeKind.COUPON and not is_int(template, 1, 2**62):
        errors.append("coupon_template_id is required for a coupon prize")
    if kind != PrizeKind.COUPON and template is not None:
        errors.append("coupon_template_id is only allowed on a coupon prize")
    return errors


def validate_pay_config(data: Mapping[str, object]) -> list[str]:
    """product_code, min_amount (fen >= 0), kind lottery|coupon with activity_id or
    1..20 coupon_template_ids respectively, chances 1..1000 (lottery), and the window."""
    errors = _text_errors("product_code", data.get("product_code"), MAX_CODE_CHARS)
    if not is_int(data.get("min_amount"), 0, 10**12):
        errors.append("min_amount must be an integer number of fen >= 0")
    kind = data.get("kind")
    if kind == "lottery":
        if not is_int(data.get("activity_id"), 1, 2**62):
            errors.append("activity_id is required for kind lottery")
        if not is_int(data.get("chances", 1), 1, MAX_CHANCES):
            errors.append(f"chances must be an integer 1..{MAX_CHANCES}")
    elif kind == "coupon":
        ids = data.get("coupon_template_ids")
        if (not isinstance(ids, Sequence) or isinstance(ids, str) or not ids
                or len(ids) > MAX_TEMPLATES_PER_CONFIG or not all(is_int(i, 1, 2**62) for i in ids)):
            errors.append(f"coupon_template_ids must be a list of 1..{MAX_TEMPLATES_PER_CONFIG} template ids")
        elif len(set(ids)) != len(ids):
            errors.append("coupon_template_ids must not repeat an id")
    else:
        errors.append("kind must be lottery or coupon")
    return errors + window_errors(data)


def validate_per_user_limit(data: Mapping[str, object]) -> list[str]:
    """per_user_limit: optional integer >= 0 (0 = unlimited)."""
    return [] if is_int(data.get("per_user_limit", 0), 0, 10**6) else [
        "per_user_limit must be an integer >= 0 (0 = unlimited)"]
