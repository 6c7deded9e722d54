"""Lottery draw benchmark against a running 2-worker service on PostgreSQL + Redis.

    .venv/bin/python bench/draw.py [--seconds 8] [--rounds 3] [--connections 100] [--payers 2000]

Prints, from one run of one service, in interleaved rounds: /healthz req/s (wrk), draws/s through
`POST /api/payments/{order_no}/draw` (wrk, every request a real draw of a distinct chance) on an
activity with 3 prizes and one with 1,000 prizes (same 10% win rate, finite stock), their ratio
to /healthz (target >= 25%), the draw cost with 1,000 vs 3 prizes (target <= 1.2), the server
CPU (service processes + PostgreSQL backends) per request — a figure that noisy neighbours on a
shared machine disturb less than throughput — and the pure alias draw cost. Then it checks in the
database that no chance was drawn twice and no stock was over-issued.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from statistics import median

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import httpx  # noqa: E402

from bench.draw_rules import ns_per_draw  # noqa: E402
from bot.infra.signing import sign  # noqa: E402
from bot.settings import ServerSettings  # noqa: E402
from bot.web.session import SESSION_COOKIE, Sessions  # noqa: E402
from models.lottery_rules import AliasTable  # noqa: E402
from tests.support import fakewx  # noqa: E402
from tests.support.paykit import WINDOW, notice_xml  # noqa: E402
from tests.support.service import Service  # noqa: E402

LUA = r"""
local reqs = dofile(os.getenv("FX_REQS"))
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  idx = tid + 1
  nthreads = tonumber(os.getenv("FX_THREADS"))
  ok, c4, c5 = 0, 0, 0
