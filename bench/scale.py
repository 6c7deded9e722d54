"""Cost as the work grows: the hot-packet help with 1,000 … 1,000,000 packets and helps already stored.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000,1000000] [--helpers 5000] [--explain FILE]

For each size N, a fresh 2-worker service on its own database gets N users, orders, red packets and
helps and 2N ledger entries written with COPY (asyncpg's `copy_records_to_table`, not the API),
then ANALYZE. The stored packets are live and each has one help from yesterday, so the tables and
their indexes are as big as N says. Then the hot help exactly as bench/help_split.py runs it (a
warm-up packet, then one packet helped by --helpers fresh helpers over 200 connections), with the
CPU the service's processes and the database's backends spent per help. Prints each size's cost
over the smallest size's (goal: flat, <= 1.2x).

At the largest size, the help path's statements are run once with real parameters inside a
transaction that is rolled back, each through EXPLAIN — ANALYZE for the reads, the plan for the
write — and the plans are written to --explain (docs/benchmarks.md quotes them).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import asyncpg  # noqa: E402

from bench import machine  # noqa: E402
from bench.help_split import BIG, hot_packet_requests  # noqa: E402
from bench.wrkhelp import run_requests  # noqa: E402
from tests.support import fakewx  # noqa: E402
from tests.support.service import Service  # noqa: E402

LAUNCH = "2026-01-01"
Row = Callable[[int], dict[str, Any]]


def rows_of(n: int, now: dt.datetime) -> dict[str, tuple[int, Row]]:
    """Each table's row count and row maker (1-based i). Helper of packet i: user i % n + 1."""
    yesterday = now - dt.timedelta(days=1)

    def helper(i: int) -> int:
        return i % n + 1

    return {
        "users": (n, lambda i: {"id": i, "openid": f"oscale-{i}", "nickname": f"用户{i}", "avatar": "",
                                "session_epoch": 0, "created_at": yesterday, "updated_at": yesterday}),
        "platform_orders": (n, lambda i: {"id": i, "order_no": f"scale-{i}", "user_id": i, "goods_id": 42,
                                          "goods_name": "保温杯", "goods_thumbnail_url": "", "paid_fen": 20000,
                                          "coupon_price_fen": 20000, "cashback_fen": 2500, "status": "confirmed",
                                          "confirmed": True, "created_at": yesterday, "updated_at": yesterday}),
        "red_packets": (n, lambda i: {"id": i, "order_id": i, "owner_id": i, "share_token": f"scale{i:012x}",
                                      "amount_fen": 5000, "split_fen": 30, "help_count": 1, "status": 1,
                                      "goods_name": "保温杯", "goods_thumbnail_url": "",
                                      "expire_time": now + dt.timedelta(hours=4), "start_time": yesterday,
                                      "shared_at": yesterday, "created_at": yesterday, "version": 1}),
        "helps": (n, lambda i: {"id": i, "packet_id": i, "helper_id": helper(i), "owner_id": i, "amount_fen": 30,
                                "kind": "new", "day": yesterday.date(), "day_slot": 0, "owner_day_slot": 0,
                                "new_user_key": f"{helper(i)}@{LAUNCH}", "is_last": False, "created_at": yesterday}),
        "ledger_entries": (2 * n, lambda j: {"id": j, "user_id": (j + 1) // 2 if j % 2 else helper(j // 2),
                                             "amount_fen": 30, "kind": "help_owner" if j % 2 else "help_helper",
                                             "ref": f"scale:{j}", "packet_id": (j + 1) // 2,
                                             "created_at": yesterday}),
    }


