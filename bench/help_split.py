"""Help-split benchmark against a running 2-worker service on PostgreSQL + Redis.

    .venv/bin/python bench/help_split.py [--helpers 2000] [--packets 10000] [--connections 200]

(a) one hot packet, N distinct helpers, C concurrent connections (after a warm-up of --warmup helps
on another packet: a running service has its pools open); (b) many packets with random
helpers. Prints helps/s, p50/p99, peak RSS per worker, the ratio to /healthz req/s of the same
service measured in the same run, then checks every SPEC §1.4 invariant in the database.
Load comes from wrk (C), one request per helper session, so the client is not the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import httpx  # noqa: E402

from bench.wrkhelp import WrkResult, run_plain, run_requests  # noqa: E402
from bot import db as dbmod  # noqa: E402
from bot.session import SESSION_COOKIE, Sessions  # noqa: E402
from bot.keys import Keys  # noqa: E402
from bot.session_epochs import EPOCH_TTL_S, epoch_key  # noqa: E402
from bot.settings import DatabaseSettings, ServerSettings  # noqa: E402
from models.redpacket import Help, RedPacket  # noqa: E402
from models.user import User  # noqa: E402
from tests import fakewx  # noqa: E402
from tests.invariants import check_db_invariants  # noqa: E402
from tests.service import Service, login  # noqa: E402

# A packet big enough that 2,000 helpers never split it out: every help is a real committed help.
BIG = {"leverage": 1000, "max_amount": 100_000_000, "max_ratio": 1.0}
BIG_ORDER = {"cashback": 200_000, "paid_amount": 10**9, "coupon_price": 10**9}


async def make_sessions(svc: Service, n: int) -> list[str]:
    """n helper users and their session cookies (minted with the service's own secret)."""
    await dbmod.connect(DatabaseSettings(url=svc.db_url))
    try:
        tag = uuid.uuid4().hex[:6]
        await User.bulk_create([User(openid=f"obench-{tag}-{i}", nickname=f"帮手{i}") for i in range(n)],
                               batch_size=1000)
        users = await User.filter(openid__startswith=f"obench-{tag}-").values_list("id", "openid")
    finally:
        await dbmod.close()
    prime_epochs(svc, [int(uid) for uid, _ in users])
    sessions = Sessions(ServerSettings.model_validate(svc.config["server"]))
    return [f"{SESSION_COOKIE}={sessions.dump_user(int(uid), oid)}" for uid, oid in users]


def prime_epochs(svc: Service, user_ids: list[int]) -> None:
    """Cache each helper's session epoch (0) as signing in through OAuth does (bot/session_epochs.py):
    the cookies here are minted without that sign-in."""
    import redis

    client, keys = redis.Redis.from_url(svc.redis_url), Keys(svc.config["redis"]["prefix"])
    try:
        with client.pipeline(transaction=False) as pipe:
            for uid in user_ids:
                pipe.set(epoch_key(keys, uid), 0, nx=True, ex=EPOCH_TTL_S)
            pipe.execute()
    finally:
        client.close()


async def packet_tokens(svc: Service) -> list[str]:
    await dbmod.connect(DatabaseSettings(url=svc.db_url))
    try:
        return list(await RedPacket.all().values_list("share_token", flat=True))
    finally:
        await dbmod.close()


async def issue_many(svc: Service, n: int) -> float:
    """Issue n packets through the signed order webhook; returns events/s."""
    sem = asyncio.Semaphore(64)
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=60) as client:
        async def one(i: int) -> None:
            async with sem:
                r = svc.order_event_request(openid=f"oowner-{i}", **BIG_ORDER)
                resp = await client.send(r)
                assert resp.status_code == 200, resp.text
        await asyncio.gather(*[one(i) for i in range(n)])
    return n / (time.perf_counter() - started)


async def hot_packet_requests(svc: Service, n: int) -> list[tuple[str, str, str]]:
    """A fresh shared packet and n help requests for it, each from its own helper session."""
    owner = "obench-owner-" + uuid.uuid4().hex[:6]
    hot = svc.order_event(openid=owner, **BIG_ORDER).json()["packet"]
    phone = login(svc.base, owner)
    token = phone.post(f"/api/packets/{hot['id']}/share").json()["share_token"]
    phone.close()
    return [("POST", f"/api/share/{token}/help", ck) for ck in await make_sessions(svc, n)]


