"""Autovacuum's ANALYZE, for a PostgreSQL that runs with autovacuum off (this machine's does:
its conf.d/90-ci.conf sets `autovacuum = off`).

A production server re-analyzes a table once `autovacuum_analyze_threshold` (50) rows plus
`autovacuum_analyze_scale_factor` (10%) of its rows changed. Without it, a table that started empty
keeps no statistics however large it grows, and the planner's guess for `helper_id = ANY($1)` on
it turns into a sequential scan: a soak measured 2,197 helps/s over its first 100,000 helps and
1,385/s over the next, the database's backends at 80-87% CPU scanning `helps` (6,161 sequential
scans, 100 index scans). A bench that writes a table from empty runs this beside its load, so it
measures the service as production's planner would run it.

    with autoanalyze(db_url):   # a thread; checks every `every_s` seconds; a no-op when autovacuum is on
        run_requests(...)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg

THRESHOLD, SCALE = 50, 0.1  # PostgreSQL's defaults for autovacuum_analyze_threshold / _scale_factor

DUE = """SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
         WHERE s.n_mod_since_analyze > $1 + $2 * greatest(c.reltuples, 0)"""


async def analyze_due(conn: asyncpg.Connection) -> list[str]:
    """ANALYZE every table past autovacuum's analyze threshold; the tables analyzed."""
    tables = [r["relname"] for r in await conn.fetch(DUE, THRESHOLD, SCALE)]
    for t in tables:
        await conn.execute(f'ANALYZE "{t}"')
    return tables


@dataclass
class Analyzed:
    tables: list[str] = field(default_factory=list)  # one entry per ANALYZE run
    server_does_it: bool = False  # autovacuum is on: nothing run here
    error: BaseException | None = None

    def summary(self) -> str:
        if self.server_does_it:
            return "ANALYZE left to the server's autovacuum"
        return f"ANALYZE run {len(self.tables)} times beside the load, as autovacuum would (it is off on this server)"


async def _loop(db_url: str, stop: threading.Event, every_s: float, out: Analyzed) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        if str(await conn.fetchval("SHOW autovacuum")) == "on":
            out.server_does_it = True
            return
        while not stop.wait(every_s):
            out.tables += await analyze_due(conn)
    finally:
        await conn.close()


@contextlib.contextmanager
def autoanalyze(db_url: str, every_s: float = 5.0) -> Iterator[Analyzed]:
    """Yields what was analyzed so far (filled while the block runs); raises the thread's error at
    the end. A thread of its own, with its own event loop and connection, so it runs beside a
    blocking wrk call or a running loop."""
    out = Analyzed()

    def run() -> None:
        try:
            asyncio.run(_loop(db_url, stop, every_s, out))
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
            out.error = e

    stop = threading.Event()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield out
    finally:
        stop.set()
        thread.join(timeout=30)
    if out.error is not None:
        raise RuntimeError("autoanalyze failed") from out.error