async def copy_rows(conn: asyncpg.Connection, table: str, count: int, make: Row) -> None:
    """make(1) … make(count) written into `table` by COPY, 100,000 rows at a time; every NOT NULL
    column must have a value in make's rows."""
    cols = await conn.fetch("SELECT column_name, is_nullable FROM information_schema.columns "
                            "WHERE table_schema = 'public' AND table_name = $1", table)
    sample = make(1)
    names = [c["column_name"] for c in cols if c["column_name"] in sample]
    missing = [c["column_name"] for c in cols if c["is_nullable"] == "NO" and c["column_name"] not in sample]
    if missing:
        raise RuntimeError(f"{table}: no value for NOT NULL columns {missing}")
    for lo in range(1, count + 1, 100_000):
        batch = (make(i) for i in range(lo, min(count, lo + 99_999) + 1))
        await conn.copy_records_to_table(table, records=[tuple(r[c] for c in names) for r in batch], columns=names)


async def seed(db_url: str, n: int) -> float:
    """COPY every table's rows, move the id sequences past them, ANALYZE; returns seconds taken."""
    started = time.perf_counter()
    conn = await asyncpg.connect(db_url)
    try:
        for table, (count, make) in rows_of(n, dt.datetime.now(dt.UTC)).items():
            await copy_rows(conn, table, count, make)
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def backend_pids(db_url: str) -> list[str]:
    conn = await asyncpg.connect(db_url)
    try:
        name = db_url.rsplit("/", 1)[1]
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                                name)
        return [str(r["pid"]) for r in rows]
    finally:
        await conn.close()


async def measure(svc: Service, helpers: int, connections: int) -> dict[str, float]:
    warm = await hot_packet_requests(svc, 500 + 2 * connections)
    run_requests(svc.base, warm, 500, connections=connections)
    reqs = await hot_packet_requests(svc, helpers + 2 * connections)
    pids = machine.group_pids(svc.proc.pid) + await backend_pids(svc.db_url)
    window, c0 = machine.Window.open(), machine.cpu_s(pids)
    r = run_requests(svc.base, reqs, helpers, connections=connections)
    cpu_us = (machine.cpu_s(pids) - c0) * 1e6 / max(1, r.ok)
    return {"rate": r.ok / r.duration_s, "p99": r.p99_ms, "cpu_us": cpu_us, "ok": r.ok, "c5xx": r.c5xx,
            "steal": window.steal(), "load": machine.load1()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    # 5,000 helps (~1.5 s): the CPU figure is read in clock ticks (10 ms per process); over 1,000
    # helps (~0.3 s) its quantisation alone moved the cost ratio by +-15%
    ap.add_argument("--helpers", type=int, default=5000)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--explain", default="", help="write the help path's plans at the largest size here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    fake = fakewx.FakeWeChat()
    fake.start()
    results: dict[int, dict[str, float]] = {}
    try:
        for n in sizes:
            svc = Service(fake.url, workers=2, redis_db=6, redpacket=BIG, outbox={"run_in_server": False})
            try:
                took = asyncio.run(seed(svc.db_url, n))
                results[n] = asyncio.run(measure(svc, args.helpers, args.connections))
                f = results[n]
                print(f"{n:>9,} stored: seeded in {took:5.1f} s; hot help {f['rate']:7.0f}/s  p99 {f['p99']:6.1f} ms  "
                      f"CPU {f['cpu_us']:6.0f} us/help (service + its PostgreSQL backends)  ok {f['ok']:.0f} "
                      f"5xx {f['c5xx']:.0f}  [load {f['load']:.1f}, steal {f['steal']:.1%}]", flush=True)
                if n == sizes[-1] and args.explain:
                    from bench.scale_explain import explain_help_path

                    with open(args.explain, "w", encoding="utf-8") as out:
                        out.write(asyncio.run(explain_help_path(svc.db_url, n)))
                    print(f"plans at {n:,}: {args.explain}")
            finally:
                svc.stop()
    finally:
        fake.stop()
    base = results[sizes[0]]
    for n in sizes[1:]:
        f = results[n]
        print(f"cost per help at {n:,} / at {sizes[0]:,}: {base['rate'] / f['rate']:.2f} by throughput, "
              f"{f['cpu_us'] / base['cpu_us']:.2f} by CPU (goal <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