async def quiesce(svc: Service) -> None:
    """Wait until requests still in flight when wrk stopped have been committed."""
    await dbmod.connect(DatabaseSettings(url=svc.db_url))
    try:
        last = -1
        while (n := await Help.all().count()) != last:
            last = n
            await asyncio.sleep(1.0)
    finally:
        await dbmod.close()


def worker_rss_mb(svc: Service) -> list[float]:
    """Peak RSS (VmHWM) of every process in the service's group, main process first."""
    pids = subprocess.run(["pgrep", "-g", str(svc.proc.pid)], capture_output=True, text=True).stdout.split()
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                hwm = next(line for line in f if line.startswith("VmHWM"))
            out.append(int(hwm.split()[1]) / 1024)
        except (OSError, StopIteration):
            continue
    return out


def line(name: str, r: WrkResult, health: WrkResult) -> str:
    return (f"{name:<34} {r.rps:>8.0f}/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:6.1f} ms  max {r.max_ms:6.1f} ms  "
            f"ok {r.ok} 4xx {r.c4xx} 5xx {r.c5xx} sockerr {r.errors}  ratio to /healthz {r.rps / health.rps:5.1%}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--helpers", type=int, default=2000)
    ap.add_argument("--packets", type=int, default=10000)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=2000,
                    help="helps on another packet first: a running service has its pools and caches warm")
    args = ap.parse_args()
    fake = fakewx.FakeWeChat()
    fake.start()
    svc = Service(fake.url, workers=2, redis_db=6, redpacket=BIG, outbox={"run_in_server": False})
    try:
        return asyncio.run(run(svc, args))
    finally:
        svc.stop()
        fake.stop()


async def run(svc: Service, args: argparse.Namespace) -> int:
    c = args.connections
    health = run_plain(svc.base + "/healthz", seconds=8, connections=c)
    print(f"{'/healthz':<34} {health.rps:>8.0f}/s  p50 {health.p50_ms:6.1f} ms  p99 {health.p99_ms:6.1f} ms")
    if args.warmup:
        warm_r = run_requests(svc.base, await hot_packet_requests(svc, args.warmup + 2 * c), args.warmup,
                              connections=c)
        print(line(f"    warm-up: another packet, {args.warmup}", warm_r, health))
    reqs = await hot_packet_requests(svc, args.helpers + 2 * c)
    token = reqs[0][1].split("/")[3]
    hot_r = run_requests(svc.base, reqs, args.helpers, connections=c)
    print(line(f"(a) hot packet, {args.helpers} helpers", hot_r, health))
    rate = await issue_many(svc, args.packets)
    print(f"{'    order events (issue)':<34} {rate:>8.0f}/s  ({args.packets} packets)")
    tokens = [t for t in await packet_tokens(svc) if t != token]
    rng = random.Random(1)
    cookies = await make_sessions(svc, args.packets + 2 * c)
    reqs = [("POST", f"/api/share/{rng.choice(tokens)}/help", ck) for ck in cookies]
    many_r = run_requests(svc.base, reqs, args.packets, connections=c)
    print(line(f"(b) {len(tokens)} packets, random helpers", many_r, health))
    await quiesce(svc)
    rss = worker_rss_mb(svc)
    print("peak RSS per process (MB): " + ", ".join(f"{m:.0f}" for m in rss))
    figures = await check_db_invariants(svc.db_url, 1, 1)
    print(f"invariants: OK over {figures['helps']} helps on {figures['packets']} packets "
          f"(sums, one help per helper, daily limits, exactly one last, wallets == ledgers)")
    target = hot_r.rps / health.rps >= 0.20 and hot_r.p99_ms <= 100 and hot_r.c5xx == 0
    print(f"target (hot >= 20% of /healthz, p99 <= 100 ms, no 5xx): {'MET' if target else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
