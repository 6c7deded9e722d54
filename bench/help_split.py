"""Help-split benchmark against a running 2-worker service on PostgreSQL + Redis, beside its peers.

    .venv/bin/python bench/help_split.py [--helpers 10000] [--packets 10000] [--connections 200]

The peers run in the same run, under the same wrk load (bench/peers/): a bare Sanic app's
/healthz (the floor: Fission's /healthz is measured against it in alternating rounds) and the
seed's own help design (a lock per packet; its hot packet is helped for --seed-seconds, one
distinct helper per request, and its committed helps per second are counted in its database).

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
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import httpx  # noqa: E402

from bench import machine  # noqa: E402
from bench.autoanalyze import autoanalyze  # noqa: E402
from bench.peers import seed as seed_peer  # noqa: E402
from bench.peers.run import Peer  # noqa: E402
from bench.wrkhelp import WrkResult, run_plain, run_requests, run_timed  # noqa: E402
from bot.infra import db as dbmod
from bot.keys import Keys  # noqa: E402
from bot.settings import DatabaseSettings, ServerSettings  # noqa: E402
from bot.web.session import SESSION_COOKIE, Sessions  # noqa: E402
from bot.web.session_epochs import EPOCH_TTL_S, epoch_key  # noqa: E402
from models.redpacket import Help, RedPacket  # noqa: E402
from models.user import User  # noqa: E402
from tests.support import (
    dbs,  # noqa: E402
    fakewx,  # noqa: E402
)
from tests.support.invariants import check_db_invariants  # noqa: E402
from tests.support.service import Service, login  # noqa: E402

# A packet big enough that 10,000 helpers never split it out: every help is a real committed help.
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
    """Cache each helper's session epoch (0) as signing in through OAuth does (bot/web/session_epochs.py):
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


def shared_packet(svc: Service) -> str:
    """A fresh packet of a new owner, issued by the order webhook and shared by its owner: its token."""
    owner = "obench-owner-" + uuid.uuid4().hex[:6]
    packet = svc.order_event(openid=owner, **BIG_ORDER).json()["packet"]
    phone = login(svc.base, owner)
    try:
        return str(phone.post(f"/api/packets/{packet['id']}/share").json()["share_token"])
    finally:
        phone.close()


async def hot_packet_requests(svc: Service, n: int) -> list[tuple[str, str, str]]:
    """A fresh shared packet and n help requests for it, each from its own helper session."""
    token = shared_packet(svc)
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


async def print_invariants(db_url: str) -> None:
    """Every SPEC §1.4 invariant checked over every help in the database (AssertionError if broken)."""
    started = time.perf_counter()
    figures = await check_db_invariants(db_url, 1, 1)
    took = time.perf_counter() - started
    print(f"invariants: OK over {figures['helps']:,} helps on {figures['packets']:,} packets (sums, one help per "
          f"helper, daily limits, exactly one last, wallets == ledgers; checked in {took:.0f} s)")


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


@dataclass
class Floor:
    """/healthz of Fission and of the bare peer, measured in alternating rounds of the same length."""

    fission: list[WrkResult]
    bare: list[WrkResult]
    fission_cpu_us: float  # CPU of Fission's processes per /healthz answered, all rounds
    bare_cpu_us: float

    @staticmethod
    def rate(rs: list[WrkResult]) -> float:
        return sum(r.requests for r in rs) / sum(r.duration_s for r in rs)

    @property
    def ratio(self) -> float:
        return self.rate(self.fission) / self.rate(self.bare)

    def health(self) -> WrkResult:
        """Fission's /healthz over every round, as one result (the base of the ratios to /healthz)."""
        total = sum(r.requests for r in self.fission)
        return WrkResult(total, total / self.rate(self.fission), total, 0, 0,
                         statistics.median(r.p50_ms for r in self.fission),
                         statistics.median(r.p99_ms for r in self.fission), 0)


