"""`python main.py demo` on the embedded default: a whole campaign in one process (temporary SQLite,
memory:// Redis, built-in fake WeChat), exit 0, a summary table and posters on disk."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.support.config import ROOT


def row(out: str, label: str) -> str:
    m = re.search(rf"^ {re.escape(label)}\s+\| (.*)$", out, re.M)
    assert m, f"no row {label!r} in:\n{out}"
    return m.group(1).strip()


def test_demo_runs_a_whole_campaign(tmp_path: Path) -> None:
    out_dir = tmp_path / "posters"
    proc = subprocess.run([sys.executable, "main.py", "demo", "--out", str(out_dir)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "100%" in out and "Fission demo campaign" in out
    issued, shared, helped, split_out = (int(x) for x in row(out, "packets issued / shared / helped / split out")
                                         .split(" / "))
    assert (issued, shared) == (10, 8) and helped >= 1 and split_out >= 1
    assert int(row(out, "helps accepted")) > 20
    assert "self_help" in row(out, "helps refused") and "split_out" in row(out, "helps refused")
    assert int(row(out, "packets expired at day end")) >= 1
    assert row(out, "packets invalidated by a refund") == "1"
    assert int(row(out, "spent: owner + helper credits - reversals (fen)")) > 0
    draws = dict(d.split(" ") for d in row(out, "lottery draws").split(", "))
    assert sum(int(n) for n in draws.values()) == 12 * 3  # every chance drawn once
    assert int(row(out, "coupons claimed after payment")) == 4
    assert int(row(out, "template messages sent")) > 0
    due_later, dead = (int(x) for x in row(out, "outbox due at day end / dead").split(" / "))
    assert dead == 0 and due_later == int(row(out, "packets expired at day end"))
    posters = sorted(out_dir.glob("poster-*.png"))
    assert len(posters) == 3
    for p in posters:
        with Image.open(p) as im:
            assert im.format == "PNG" and im.size == (750, 1334)
