"""`python -m bench all` reads each bench's printed report: the lines it parses, as the benches print them."""

from __future__ import annotations

import pytest

from bench import figures

HELP_SPLIT = """\
/healthz bare Sanic (peer)             3000/s  CPU  90.0 us/request
/healthz Fission                       2400/s  CPU 100.0 us/request (CPU ratio bare/Fission 90.0%)
floor: Fission /healthz / bare Sanic /healthz = 80%
(a) hot packet, 2000 helpers            600/s  p50  200.0 ms  p99  300.5 ms  max  310.0 ms  ok 2000 4xx 0
peer: hot help / seed design = 250.0×
ceiling: bare Sanic /healthz / seed design = 1250.0×  (what a help as cheap as ...)
(b) 10001 packets, random helpers       450/s  p50  100.0 ms  p99  200.0 ms
"""


def test_help_split_rows() -> None:
    out = figures.BenchOut("help_split")
    figures.help_split(HELP_SPLIT, out)
    rows = {r.name: r for r in out.rows}
    assert rows["Fission /healthz (the floor)"].to_bare == pytest.approx(0.80)
    hot = rows["hot help (one packet, 200 connections)"]
    assert (hot.to_bare, hot.to_fission) == (pytest.approx(0.2), pytest.approx(0.25))
    assert "p99 300 ms" in hot.extra and "250.0× the seed design" in hot.extra
    assert "(bare Sanic's /healthz: 1250.0× it)" in hot.extra


def test_soak_row() -> None:
    out = figures.BenchOut("soak")
    figures.soak("chunk  1/2: ...\nmemory: worker RSS after 1,000,123 helps / after the first chunk (100,012) = "
                 "1.03× (unique memory 1.10×; the largest over the main process's children)\n"
                 "invariants: OK over 1,000,123 helps on 100 packets (checked in 40 s)\n", out)
    (row,) = out.rows
    assert row.name == "worker memory over a 1,000,123-help soak" and row.target == "flat"
    assert row.extra == "RSS 1.03×, unique memory 1.10× from 100,012 helps to 1,000,123; invariants OK"


def test_callbacks_and_scale_rows() -> None:
    out = figures.BenchOut("wechat_callback", bare_healthz=4000)
    figures.wechat_callback("/healthz (1)   2000 req/s\n/healthz (2)   2200 req/s\n"
                            "safe-mode '帮助' (1)       800 req/s  p50 1 ms  38.1% of /healthz\n"
                            "target 帮助 (>= 40% of /healthz): NOT MET  median of 1 rounds 38.1%, p99 90 ms (x)\n", out)
    assert out.fission_healthz == 2100 and out.rows[0].to_bare == pytest.approx(0.2)
    assert out.rows[0].to_fission == pytest.approx(0.381) and out.rows[0].extra == "p99 90 ms"
    scale = figures.BenchOut("scale")
    figures.scale("cost per help at 1,000,000 / at 1,000: 1.10 by throughput, 1.05 by CPU (goal <= 1.2)\n", scale)
    assert scale.rows[0].extra == "1.10× by throughput, 1.05× by CPU"


def test_rewrite_keeps_everything_outside_the_markers() -> None:
    doc = f"# T\nbefore\n{figures.START}\nold\n{figures.END}\nafter\n"
    assert figures.rewrite(doc, "new") == f"# T\nbefore\n{figures.START}\nnew\n{figures.END}\nafter\n"
    with pytest.raises(ValueError):
        figures.rewrite("no markers", "new")
