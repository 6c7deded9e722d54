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
import sys
import subprocess
import uuid
from pathlib import Path

from aerich import Command
from tortoise import Tortoise

from bot import db
from bot.settings import DatabaseSettings

ROOT = Path(__file__).resolve().parent.parent
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
            await Tortoise.generate_schemas(safe=True)
        finally:
            await db.close()
        return []
    async with Command(tortoise_config=db.tortoise_config(cfg, with_aerich=True), app="models",
                       location=str(location(cfg.dialect))) as cmd:
        await cmd.init()
        applied = await cmd.upgrade(run_in_transaction=True)
    for name in applied:
        log.info("applied migration %s", name)
    return applied


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
            await cmd.init()  # aerich reads the last applied state at init: the scratch db had none before upgrade
            return str(await cmd.migrate(name) or "no changes")
    finally:
        _drop_scratch(dialect, url.rsplit("/", 1)[1])


def make_migrations() -> None:
    """Developer command: one child process per dialect (aerich and tortoise keep global state)."""
    for dialect in ("postgres", "mysql"):
        subprocess.run([sys.executable, "-m", "bot.migrate", dialect], cwd=ROOT, check=True)


if __name__ == "__main__":
    print(f"{sys.argv[1]}: {asyncio.run(make_migration(sys.argv[1]))}")
