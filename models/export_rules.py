"""Date ranges of the admin's reads (audit log filter, CSV exports): days in the campaign's
timezone turned into a half-open UTC interval. Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

MAX_RANGE_DAYS = 3660


def parse_day(raw: str, name: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        problems.append(f"{name} must be a date YYYY-MM-DD")
        return None


def day_range(first: dt.date, last: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start of `first`, start of the day after `last`) in `tz`, as UTC instants."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return start, end


def range_of(raw_from: str, raw_to: str, tz: ZoneInfo, today: dt.date,
             problems: list[str]) -> tuple[dt.datetime, dt.datetime] | None:
    """`from`..`to` (inclusive local days; either may be empty: `from` defaults to `to` or today,
    `to` to today, or `from` when that is later). None with `problems` filled when they are not a valid range."""
    first = parse_day(raw_from, "from", problems)
    last = parse_day(raw_to, "to", problems)
    if problems:
        return None
    first = first or last or today
    last = last or max(first, today)
    if last < first:
        problems.append("to must not be before from")
    elif (last - first).days > MAX_RANGE_DAYS:
        problems.append(f"the range must be at most {MAX_RANGE_DAYS} days")
    return None if problems else day_range(first, last, tz)


# ---- CSV cells ------------------------------------------------------------------------------

BOM = "\ufeff"  # Excel reads a UTF-8 file as UTF-8 (Chinese intact) only with it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object, tz: ZoneInfo) -> object:
    """One CSV cell: times in `tz` ("YYYY-MM-DD HH:MM:SS"), enums by value, numbers as they are, and
    text that a spreadsheet would run as a formula (=, +, -, @ first) defused with a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, int | float):
        return value
    text = str(getattr(value, "value", value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text