def measure_floor(svc: Service, bare: Peer, rounds: int, seconds: int, connections: int) -> Floor:
    """Alternate bare and Fission (bare first in odd rounds, Fission first in even ones) so a change
    in the machine's load lands on both."""
    fx_pids, bare_pids = machine.group_pids(svc.proc.pid), machine.group_pids(bare.pgid)
    out: dict[str, list[WrkResult]] = {"fission": [], "bare": []}
    cpu = {"fission": 0.0, "bare": 0.0}
    targets = {"fission": (svc.base, fx_pids), "bare": (bare.base, bare_pids)}
    for i in range(rounds):
        for name in (("bare", "fission") if i % 2 == 0 else ("fission", "bare")):
            base, pids = targets[name]
            c0 = machine.cpu_s(pids)
            out[name].append(run_plain(base + "/healthz", seconds=seconds, connections=connections))
            cpu[name] += machine.cpu_s(pids) - c0
    n_fx, n_bare = (sum(r.requests for r in out[k]) for k in ("fission", "bare"))
    return Floor(out["fission"], out["bare"], cpu["fission"] * 1e6 / n_fx, cpu["bare"] * 1e6 / n_bare)


def print_floor(f: Floor) -> None:
    for i, (fx, bare) in enumerate(zip(f.fission, f.bare, strict=True)):
        print(f"    round {i + 1}: bare {bare.rps:8.0f}/s  Fission {fx.rps:8.0f}/s  ({fx.rps / bare.rps:5.1%})")
    print(f"{'/healthz bare Sanic (peer)':<34} {f.rate(f.bare):>8.0f}/s  CPU {f.bare_cpu_us:5.1f} us/request")
    print(f"{'/healthz Fission':<34} {f.rate(f.fission):>8.0f}/s  CPU {f.fission_cpu_us:5.1f} us/request "
          f"(CPU ratio bare/Fission {f.bare_cpu_us / f.fission_cpu_us:5.1%})")
    print(f"floor: Fission /healthz / bare Sanic /healthz = {f.ratio:.0%}")


@dataclass
class SeedRun:
    helps: int
    answers: int
    refused: int  # non-2xx answers: 503 busy (lock not had within 3 s)
    duration_s: float
    p50_ms: float
    p99_ms: float

    @property
    def helps_per_s(self) -> float:
        return self.helps / self.duration_s


async def seed_design(peer: Peer, db_url: str, seconds: int, connections: int) -> SeedRun:
    """The seed design's hot packet under the same load: one distinct helper per request for
    `seconds`; its rate is the helps committed in its database over wrk's measured time."""
    token, helpers = await seed_peer.hot_packet(db_url, max(5000, seconds * 400), BIG["max_amount"])
    reqs = [("POST", f"/api/share/{token}/help", f"seed_uid={uid}") for uid in helpers]
    before = await seed_peer.help_count(db_url)
    with autoanalyze(db_url):  # its tables get the statistics production's autovacuum would give them
        r = run_timed(peer.base, reqs, seconds, connections=connections)
    helps = await seed_peer.help_count(db_url) - before
    return SeedRun(helps, r.requests, r.non2xx, r.duration_s, r.p50_ms, r.p99_ms)


def main() -> int:
    ap = argparse.ArgumentParser()
    # 10,000 helps take ~3 s, as long as a floor round: with 2,000 (~0.5 s, 10 requests per
    # connection) wrk's 200 connections being opened weighed on the rate, and runs spread by +-2 points
    ap.add_argument("--helpers", type=int, default=10_000)
    ap.add_argument("--packets", type=int, default=10000)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=2000,
                    help="helps on another packet first: a running service has its pools and caches warm")
    ap.add_argument("--floor-rounds", type=int, default=4, help="alternating /healthz rounds, bare vs Fission")
    ap.add_argument("--floor-seconds", type=int, default=5)
    ap.add_argument("--seed-seconds", type=int, default=10, help="how long the seed design is helped")
    ap.add_argument("--floor-only", action="store_true", help="only the /healthz rounds (profiling the chain)")
    args = ap.parse_args()
    fake = fakewx.FakeWeChat()
    fake.start()
    tmp = tempfile.mkdtemp(prefix="fx-seed-")
    seed_db = dbs.create("postgres", tmp)
    peers: list[Peer] = []
    svc = Service(fake.url, workers=2, redis_db=6, redpacket=BIG, outbox={"run_in_server": False})
    try:
        peers.append(Peer("bare"))
        peers.append(Peer("seed", "--db", seed_db, "--redis", f"{dbs.REDIS}/7",
                          "--prefix", "seed" + uuid.uuid4().hex[:6]))
        return asyncio.run(run(svc, peers[0], peers[1], seed_db, args))
    finally:
        for p in peers:
            p.stop()
        svc.stop()
        fake.stop()
        dbs.drop(seed_db)