end
function request()
  local r = reqs[(idx - 1) % #reqs + 1]
  idx = idx + nthreads
  return wrk.format("POST", r[1], {["Cookie"] = r[2], ["Content-Length"] = "0"})
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status >= 500 then c5 = c5 + 1 else c4 = c4 + 1 end
  if status ~= 200 and not sample then sample = status .. " " .. body:sub(1, 200) end
end
function done(summary, latency, requests)
  local o, f, s = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); f = f + t:get("c4"); s = s + t:get("c5")
    if t:get("sample") then io.write("FXSAMPLE " .. t:get("sample") .. "\n") end
  end
  io.write(string.format("FXRESULT {\"requests\": %d, \"duration_us\": %d, \"ok\": %d, \"c4xx\": %d, " ..
    "\"c5xx\": %d, \"p50_us\": %d, \"p99_us\": %d, \"errors\": %d}\n", summary.requests, summary.duration,
    o, f, s, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Figures:
    rps: float
    ok: int
    failed: str  # "4xx/5xx/socket errors"
    p50_ms: float
    p99_ms: float


def wrk(base: str, seconds: int, connections: int, threads: int, reqs: list[tuple[str, str]] | None) -> Figures:
    """wrk against /healthz (reqs None) or POSTing the (path, cookie) list round-robin."""
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    if reqs is None:
        out = subprocess.run([*args, "--latency", base + "/healthz"], capture_output=True, text=True,
                             check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        return Figures(rps, total, "0/0/0", _ms(out, "50%"), _ms(out, "99%"))
    tmp = tempfile.mkdtemp(prefix="fx-draw-")
    with open(os.path.join(tmp, "reqs.lua"), "w") as f:
        f.write("return {\n" + ",\n".join(f"{{{json.dumps(p)}, {json.dumps(c)}}}" for p, c in reqs) + "\n}\n")
    with open(os.path.join(tmp, "script.lua"), "w") as f:
        f.write(LUA)
    env = dict(os.environ, FX_REQS=os.path.join(tmp, "reqs.lua"), FX_THREADS=str(threads))
    out = subprocess.run([*args, "-s", os.path.join(tmp, "script.lua"), base], env=env, capture_output=True,
                         text=True, check=True).stdout
    d = json.loads(re.search(r"FXRESULT (\{.*\})", out).group(1))  # type: ignore[union-attr]
    for sample in re.findall(r"FXSAMPLE (.*)", out):
        print("    non-200 sample:", sample)
    return Figures(d["requests"] / (d["duration_us"] / 1e6), d["ok"], f"{d['c4xx']}/{d['c5xx']}/{d['errors']}",
                   d["p50_us"] / 1000, d["p99_us"] / 1000)


def _ms(out: str, pct: str) -> float:
    m = re.search(pct + r"\s+([\d.]+)(us|ms|s)", out)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else float("nan")


def prize_pool(n: int) -> list[dict[str, object]]:
    """n - 1 goods prizes sharing 10% of the weight (finite, ample stock) plus "谢谢参与" at 90%."""
    rng = random.Random(n)
    weights = [rng.randint(1, 100) for _ in range(n - 1)]
    scale = 9 * sum(weights)  # "none" gets 90% of the total
    goods = [{"name": f"奖品{i}", "kind": "goods", "weight": w, "stock": 10**9} for i, w in enumerate(weights)]
    return [*goods, {"name": "谢谢参与", "kind": "none", "weight": scale}]


def setup_activity(svc: Service, product: str, prizes: int, chances: int) -> None:
    with httpx.Client(base_url=svc.base, timeout=60,
                      headers={"Authorization": f"Bearer {svc.config['admin']['token']}"}) as admin:
        act = admin.post("/admin/api/activities", json={"name": f"bench-{prizes}", **WINDOW, "frequency": 0,
                                                        "win_limit": 0, "prizes": prize_pool(prizes)})
        act.raise_for_status()
        admin.post("/admin/api/pay-configs", json={"product_code": product, "min_amount": 0, "kind": "lottery",
                                                   "activity_id": act.json()["id"], "chances": chances,
                                                   **WINDOW}).raise_for_status()


async def payers(svc: Service, product: str, n: int) -> list[tuple[str, str]]:
    """n paying users of `product`: (draw path, session cookie) each."""
    secret, tag = svc.config["payments"]["secret"], uuid.uuid4().hex[:6]
    orders = [(f"ord-{tag}-{i}", f"obench-{tag}-{i}") for i in range(n)]
    sem = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=svc.base, timeout=60) as c:
        async def notify(order: str, openid: str) -> None:
            body = notice_xml(order, openid, product)
            async with sem:
                r = await c.post("/api/payments/notify", content=body, headers={"X-Fission-Signature": sign(
                    body, secret)})
                r.raise_for_status()
        await asyncio.gather(*[notify(o, u) for o, u in orders])
    ids = dict(line.split("|") for line in subprocess.run(
        ["psql", svc.db_url, "-tAc", f"SELECT openid || '|' || id FROM users WHERE openid LIKE 'obench-{tag}-%'"],
        capture_output=True, text=True, check=True).stdout.split())
    sessions = Sessions(ServerSettings.model_validate(svc.config["server"]))
    return [(f"/api/payments/{o}/draw", f"{SESSION_COOKIE}={sessions.dump_user(int(ids[u]), u)}") for o, u in orders]


def check_database(svc: Service) -> str:
    sql = ("SELECT (SELECT count(*) FROM lottery_draws), (SELECT count(DISTINCT chance_id) FROM lottery_draws), "
           "(SELECT sum(chances_used) FROM payment_notifications), "
           "(SELECT count(*) FROM lottery_prizes WHERE stock < 0), (SELECT count(*) FROM user_prizes), "
           "(SELECT coalesce(sum(1000000000 - stock), 0) FROM lottery_prizes WHERE stock IS NOT NULL)")
    out = subprocess.run(["psql", svc.db_url, "-tAc", sql], capture_output=True, text=True, check=True).stdout
    draws, distinct, drawn, negative, won, taken = (int(x) for x in out.strip().split("|"))
    ok = draws == distinct == drawn and negative == 0 and won == taken
    return (f"{draws} draws, {distinct} distinct chances, {drawn} chances counted used, {won} prizes won = "
            f"{taken} stock taken, {negative} negative stocks -> {'OK' if ok else 'VIOLATED'}")


def pure_alias_ratio() -> tuple[float, float]:
    rng = random.Random(1)
    small = AliasTable.build([9_000, 999, 1])
    large = AliasTable.build([rng.randint(1, 10_000) for _ in range(999)] + [1])
    cost_small, cost_large = ns_per_draw([small, large])
    return cost_small, cost_large


def _tree(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True,
                         check=False).stdout.split()
    return [pid] + [p for child in out for p in _tree(int(child))]


def _cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _server_pids(svc: Service) -> list[int]:
    """The service's processes and the PostgreSQL backends serving its database."""
    db = svc.db_url.rsplit("/", 1)[1]
    out = subprocess.run(["psql", svc.db_url, "-tAc", f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}'"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert svc.proc is not None
    return _tree(svc.proc.pid) + [int(p) for p in out]


def measured(svc: Service, args: argparse.Namespace, reqs: list[tuple[str, str]] | None) -> tuple[Figures, float]:
    """wrk figures and the server-side CPU (service + PostgreSQL) per answered request, in µs."""
    pids = _server_pids(svc)
    before = _cpu_s(pids)
    figures = wrk(svc.base, args.seconds, args.connections, args.threads, reqs)
    return figures, (_cpu_s(pids) - before) / max(1, figures.ok) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--payers", type=int, default=2000)
    ap.add_argument("--chances", type=int, default=200,  # 2,000 x 100 ran out at ~7.5k draws/s
                    help="chances per payer (each draw uses one)")
    args = ap.parse_args()
    fake = fakewx.FakeWeChat()
    fake.start()
    svc = Service(fake.url, workers=2, redis_db=4, outbox={"run_in_server": False})  # notifications: main.py worker
    try:
        run(svc, args)
    finally:
        svc.stop()
        fake.stop()


def run(svc: Service, args: argparse.Namespace) -> None:
    for n in (3, 1000):
        setup_activity(svc, f"B{n}", n, args.chances)
    reqs: dict[str, list[tuple[str, str]] | None] = {"healthz": None}
    reqs.update({f"draw{n}": asyncio.run(payers(svc, f"B{n}", args.payers)) for n in (3, 1000)})
    for n in (3, 1000):  # warm-up: tables built, connections pooled
        wrk(svc.base, 2, args.connections, args.threads, reqs[f"draw{n}"])
    print(f"service: 2 workers, PostgreSQL + Redis; wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, "
          f"{args.rounds} interleaved rounds")
    results: dict[str, list[tuple[Figures, float]]] = {k: [] for k in reqs}
    for r in range(args.rounds):
        for name, batch in reqs.items():
            f, cpu = measured(svc, args, batch)
            results[name].append((f, cpu))
            print(f"  round {r + 1} {name:9s} {f.rps:7.0f}/s  p50 {f.p50_ms:7.2f} ms  p99 {f.p99_ms:7.2f} ms  "
                  f"server CPU {cpu:5.0f} µs/req  ({f.ok} ok, 4xx/5xx/errors {f.failed})")
    report(results)
    print("database check:", check_database(svc))
    print("service log:", svc.log_path)


def report(results: dict[str, list[tuple[Figures, float]]]) -> None:
    rounds = len(results["healthz"])
    ratio = {k: median(results[k][i][0].rps / results["healthz"][i][0].rps for i in range(rounds))
             for k in ("draw3", "draw1000")}
    cpu = {k: median(c for _f, c in v) for k, v in results.items()}
    rps = {k: median(f.rps for f, _c in v) for k, v in results.items()}
    print(f"/healthz:            {rps['healthz']:7.0f} req/s   (median), server CPU {cpu['healthz']:5.0f} µs/req")
    for k, label in (("draw3", "draw, 3 prizes"), ("draw1000", "draw, 1,000 prizes")):
        print(f"{label + ':':21s}{rps[k]:7.0f} draws/s (median), server CPU {cpu[k]:5.0f} µs/draw; "
              f"draws/s = {ratio[k]:5.1%} of /healthz (median of rounds; target >= 25%)")
    cost = median(results["draw3"][i][0].rps / results["draw1000"][i][0].rps for i in range(rounds))
    print(f"draw cost 1,000 vs 3 prizes: {cost:.2f} by throughput, {cpu['draw1000'] / cpu['draw3']:.2f} by CPU "
          "(target <= 1.2)")
    ns_small, ns_large = pure_alias_ratio()
    print(f"pure alias draw: {ns_small:.0f} ns (3 prizes) vs {ns_large:.0f} ns (1,000) -> {ns_large / ns_small:.2f}")


if __name__ == "__main__":
    main()
