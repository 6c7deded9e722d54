"""Pure red-packet rules (SPEC §1): issue amounts, help amounts, eligibility, days.

No I/O: `now` and the random source are parameters. Imports no tortoise, redis, sanic or httpx.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from fractions import Fraction
from zoneinfo import ZoneInfo

from models.enums import HelperKind, PacketStatus


@dataclass(frozen=True)
class IssueRules:
    leverage: int
    min_amount: int
    max_amount: int
    max_ratio: Fraction


@dataclass(frozen=True)
class HelpRules:
    old_user_range: tuple[int, int]
    new_user_range: tuple[int, int]
    daily_help_limit: int
    daily_same_owner_limit: int


def issue_amount(rules: IssueRules, *, paid_fen: int, coupon_price_fen: int, cashback_fen: int) -> int | None:
    """The packet amount for a confirmed order, or None when below the minimum (no packet).

    base = cashback × leverage, capped by: packet + cashback <= paid, packet <= max_ratio of the
    post-coupon price (floored to whole fen), packet <= max_amount.
    """
    if min(paid_fen, coupon_price_fen, cashback_fen) < 0:
        return None
    amount = min(
        cashback_fen * rules.leverage,
        paid_fen - cashback_fen,
        int(coupon_price_fen * rules.max_ratio),  # int() floors a non-negative Fraction
        rules.max_amount,
    )
    return amount if amount >= rules.min_amount else None


PENALISED_KINDS = frozenset({HelperKind.BLACKLISTED, HelperKind.BLACK_OWNER})


def help_amount(rules: HelpRules, kind: HelperKind, remaining_fen: int, rng: random.Random) -> tuple[int, bool]:
    """Amount of one help and whether it is the last one.

    New users draw uniformly from new_user_range, old users from old_user_range. A blacklisted
    helper, or any helper of a blacklisted owner, gives exactly 1 fen and the last-help remainder
    rule never applies to it: such a help splits the packet out only when exactly 1 fen is left.
    Otherwise never more than what is left, and when what would be left is below the old-user
    minimum, this help takes everything (no dust stays behind).
    """
    if remaining_fen <= 0:
        raise ValueError("no money left to split")
    if kind in PENALISED_KINDS:
        return 1, remaining_fen == 1
    lo, hi = rules.new_user_range if kind is HelperKind.NEW else rules.old_user_range
    x = min(rng.randint(lo, hi), remaining_fen)
    if remaining_fen - x < rules.old_user_range[0]:
        x = remaining_fen
    return x, x == remaining_fen


def effective_status(status: PacketStatus, expire_time: dt.datetime, now: dt.datetime) -> PacketStatus:
    """Expiry takes effect exactly at expire_time, whether or not a sweeper has run."""
    if status.live and now >= expire_time:
        return PacketStatus.EXPIRED
    return status


@dataclass(frozen=True)
class HelpFacts:
    """What is known about one help attempt at one instant (all from the same `now`)."""

    status: PacketStatus
    expire_time: dt.datetime
    owner_id: int
    helper_id: int
    already_helped: bool
    helps_today: int
    helps_for_owner_today: int


def refusal(rules: HelpRules, facts: HelpFacts, now: dt.datetime) -> str | None:
    """The error code refusing this help, or None when all five conditions hold (SPEC §1.3)."""
    status = effective_status(facts.status, facts.expire_time, now)
    if not status.live:
        return status.wire
    if facts.helper_id == facts.owner_id:
        return "self_help"
    if facts.already_helped:
        return "already_helped"
    if facts.helps_today >= rules.daily_help_limit:
        return "daily_limit"
    if facts.helps_for_owner_today >= rules.daily_same_owner_limit:
        return "daily_same_owner_limit"
    return None


def local_day(now: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The calendar day of `now` in the campaign timezone."""
    if now.tzinfo is None:
        raise ValueError("naive datetime")
    return now.astimezone(tz).date()


def next_local_midnight(now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant at which the campaign day of `now` ends."""
    day = local_day(now, tz) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def helper_kind(*, blacklisted: bool, helped_since_launch: bool, owner_blacklisted: bool = False) -> HelperKind:
    """The kind deciding a help's amount: a blacklisted helper first, then a blacklisted owner."""
    if blacklisted:
        return HelperKind.BLACKLISTED
    if owner_blacklisted:
        return HelperKind.BLACK_OWNER
    return HelperKind.OLD if helped_since_launch else HelperKind.NEW
