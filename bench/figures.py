"""The figures `python -m bench all` collects from each bench's printed report, and the table it
writes into docs/benchmarks.md. Pure: text in, figures and text out.

Every figure is a ratio measured in one run: a path's rate over Fission's own /healthz measured
by the same bench beside it, and over a bare Sanic /healthz (bench/peers/bare.py) — measured by
help_split in alternating rounds, and for the other benches right before and right after the
bench (their mean).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

START, END = "<!-- figures:start -->", "<!-- figures:end -->"
PLANS = ("<!-- plans:start -->", "<!-- plans:end -->")


@dataclass
class Row:
    name: str
    to_bare: float | None  # the path's rate / bare Sanic /healthz
    to_fission: float | None  # the path's rate / Fission's /healthz in the same bench
    extra: str = ""  # p99, a multiple, ...
    target: str = ""


@dataclass
class BenchOut:
    """What one bench said, and the machine while it ran."""

    name: str
    rows: list[Row] = field(default_factory=list)
    fission_healthz: float | None = None
    bare_healthz: float | None = None
    load: str = ""
    seconds: float = 0.0


def _num(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text, re.M)
    return float(m.group(1).replace(",", "")) if m else None


def _all(pattern: str, text: str) -> list[float]:
    return [float(x) for x in re.findall(pattern, text, re.M)]


def help_split(text: str, out: BenchOut) -> None:
    bare = _num(r"^/healthz bare Sanic \(peer\)\s+(\d+)/s", text)
    fx = _num(r"^/healthz Fission\s+(\d+)/s", text)
    out.bare_healthz, out.fission_healthz = bare, fx
    floor = _num(r"^floor: Fission /healthz / bare Sanic /healthz = (\d+)%", text)
    out.rows.append(Row("Fission /healthz (the floor)", None if floor is None else floor / 100, 1.0,
                        target=">= 85% of bare"))
    hot = re.search(r"^\(a\) hot packet.*?\s(\d+)/s\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms", text, re.M)
    peer = _num(r"^peer: hot help / seed design = ([\d.]+)×", text)
    ceiling = _num(r"^ceiling: bare Sanic /healthz / seed design = ([\d.]+)×", text)
    if hot and bare and fx:
        rate, p99 = float(hot.group(1)), float(hot.group(3))
        extra = f"p99 {p99:.0f} ms" + (f"; {peer:.1f}× the seed design" if peer else "")
        if ceiling:
            extra += f" (bare Sanic's /healthz: {ceiling:.1f}× it)"
        out.rows.append(Row("hot help (one packet, 200 connections)", rate / bare, rate / fx, extra,
                            ">= 15% of bare, p99 <= 100 ms, >= 150× seed"))
    many = _num(r"^\(b\) .*?\s(\d+)/s\s+p50", text)
    if many and bare and fx:
        out.rows.append(Row("help, many packets, random helpers", many / bare, many / fx))


def wechat_callback(text: str, out: BenchOut) -> None:
    health = _all(r"^/healthz \(\d+\)\s+(\d+) req/s", text)
    out.fission_healthz = statistics.median(health) if health else None
    for word, target in (("帮助", ">= 30% of bare"), ("红包", ">= 25% of bare")):
        rates = _all(rf"^safe-mode '{word}' \(\d+\)\s+(\d+) req/s.*of /healthz", text)
        ratio = _num(rf"^target {word} .*?median of \d+ rounds ([\d.]+)%", text)
        p99 = _num(rf"^target {word} .*?median of \d+ rounds [\d.]+%, p99 (\d+) ms", text)
        if rates:
            rate = statistics.median(rates)
            out.rows.append(Row(f"callback {word} (safe mode)", _over(rate, out.bare_healthz),
                                None if ratio is None else ratio / 100, f"p99 {p99:.0f} ms" if p99 else "", target))


def draw(text: str, out: BenchOut) -> None:
    out.fission_healthz = _num(r"^/healthz:\s+(\d+) req/s", text)
    for label, name in (("draw, 3 prizes", "draw, 3 prizes"), ("draw, 1,000 prizes", "draw, 1,000 prizes")):
        m = re.search(rf"^{re.escape(label)}:\s+(\d+) draws/s.*?= ([\d.]+)% of /healthz", text, re.M)
        if m:
            out.rows.append(Row(name, _over(float(m.group(1)), out.bare_healthz), float(m.group(2)) / 100,
                                target=">= 20% of bare"))


def poster(text: str, out: BenchOut) -> None:
    health = _all(r"^/healthz\s+(\d+) req/s", text)
    cached = _all(r"^poster, cached \(200 \+ PNG\)\s+(\d+) req/s", text)
    out.fission_healthz = statistics.median(health) if health else None
    if cached:
        rate = statistics.median(cached)
        out.rows.append(Row("cached poster (200 + PNG)", _over(rate, out.bare_healthz),
                            _over(rate, out.fission_healthz), target=">= 40% of bare"))


def scale(text: str, out: BenchOut) -> None:
    for m in re.finditer(r"^cost per help at ([\d,]+) / at ([\d,]+): ([\d.]+) by throughput, ([\d.]+) by CPU", text,
                         re.M):
        out.rows.append(Row(f"cost per help, {m.group(1)} vs {m.group(2)} stored", None, None,
                            f"{m.group(3)}× by throughput, {m.group(4)}× by CPU", "<= 1.2×"))


def soak(text: str, out: BenchOut) -> None:
    m = re.search(r"^memory: worker RSS after ([\d,]+) helps / after the first chunk \(([\d,]+)\) = ([\d.]+)× "
                  r"\(unique memory ([\d.]+)×", text, re.M)
    if m:
        checked = re.search(r"^invariants: OK over ([\d,]+) helps", text, re.M)
        out.rows.append(Row(f"worker memory over a {m.group(1)}-help soak", None, None,
                            f"RSS {m.group(3)}×, unique memory {m.group(4)}× from {m.group(2)} helps to {m.group(1)}"
                            + ("; invariants OK" if checked else ""), "flat"))


PARSERS = {"help_split": help_split, "wechat_callback": wechat_callback, "draw": draw, "poster": poster, "scale": scale,
           "soak": soak}


def _over(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def table(benches: list[BenchOut], command: str, when: str) -> str:
    lines = [f"Measured {when} with `{command}`; every ratio is from one run of its bench.", "",
             "| path | / bare Sanic /healthz | / Fission /healthz | also | goal | bench (load, steal) |",
             "|---|---:|---:|---|---|---|"]
    for b in benches:
        for r in b.rows:
            lines.append(f"| {r.name} | {_pct(r.to_bare)} | {_pct(r.to_fission)} | {r.extra} | {r.target} | "
                         f"{b.name} ({b.load}) |")
    lines += ["", "| bench | bare Sanic /healthz | Fission /healthz | took |", "|---|---:|---:|---:|"]
    for b in benches:
        bare = "–" if b.bare_healthz is None else f"{b.bare_healthz:,.0f}/s"
        fx = "–" if b.fission_healthz is None else f"{b.fission_healthz:,.0f}/s"
        lines.append(f"| {b.name} | {bare} | {fx} | {b.seconds:.0f} s |")
    return "\n".join(lines)


def rewrite(doc: str, body: str, start: str = START, end: str = END) -> str:
    """`doc` with the text between the markers replaced by `body` (markers kept)."""
    head, sep, rest = doc.partition(start)
    if not sep or end not in rest:
        raise ValueError(f"markers {start} / {end} not found")
    return f"{head}{start}\n{body}\n{end}{rest.split(end, 1)[1]}"
