"""Schema management with aerich: `python main.py migrate` (and the same check before `serve`).

PostgreSQL and MySQL/MariaDB use the aerich migrations under `migrations/<dialect>/` (aerich's SQL
is dialect specific, so each server dialect has its own history). SQLite, the embedded default,
creates any missing table from the models. `python main.py makemigrations` (a developer command)
writes the next migration for every server dialect against scratch databases.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from aerich import Command

from bot.infra import db
from bot.settings import DatabaseSettings

ROOT = Path(__file__).resolve().parents[2]
MIGRATION_LOCK_ID = 0x46495353  # "FISS": the PostgreSQL advisory lock key of schema upgrades
MIGRATION_LOCK_NAME = "fission-migrate"
MIGRATION_LOCK_WAIT_S = 300
log = logging.getLogger(__name__)


def location(dialect: str) -> Path:
    return ROOT / "migrations" / dialect


def has_migrations(dialect: str) -> bool:
    return any((location(dialect) / "models").glob("[0-9]*_*.py"))


async def upgrade(cfg: DatabaseSettings) -> list[str]:
    """Bring the schema up to date; safe to run any number of times. Returns what it applied."""
    if cfg.dialect == "sqlite" or not has_migrations(cfg.dialect):
        await db.connect(cfg)
        try:
            await db.generate_schema()
        finally:
            await db.close()
        return []
    async with _deployment_lock(cfg), Command(tortoise_config=db.tortoise_config(cfg, with_aerich=True),
                                              app="models", location=str(location(cfg.dialect))) as cmd:
        await cmd.init()
        applied = await cmd.upgrade(run_in_transaction=True)
    for name in applied:
        log.info("applied migration %s", name)
    return applied


@asynccontextmanager
async def _deployment_lock(cfg: DatabaseSettings) -> AsyncIterator[None]:
    """One migrating process at a time across the deployment: every host and worker runs `serve`
    or `worker`, and two of them applying the same `ALTER TABLE … ADD` at once fail the second
    ("column already exists"). A session-level advisory lock (PostgreSQL) or named lock (MySQL) on
    a connection of its own, held until the upgrade is done; the second process then finds nothing
    left to apply."""
    parts = urlsplit(cfg.url)
    if cfg.dialect == "postgres":
        import asyncpg

        conn = await asyncpg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                                     user=unquote(parts.username or "postgres"),
                                     password=unquote(parts.password or "") or None, database=parts.path.lstrip("/"))
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_ID)
            yield
        finally:
            await conn.close()  # closing the session releases the lock
        return
    import asyncmy

    conn = await asyncmy.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 3306,
                                 user=unquote(parts.username or "root"), password=unquote(parts.password or ""),
                                 database=parts.path.lstrip("/"))
    try:
        async with conn.cursor() as cur:
            await cur.execute("SELECT GET_LOCK(%s, %s)", (MIGRATION_LOCK_NAME, MIGRATION_LOCK_WAIT_S))
        yield
    finally:
        conn.close()


async def ensure_schema(cfg: DatabaseSettings) -> None:
    await upgrade(cfg)


def _scratch(dialect: str) -> str:
    name = "fxmig_" + uuid.uuid4().hex[:10]
    if dialect == "postgres":
        subprocess.run(["psql", "postgres://postgres@127.0.0.1:5432/postgres", "-qc", f"CREATE DATABASE {name}"],
                       check=True)
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-e", f"CREATE DATABASE {name} CHARACTER SET utf8mb4"],
                   check=True)
    return f"mysql://root:@127.0.0.1:3306/{name}"


def _drop_scratch(dialect: str, name: str) -> None:
    if dialect == "postgres":
        subprocess.run(["psql", "postgres://postgres@127.0.0.1:5432/postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
    else:
        subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-e", f"DROP DATABASE IF EXISTS {name}"], check=False)


async def make_migration(dialect: str, name: str = "update") -> str:
    """Write the next migration for one server dialect against a scratch database."""
    url = _scratch(dialect)
    cfg = db.tortoise_config(DatabaseSettings(url=url), with_aerich=True)
    os.makedirs(location(dialect), exist_ok=True)
    try:
        async with Command(tortoise_config=cfg, app="models", location=str(location(dialect))) as cmd:
            if not has_migrations(dialect):
                await cmd.init_db(safe=True)
                return "initial migration written"
            await cmd.init()
            await cmd.upgrade()
            await cmd.init()  # again, now that the scratch database knows the last version's model state
            return str(await cmd.migrate(name) or "no changes")
    finally:
        _drop_scratch(dialect, url.rsplit("/", 1)[1])


def make_migrations() -> None:
    """Developer command: one child process per dialect (aerich and tortoise keep global state)."""
    for dialect in ("postgres", "mysql"):
        subprocess.run([sys.executable, "-m", "bot.infra.migrate", dialect], cwd=ROOT, check=True)


if __name__ == "__main__":
    print(f"{sys.argv[1]}: {asyncio.run(make_migration(sys.argv[1]))}")
