"""Worker memory over a long soak: a million helps through the API, one distinct helper each.

    .venv/bin/python bench/soak.py [--helps 1000000] [--chunk 100000] [--packets 100] [--connections 200]

A 2-worker service on PostgreSQL + Redis, configured as bench/help_split.py's (packets big enough
never to split out), gets --packets shared packets through the order webhook and the share API.
The helpers are written to the database with COPY (their helps all go through the API); each one's
session cookie is minted with the service's secret and its session epoch cached in Redis, as
signing in does. wrk then sends the helps chunk by chunk over --connections connections, request i
helping packet i % packets. After each chunk, once the service has committed it: the resident and
unique memory of every process of the service, the helps committed and the chunk's rate. Where the
server's autovacuum is off, bench/autoanalyze.py analyzes the tables as it would.

Prints, last: `memory: worker RSS after N helps / after the first chunk = X.XX×` (the largest over
the workers) and the SPEC invariants checked over every help in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import asyncpg  # noqa: E402

from bench import machine  # noqa: E402
from bench.autoanalyze import autoanalyze  # noqa: E402
from bench.help_split import BIG, prime_epochs, print_invariants, shared_packet  # noqa: E402
from bench.scale import copy_rows  # noqa: E402
from bench.wrkhelp import run_requests  # noqa: E402
from bot.settings import ServerSettings  # noqa: E402
from bot.web.session import SESSION_COOKIE, Sessions  # noqa: E402
from tests.support import fakewx  # noqa: E402
from tests.support.service import Service  # noqa: E402


def memory_mb(pid: str) -> tuple[float, float]:
    """(resident, unique) MB of one process: VmRSS, and Private_Clean + Private_Dirty (what is its own
    and not shared with the other workers through the fork)."""
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
    private = 0
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith(("Private_Clean", "Private_Dirty")):
                private += int(line.split()[1])
    return rss / 1024, private / 1024


async def seed_helpers(db_url: str, count: int) -> int:
    """`count` helper users by COPY, ids after every existing user; returns the first id."""
    conn = await asyncpg.connect(db_url)
    try:
        first = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM users")) + 1
        now = dt.datetime.now(dt.UTC)
        await copy_rows(conn, "users", count, lambda i: {
            "id": first + i - 1, "openid": f"osoak-{first + i - 1}", "nickname": f"帮手{i}", "avatar": "",
            "session_epoch": 0, "created_at": now, "updated_at": now})
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('users', 'id'), {first + count})")
        await conn.execute("ANALYZE users")
        return first
    finally:
        await conn.close()


async def committed(db_url: str, settle_s: float = 1.0) -> int:
    """Helps in the database once the count stops moving (requests in flight when wrk stopped)."""
    conn = await asyncpg.connect(db_url)
    try:
        last = -1
        while (n := int(await conn.fetchval("SELECT count(*) FROM helps"))) != last:
            last = n
            await asyncio.sleep(settle_s)
        return n
    finally:
        await conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--helps", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--packets", type=int, default=100)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--no-check", action="store_true", help="skip the invariant check over every help")
    args = ap.parse_args()
    fake = fakewx.FakeWeChat()
    fake.start()
    svc = Service(fake.url, workers=2, redis_db=6, redpacket=BIG, outbox={"run_in_server": False})
    try:
        return asyncio.run(run(svc, args))
    finally:
        svc.stop()
        fake.stop()
        print(f"{forget_keys(svc):,} Redis keys of the service deleted (the helpers' cached session epochs among them)")


def forget_keys(svc: Service) -> int:
    """Delete the stopped service's Redis keys (a million helpers' epochs would otherwise stay for a day)."""
    import redis

    client, n = redis.Redis.from_url(svc.redis_url), 0
    try:
        batch: list[bytes] = []
        for key in client.scan_iter(match=svc.config["redis"]["prefix"] + "*", count=10_000):
            batch.append(key)
            if len(batch) == 10_000:
                n += client.unlink(*batch)
                batch.clear()
        if batch:
            n += client.unlink(*batch)
    finally:
        client.close()
    return n


async def run(svc: Service, args: argparse.Namespace) -> int:
    c, chunk = args.connections, args.chunk
    chunks = -(-args.helps // chunk)
    window = machine.Window.open()
    print(f"machine at start: {machine.status_line(window)}", flush=True)
    tokens = [shared_packet(svc) for _ in range(args.packets)]
    spare = 2 * c  # in-flight requests past a wrk thread's share use these; the next chunk starts after them
    started = time.perf_counter()
    first = await seed_helpers(svc.db_url, chunks * (chunk + spare))
    print(f"{args.packets} shared packets; {chunks * (chunk + spare):,} helpers written by COPY in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    sessions = Sessions(ServerSettings.model_validate(svc.config["server"]))
    main_pid = str(svc.proc.pid)
    pids = [main_pid] + [p for p in machine.group_pids(svc.proc.pid) if p != main_pid]
    print(f"processes: main {main_pid}; its children (the two workers and Sanic's worker-state manager) "
          + ", ".join(pids[1:]), flush=True)
    history: list[tuple[int, list[tuple[float, float]]]] = []
    done = 0
    with autoanalyze(svc.db_url) as analyzed:
        for k in range(chunks):
            n = min(chunk, args.helps - k * chunk)
            ids = range(first + k * (chunk + spare), first + k * (chunk + spare) + n + spare)
            prime_epochs(svc, list(ids))
            reqs = [("POST", f"/api/share/{tokens[uid % len(tokens)]}/help",
                     f"{SESSION_COOKIE}={sessions.dump_user(uid, f'osoak-{uid}')}") for uid in ids]
            r = run_requests(svc.base, reqs, n, connections=c, timeout_s=600)
            done = await committed(svc.db_url)
            mem = [memory_mb(p) for p in pids]
            history.append((done, mem))
            print(f"chunk {k + 1:>2}/{chunks}: {r.ok / r.duration_s:6.0f} helps/s  p99 {r.p99_ms:6.1f} ms  "
                  f"ok {r.ok} 4xx {r.c4xx} 5xx {r.c5xx} sockerr {r.errors}; {done:>9,} helps stored; RSS / unique MB: "
                  + "  ".join(f"{rss:.0f}/{own:.0f}" for rss, own in mem)
                  + f"  [load {machine.load1():.1f}]", flush=True)
    print(analyzed.summary())
    (n0, mem0), (n1, mem1) = history[0], history[-1]
    workers = range(1, len(pids))  # the main process's children: the workers and Sanic's state manager
    growth = max(mem1[w][0] / mem0[w][0] for w in workers)
    own = max(mem1[w][1] / mem0[w][1] for w in workers)
    print(f"memory: worker RSS after {n1:,} helps / after the first chunk ({n0:,}) = {growth:.2f}× "
          f"(unique memory {own:.2f}×; the largest over the main process's children)")
    if not args.no_check:
        await print_invariants(svc.db_url)
    print(f"machine over the run: {machine.status_line(window)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
