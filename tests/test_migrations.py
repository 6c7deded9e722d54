"""aerich migrations: `main.py migrate` builds the schema on PostgreSQL and MariaDB from the
committed migration files, is idempotent, and the use cases run on the result."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tortoise import Tortoise
from tortoise.backends.base import executor

from bot.infra import db as dbmod
from bot.infra.migrate import has_migrations
from bot.settings import DatabaseSettings
from tests.support import dbs
from tests.support.config import ROOT, make_config


@pytest.mark.parametrize("backend", ["postgres", "mysql"])
def test_migrate_twice_then_use_the_schema(backend: str, tmp_path: Path) -> None:
    assert has_migrations(backend), "migrations/<dialect>/models must be committed"
    url = dbs.create(backend, str(tmp_path))
    try:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(yaml.safe_dump(make_config(database={"url": url})))
        for _ in range(2):
            r = subprocess.run([sys.executable, "main.py", "migrate", "--config", str(cfg)], cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, r.stderr[-2000:]
        asyncio.run(_use(url, len(list((Path(ROOT) / "migrations" / backend / "models").glob("[0-9]*_*.py")))))
    finally:
        dbs.drop(url)


async def _use(url: str, migrations: int) -> None:
    from handlers.redpacket.commit import HelpAttempt, commit_batch
    from tests.support.storage import NOW, ctx, issue, users

    executor.EXECUTOR_CACHE.clear()
    await dbmod.connect(DatabaseSettings(url=url))
    try:
        conn = Tortoise.get_connection("default")
        _n, rows = await conn.execute_query("SELECT COUNT(*) AS n FROM aerich")
        assert list(rows[0].values())[0] == migrations  # each committed migration applied, once
        p = await issue()
        (u,) = await users(1)
        # at the clock the packet was issued with (created_at is the wall clock: a help at it
        # failed as "expired" once the day passed NOW + the packet's ttl)
        out = await commit_batch([HelpAttempt(p.id, u.id, u.openid)], ctx(), NOW)
        assert out[0].error is None
    finally:
        await dbmod.close()


@pytest.mark.parametrize("backend", ["postgres", "mysql"])
def test_processes_starting_together_migrate_once(backend: str, tmp_path: Path) -> None:
    """Every host and worker of a deployment migrates at start: three at once on a fresh database
    all succeed (without a deployment-wide lock the later ones re-ran `ALTER TABLE … ADD` and died
    with "column already exists"), and each migration is recorded once."""
    url = dbs.create(backend, str(tmp_path))
    try:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(yaml.safe_dump(make_config(database={"url": url})))
        procs = [subprocess.Popen([sys.executable, "main.py", "migrate", "--config", str(cfg)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        for p in procs:
            _out, err = p.communicate(timeout=180)
            assert p.returncode == 0, err[-2000:]
        committed = len(list((Path(ROOT) / "migrations" / backend / "models").glob("[0-9]*_*.py")))
        asyncio.run(_count_applied(url, committed))
    finally:
        dbs.drop(url)


async def _count_applied(url: str, expected: int) -> None:
    executor.EXECUTOR_CACHE.clear()
    await dbmod.connect(DatabaseSettings(url=url))
    try:
        _n, rows = await Tortoise.get_connection("default").execute_query("SELECT COUNT(*) AS n FROM aerich")
        assert list(rows[0].values())[0] == expected
    finally:
        await dbmod.close()
