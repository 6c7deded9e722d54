"""The help path's statements as PostgreSQL plans them on a big database (bench/scale.py).

One real help batch (`handlers.redpacket.commit.commit_batch`, one attempt on a stored packet by a user
who has not helped today) runs inside a transaction that is rolled back at its end. Every
statement it sends is first sent through EXPLAIN with the same parameters — EXPLAIN ANALYZE for
the reads, the plan alone for the write (ANALYZE would run it twice) — then run for real, so the
batch goes on exactly as it would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

from bot.infra import db as dbmod
from bot.settings import DatabaseSettings
from handlers.redpacket import commit as helpsplit
from models.redpacket_rules import HelpRules


class _Rollback(Exception):
    pass


class _Explaining:
    """The transaction's connection, explaining each statement before running it."""

    def __init__(self, conn: Any, plans: list[tuple[str, str]]):
        self._conn, self._plans = conn, plans

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    async def execute_query(self, sql: str, values: list[Any] | None = None) -> Any:
        reads = sql.lstrip().upper().startswith("SELECT")
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if reads else "EXPLAIN "
        _n, rows = await self._conn.execute_query(prefix + sql, values)
        self._plans.append((sql, "\n".join(str(next(iter(dict(r).values()))) for r in rows)))
        return await self._conn.execute_query(sql, values)


async def explain_help_path(db_url: str, n: int) -> str:
    """Markdown: each statement of one help batch (shortened) and its plan, at n stored rows."""
    plans: list[tuple[str, str]] = []
    real = helpsplit.in_transaction

    @contextlib.asynccontextmanager
    async def rolled_back() -> AsyncIterator[Any]:
        with contextlib.suppress(_Rollback):
            async with real() as conn:
                yield _Explaining(conn, plans)
                raise _Rollback

    await dbmod.connect(DatabaseSettings(url=db_url))
    helpsplit.in_transaction = rolled_back  # type: ignore[assignment]
    try:
        packet, helper = n // 2, n // 2 + 7  # helper: a stored user with no help today, not this packet's
        ctx = helpsplit.SplitContext(HelpRules((10, 15), (30, 80), 1, 1), ZoneInfo("Asia/Shanghai"),
                                     dt.date(2026, 1, 1), random.Random(1))
        outcomes = await helpsplit.commit_batch([helpsplit.HelpAttempt(packet, helper, f"oscale-{helper}")], ctx,
                                                dt.datetime.now(dt.UTC))
    finally:
        helpsplit.in_transaction = real  # type: ignore[assignment]
        await dbmod.close()
    o = outcomes[0]
    said = f"refused, {o.error}" if o.error else f"accepted, {o.amount} fen"
    out = [f"One help batch at {n:,} stored packets and helps (outcome: {said}); rolled back.\n"]
    for sql, plan in plans:
        short = sql if len(sql) < 400 else sql[:400] + " …"
        out.append(f"```sql\n{short}\n```\n\n```\n{plan}\n```\n")
    return "\n".join(out)
