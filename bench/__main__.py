"""Every bench in one command, and the figures table of docs/benchmarks.md rewritten from what they printed.

    .venv/bin/python -m bench all            # the full pass (several minutes)
    .venv/bin/python -m bench all --quick    # a short pass: fewer rounds, shorter runs, smaller data
    .venv/bin/python -m bench all --no-write # print only

Each bench runs as its own process against its own 2-worker service (its full report goes to this
terminal). The bare Sanic peer (bench/peers/bare.py) runs for the whole pass: help_split measures it
in its own alternating rounds; for the other benches its /healthz is measured right before and right
after the bench and the mean is their floor. Load average and CPU steal are printed for every bench.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time

from bench import figures, machine
from bench.peers.run import ROOT, Peer
from bench.wrkhelp import run_plain

DOC = os.path.join(ROOT, "docs", "benchmarks.md")
PLANS_FILE = os.path.join(ROOT, "bench", ".plans.md")  # written by bench/scale.py, quoted in the doc
FULL: dict[str, list[str]] = {"help_split": [], "wechat_callback": [], "draw": [], "poster": [],
                              "scale": ["--explain", PLANS_FILE], "soak": []}
QUICK: dict[str, list[str]] = {
    "help_split": ["--helpers", "1000", "--packets", "1000", "--warmup", "500", "--floor-rounds", "2",
                   "--floor-seconds", "3", "--seed-seconds", "4"],
    "wechat_callback": ["--rounds", "1", "--seconds", "3", "--owners", "400"],
    "draw": ["--rounds", "1", "--seconds", "3", "--payers", "300", "--chances", "50"],
    "poster": ["--n", "3", "--seconds", "3", "--rounds", "1", "--spread", "10"],
    "scale": ["--sizes", "1000,10000", "--helpers", "400", "--explain", PLANS_FILE],
    "soak": ["--helps", "20000", "--chunk", "5000", "--packets", "10"],
}


def bare_rate(peer: Peer, seconds: int) -> float:
    return run_plain(peer.base + "/healthz", seconds=seconds, connections=200).rps


def run_one(name: str, args: list[str], peer: Peer, floor_s: int) -> figures.BenchOut:
    out = figures.BenchOut(name)
    before = None if name in ("help_split", "scale", "soak") else bare_rate(peer, floor_s)
    window, started = machine.Window.open(), time.monotonic()
    print(f"\n=== {name} {' '.join(args)}  [{machine.status_line(window)}]", flush=True)
    proc = subprocess.Popen([sys.executable, os.path.join("bench", f"{name}.py"), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout or []:  # the bench's report as it goes, and kept for its figures
        print(line, end="", flush=True)
        lines.append(line)
    if proc.wait() != 0:
        print(f"{name} exited {proc.returncode}", file=sys.stderr)
    out.seconds, out.load = time.monotonic() - started, f"load {machine.load1():.1f}, steal {window.steal():.1%}"
    if before is not None:
        out.bare_healthz = (before + bare_rate(peer, floor_s)) / 2
        print(f"bare Sanic /healthz beside it: {out.bare_healthz:.0f}/s (mean of before and after)")
    figures.PARSERS[name]("".join(lines), out)
    print(f"=== {name} done in {out.seconds:.0f} s [{out.load}]", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["all", *FULL])
    ap.add_argument("--quick", action="store_true", help="a short pass (about a minute of measuring)")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite docs/benchmarks.md")
    a = ap.parse_args(argv)
    plan = QUICK if a.quick else FULL
    names = list(plan) if a.what == "all" else [a.what]
    peer = Peer("bare")
    try:
        results = [run_one(n, plan[n], peer, 3 if a.quick else 5) for n in names]
    finally:
        peer.stop()
    command = "python -m bench " + a.what + (" --quick" if a.quick else "")
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") + f" on {os.cpu_count()} CPUs"
    body = figures.table(results, command, when)
    print("\n" + body)
    if not a.no_write and a.what == "all":
        with open(DOC, encoding="utf-8") as f:
            doc = f.read()
        doc = figures.rewrite(doc, body)
        if os.path.exists(PLANS_FILE):
            with open(PLANS_FILE, encoding="utf-8") as f:
                doc = figures.rewrite(doc, f.read().strip(), *figures.PLANS)
            os.remove(PLANS_FILE)
        with open(DOC, "w", encoding="utf-8") as f:
            f.write(doc)
        print(f"\nwritten: {DOC}")
    if os.path.exists(PLANS_FILE):  # printed only (--no-write, or one bench)
        os.remove(PLANS_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
