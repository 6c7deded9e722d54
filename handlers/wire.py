"""Wire helpers every feature shares: how times and money look in JSON and on pages. No rules."""

from __future__ import annotations

import datetime as dt


def iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if t else None


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
