"""Throw-away databases on the real servers (PostgreSQL, MariaDB) and SQLite files."""

from __future__ import annotations

import os
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

PG = os.environ.get("FISSION_TEST_PG", "postgres://postgres@127.0.0.1:5432")
MYSQL = os.environ.get("FISSION_TEST_MYSQL", "mysql://root:@127.0.0.1:3306")
REDIS = os.environ.get("FISSION_TEST_REDIS", "redis://127.0.0.1:6379")
BACKENDS = ("postgres", "mysql", "sqlite")


def _mysql(sql: str) -> None:
    subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-P3306", "-e", sql], check=True, capture_output=True)


def create(backend: str, tmpdir: str, template: str | None = None) -> str:
    """A fresh empty database; returns its URL. On PostgreSQL, `template` (a database URL) makes it
    a copy of that database instead (CREATE DATABASE … TEMPLATE)."""
    name = "fxt_" + uuid.uuid4().hex[:12]
    if backend == "postgres":
        copy = f" TEMPLATE {template.rsplit('/', 1)[1]}" if template else ""
        subprocess.run(["psql", PG + "/postgres", "-qc", f"CREATE DATABASE {name}{copy}"], check=True,
                       capture_output=True)
        return f"{PG}/{name}"
    if backend == "mysql":
        _mysql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        return f"{MYSQL}/{name}"
    return f"sqlite://{os.path.join(tmpdir, name + '.sqlite3')}"


def drop(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    if url.startswith("postgres"):
        subprocess.run(["psql", PG + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                       capture_output=True)
    elif url.startswith("mysql"):
        subprocess.run(["mysql", "-uroot", "-h127.0.0.1", "-e", f"DROP DATABASE IF EXISTS {name}"],
                       capture_output=True)


_dropper = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fxt-drop")


def drop_later(url: str) -> None:
    """Drop the database in the background: the next test need not wait for it (see `drops_done`)."""
    _dropper.submit(drop, url)


def drops_done() -> None:
    """Wait for every database handed to `drop_later` to be dropped."""
    _dropper.shutdown(wait=True)