async def run(svc: Service, bare: Peer, seed: Peer, seed_db: str, args: argparse.Namespace) -> int:
    c = args.connections
    window = machine.Window.open()
    print(f"machine at start: {machine.status_line(window)}")
    floor = measure_floor(svc, bare, args.floor_rounds, args.floor_seconds, c)
    print_floor(floor)
    health = floor.health()
    if args.floor_only:
        print(f"machine over the run: {machine.status_line(window)}")
        return 0
    with autoanalyze(svc.db_url) as analyzed:
        if args.warmup:
            warm_r = run_requests(svc.base, await hot_packet_requests(svc, args.warmup + 2 * c), args.warmup,
                                  connections=c)
            print(line(f"    warm-up: another packet, {args.warmup}", warm_r, health))
        reqs = await hot_packet_requests(svc, args.helpers + 2 * c)
        token = reqs[0][1].split("/")[3]
        hot_r = run_requests(svc.base, reqs, args.helpers, connections=c)
        print(line(f"(a) hot packet, {args.helpers} helpers", hot_r, health))
        print(f"{'    ratio to bare Sanic /healthz':<34} {hot_r.rps / floor.rate(floor.bare):>8.1%}")
        sr = await seed_design(seed, seed_db, args.seed_seconds, c)
        print(f"{'seed design, hot packet':<34} {sr.helps_per_s:>8.1f} helps/s  "
              f"({sr.helps} helps in {sr.duration_s:.1f} s; {sr.refused} of {sr.answers} answers refused busy)  "
              f"p50 {sr.p50_ms:6.1f} ms  p99 {sr.p99_ms:6.1f} ms")
        hot_helps_per_s = hot_r.ok / hot_r.duration_s
        print(f"peer: hot help / seed design = {hot_helps_per_s / max(sr.helps_per_s, 1e-9):.1f}×")
        ceiling = floor.rate(floor.bare) / max(sr.helps_per_s, 1e-9)
        print(f"ceiling: bare Sanic /healthz / seed design = {ceiling:.1f}×  "
              "(what a help as cheap as a bare Sanic app's constant /healthz would reach)")
        rate = await issue_many(svc, args.packets)
        print(f"{'    order events (issue)':<34} {rate:>8.0f}/s  ({args.packets} packets)")
        tokens = [t for t in await packet_tokens(svc) if t != token]
        rng = random.Random(1)
        cookies = await make_sessions(svc, args.packets + 2 * c)
        reqs = [("POST", f"/api/share/{rng.choice(tokens)}/help", ck) for ck in cookies]
        many_r = run_requests(svc.base, reqs, args.packets, connections=c)
        print(line(f"(b) {len(tokens)} packets, random helpers", many_r, health))
    print(analyzed.summary())
    await quiesce(svc)
    rss = worker_rss_mb(svc)
    print("peak RSS per process (MB): " + ", ".join(f"{m:.0f}" for m in rss))
    await print_invariants(svc.db_url)
    target = hot_r.rps / floor.rate(floor.bare) >= 0.15 and hot_r.p99_ms <= 100 and hot_r.c5xx == 0
    print(f"target (hot >= 15% of bare /healthz, p99 <= 100 ms, no 5xx): {'MET' if target else 'NOT MET'}")
    print(f"target (floor >= 85%): {'MET' if floor.ratio >= 0.85 else 'NOT MET'};  "
          f"target (hot >= 150x seed design): {'MET' if hot_helps_per_s >= 150 * sr.helps_per_s else 'NOT MET'}")
    print(f"machine over the run: {machine.status_line(window)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
