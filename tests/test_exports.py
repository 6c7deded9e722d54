"""CSV exports: UTF-8 with BOM, campaign-timezone day ranges, formula-safe cells, every kind from
the API and the page — and a large ledger streamed with bounded memory by the real service on
PostgreSQL (rows seeded with one INSERT … SELECT generate_series; the worker's RSS read from /proc).

FISSION_EXPORT_ROWS sets the ledger size (default 200000 for the suite; run it with 1000000 for the
million-row figure in docs/admin.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing
from zoneinfo import ZoneInfo

import httpx
import pytest

from models.export_rules import BOM, cell, day_range, range_of
from tests.support import fakewx
from tests.support.helpstorm import share_tokens
from tests.support.paykit import admin_client
from tests.support.service import Phone, Service, login

SH = ZoneInfo("Asia/Shanghai")
ROWS = int(os.environ.get("FISSION_EXPORT_ROWS", "200000"))
RSS_GROWTH_BOUND_KB = 64 * 1024  # streamed pages stay far below; holding every row would not


# ---- pure pieces ------------------------------------------------------------------------------


def test_days_are_campaign_days() -> None:
    start, end = day_range(dt.date(2026, 12, 1), dt.date(2026, 12, 2), SH)
    assert (start, end) == (dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC), dt.datetime(2026, 12, 2, 16, tzinfo=dt.UTC))
    today = dt.date(2026, 12, 4)
    assert range_of("", "", SH, today, []) == day_range(today, today, SH)
    assert range_of("2026-12-01", "", SH, today, []) == day_range(dt.date(2026, 12, 1), today, SH)
    problems: list[str] = []
    assert range_of("2026-12-05", "2026-12-01", SH, today, problems) is None and problems == [
        "to must not be before from"]
    problems = []
    assert range_of("yesterday", "2026-02-30", SH, today, problems) is None and len(problems) == 2


def test_cells_are_spreadsheet_safe() -> None:
    assert cell("=HYPERLINK(\"http://x\")", SH) == "'=HYPERLINK(\"http://x\")"
    assert [cell(v, SH) for v in ("+1", "-2", "@A1", "保温杯")] == ["'+1", "'-2", "'@A1", "保温杯"]
    assert (cell(-100, SH), cell(None, SH), cell(True, SH)) == (-100, "", "true")
    assert cell(dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC), SH) == "2026-12-02 00:30:00"


# ---- the service ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def svc() -> Iterator[Service]:
    fake = fakewx.FakeWeChat()
    fake.start()
    s = Service(fake.url, workers=1, redis_db=7)
    yield s
    s.stop()
    fake.stop()


def psql(svc: Service, sql: str) -> str:
    return subprocess.run(["psql", svc.db_url, "-qtAc", sql], capture_output=True, text=True, check=True).stdout.strip()


def read_csv(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_packets_export_from_the_api_and_the_page(svc: Service) -> None:
    goods = "=HYPERLINK(\"http://evil\",\"点我\") 保温杯"
    packet = svc.order_event(openid="o-exp-" + uuid.uuid4().hex[:6], goods_name=goods).json()["packet"]
    today = dt.datetime.now(SH).date().isoformat()
    with admin_client(svc) as api:
        r = api.get("/admin/api/exports/packets", params={"from": today, "to": today})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert f'filename="packets_{today}_{today}.csv"' in r.headers["content-disposition"]
        rows = read_csv(r.content)
        assert rows[0][:3] == ["id", "owner_openid", "goods_name"]
        mine = [row for row in rows[1:] if row[0] == str(packet["id"])]
        assert mine and mine[0][2] == "'" + goods and mine[0][6] == "to_share"
        assert api.get("/admin/api/exports/packets", params={"from": "2020-01-01", "to": "2020-01-01"}).content == (
            BOM + ",".join(rows[0]) + "\r\n").encode()
        assert api.get("/admin/api/exports/nothing").status_code == 404
        bad = api.get("/admin/api/exports/packets", params={"from": "2026-12-05", "to": "2026-12-01"})
        assert bad.status_code == 400 and "to must not be before from" in bad.json()["message"]
    assert httpx.get(f"{svc.base}/admin/api/exports/packets", timeout=30).status_code == 401
    assert httpx.get(f"{svc.base}/admin/export", params={"kind": "packets"}, timeout=30).status_code == 401
    with Phone(base_url=svc.base, timeout=30, follow_redirects=False) as page:
        assert page.post("/admin/login", data={"token": svc.config["admin"]["token"]}).status_code == 303
        html = page.get("/admin").text
        assert 'action="/admin/export"' in html and 'value="ledger"' in html
        assert read_csv(page.get("/admin/export", params={"kind": "packets"}).content) == rows


@pytest.mark.parametrize("kind", ["helps", "ledger", "draws", "coupons", "audit"])
def test_every_kind_has_its_header(svc: Service, kind: str) -> None:
    with admin_client(svc) as api:
        api.post("/admin/api/blacklist", json={"openid": "o-exp-" + uuid.uuid4().hex[:6]})  # an audit row today
        rows = read_csv(api.get(f"/admin/api/exports/{kind}").content)
    assert rows[0][0] in ("id",) and len(rows[0]) >= 7
    if kind == "audit":
        assert len(rows) >= 2 and rows[1][4] == "api" and rows[1][6] == "admin.add_blacklist"


def test_a_help_is_exported_with_the_settings_version_it_was_decided_under(svc: Service) -> None:
    (token,) = share_tokens(svc, 1, "o-exp")
    helper = "o-exph-" + uuid.uuid4().hex[:6]
    with closing(login(svc.base, helper)) as phone:
        helped = phone.post(f"/api/share/{token}/help").json()
    with admin_client(svc) as api:
        head, *rows = read_csv(api.get("/admin/api/exports/helps").content)
    mine = [dict(zip(head, row, strict=True)) for row in rows if row[head.index("helper_openid")] == helper]
    assert [(r["amount_fen"], r["settings_version"]) for r in mine] == [
        (str(helped["amount"]), str(helped["settings_version"]))]
    assert helped["settings_version"] >= 1


def tree(pid: int) -> list[int]:
    """`pid` and its descendants (Sanic's manager and its worker processes)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = map(int, line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def rss_kb(pids: list[int], field: str) -> int:
    """The sum of `field` (VmRSS now, VmHWM the peak) over the service's processes."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            total += next(int(line.split()[1]) for line in f if line.startswith(field + ":"))
    return total


def seed_ledger(svc: Service, n: int, day: dt.date) -> int:
    """`n` ledger rows on `day` (Shanghai) for one user, in one statement; returns their sum."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SH).astimezone(dt.UTC).isoformat()
    psql(svc, "INSERT INTO users (openid, nickname, avatar, created_at, updated_at) "
              "VALUES ('o-ledger-seed', '种子用户', '', now(), now())")
    psql(svc, "INSERT INTO ledger_entries (user_id, amount_fen, kind, ref, packet_id, created_at) "
              "SELECT (SELECT id FROM users WHERE openid = 'o-ledger-seed'), g % 997 + 1, 'help_owner', "
              f"'seed:' || g, g, '{start}'::timestamptz + g * interval '50 ms' FROM generate_series(1, {n}) g")
    return int(psql(svc, "SELECT sum(amount_fen) FROM ledger_entries WHERE ref LIKE 'seed:%'"))


@pytest.mark.slow
def test_a_large_ledger_streams_with_bounded_memory(svc: Service) -> None:
    day = dt.date(2026, 3, 1)  # 50 ms apart: up to 1.7M rows fit in the day
    total = seed_ledger(svc, ROWS, day)
    pid = tree(svc.proc.pid)  # the main process, Sanic's manager and the worker
    with admin_client(svc) as api:
        api.get("/admin/api/exports/ledger", params={"from": "2026-02-01", "to": "2026-02-01"})  # warm up
        before_kb = rss_kb(pid, "VmRSS")
        count, amount, header, sampled_kb = 0, 0, None, before_kb
        that_day = {"from": day.isoformat(), "to": day.isoformat()}  # other tests' helps write today's ledger
        with api.stream("GET", "/admin/api/exports/ledger", params=that_day, timeout=600) as r:
            assert r.status_code == 200
            lines = (line for line in r.iter_lines())
            header = next(lines)
            for line in lines:
                if line:
                    fields = line.split(",")
                    count += 1
                    amount += int(fields[3])
                    if count % 20000 == 0:
                        sampled_kb = max(sampled_kb, rss_kb(pid, "VmRSS"))
        peak_kb = max(rss_kb(pid, "VmHWM"), sampled_kb)
    assert header == BOM + "id,user_openid,kind,amount_fen,ref,packet_id,created_at"
    assert (count, amount) == (ROWS, total)
    growth_kb = peak_kb - before_kb
    print(f"exported {count} ledger rows; service RSS before {before_kb} kB, peak {peak_kb} kB, "
          f"growth {growth_kb} kB")
    assert growth_kb < RSS_GROWTH_BOUND_KB
