"""Database lifecycle: tortoise config from settings, connect, close, schema."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from typing import Any

from asyncpg.exceptions import TransactionRollbackError
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError

from bot.settings import DatabaseSettings
from models import MODEL_MODULES

log = logging.getLogger(__name__)


def _undo_a_failed_begin() -> None:
    """tortoise's pooled transaction (`in_transaction()` on PostgreSQL and MySQL) takes a connection
    from the pool and makes it the task's current transaction *before* it sends BEGIN, and undoes
    neither when BEGIN fails — as it does on a pooled connection the database killed or restarted
    under, before the process noticed. The task's every later `in_transaction()` was then a
    savepoint on that dead connection (a worker's help committer, one long-lived task, answered
    503 for good after a database restart), and the pool stayed a connection short (closing it
    then waits forever). Wrapped once, here: on a failed enter, the task's current connection is
    put back and the taken connection released (tests/test_transactions.py)."""
    from tortoise.backends.base.client import TransactionContextPooled
    from tortoise.connection import get_connections

    enter = TransactionContextPooled.__aenter__
    if getattr(enter, "undoes_a_failed_begin", False):
        return

    async def __aenter__(self: Any) -> Any:
        try:
            return await enter(self)
        except BaseException:
            token = getattr(self, "token", None)  # set right after the connection was taken
            if token is not None:
                get_connections().reset(token)
                pool = self.client._parent._pool
                if pool is not None:
                    try:
                        await pool.release(self.client._connection)
                    except Exception as e:  # the connection is dead anyway: the first error is the one to raise
                        log.warning("could not release a connection whose BEGIN failed: %r", e)
            raise

    __aenter__.undoes_a_failed_begin = True  # type: ignore[attr-defined]
    TransactionContextPooled.__aenter__ = __aenter__  # type: ignore[method-assign]


_undo_a_failed_begin()


# Errors meaning "another transaction raced this one; nothing was written, try again". tortoise
# translates MySQL deadlocks and SQLite busy errors to OperationalError, but lets asyncpg's
# TransactionRollbackError (deadlock_detected, serialization_failure) through untranslated.
RACE_ERRORS: tuple[type[BaseException], ...] = (
    IntegrityError, OperationalError, TransactionManagementError, TransactionRollbackError)

MYSQL_LOCK_CONFLICTS = (1205, 1213)  # ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK


# Every connection READ COMMITTED, PostgreSQL's default: InnoDB's REPEATABLE READ locks the gap where
# a missing key would go, so two transactions that each look up a key not there yet (two owners'
# new orders) and then insert it deadlock on each other's gap (tests/test_transactions.py).
MYSQL_READ_COMMITTED = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"


def is_lock_conflict(e: BaseException) -> bool:
    """A deadlock, lock-wait timeout or busy database: this transaction was rolled back by the
    database because another one held what it needed — retrying is right, nothing is broken."""
    if isinstance(e, TransactionRollbackError):
        return True
    if not isinstance(e, OperationalError):
        return False
    cause = e.args[0] if e.args else None
    code = cause.args[0] if isinstance(cause, Exception) and cause.args else None
    return code in MYSQL_LOCK_CONFLICTS or "database is locked" in str(e)


async def keep_session(_conn: Any) -> None:
    """asyncpg pool `reset`: nothing beyond the rollback of an open transaction, which asyncpg does
    itself before calling this. The default reset sends `SELECT pg_advisory_unlock_all(); CLOSE
    ALL; UNLISTEN *; RESET ALL;` on every release — a second round trip per query, ~7% of a
    worker's CPU on the WeChat callback path; Fission uses no advisory locks, cursors outside
    transactions, LISTEN or session settings, so there is nothing for it to undo."""


def tortoise_config(db: DatabaseSettings, *, with_aerich: bool = False) -> dict[str, Any]:
    modules = list(MODEL_MODULES) + (["aerich.models"] if with_aerich else [])
    url = db.url
    if db.dialect == "postgres":
        url += ("&" if "?" in url else "?") + f"maxsize={db.pool_max}"
    elif db.dialect == "mysql":
        url += ("&" if "?" in url else "?") + f"maxsize={db.pool_max}&charset=utf8mb4"
    connection: str | dict[str, Any] = url
    if db.dialect == "postgres" and not with_aerich:
        connection = expand_db_url(url)
        connection["credentials"].update(reset=keep_session, timeout=db.connect_timeout_s,
                                         command_timeout=db.command_timeout_s)
    elif db.dialect == "mysql" and not with_aerich:
        connection = expand_db_url(url)
        connection["credentials"].update(connect_timeout=db.connect_timeout_s, read_timeout=db.command_timeout_s)
        connection["credentials"].setdefault("init_command", MYSQL_READ_COMMITTED)  # one given in the URL wins
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": modules, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(db: DatabaseSettings) -> None:
    path = db.url.split("://", 1)[1].split("?", 1)[0]
    if path and path != ":memory:" and os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)


async def connect(db: DatabaseSettings) -> None:
    """Connect this process (and its tasks) to the database."""
    if db.dialect == "sqlite":
        _ensure_sqlite_dir(db)
    await Tortoise.init(config=tortoise_config(db), _enable_global_fallback=True)


# Share tokens compare byte for byte: MySQL's default utf8mb4 collation is case-insensitive (`AbC`
# found `abc`). The migrations say the same (migrations/mysql/models/1_*_binary_tokens.py); this is
# for a schema generated from the models, which cannot name a collation.
BINARY_TOKEN_COLUMNS_SQL = (
    "ALTER TABLE `red_packets` MODIFY `share_token` VARCHAR(43) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL",
    "ALTER TABLE `user_coupons` MODIFY `share_token` VARCHAR(43) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL",
)


async def generate_schema() -> None:
    """Create any missing table from the models (SQLite's schema, and tests'), with the column
    collations the migrations give on MySQL."""
    await Tortoise.generate_schemas(safe=True)
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "mysql":
        for sql in BINARY_TOKEN_COLUMNS_SQL:
            await conn.execute_script(sql)


async def close() -> None:
    await Tortoise.close_connections()


_last_expiry = 0.0


async def drop_pooled_connections(min_interval_s: float = 1.0) -> None:
    """After a connection-class failure (bot/infra/unavailable.py): replace every pooled connection on
    its next use, so a restarted database costs one failed request per process, not one per
    stale connection. At most once per `min_interval_s`; never raises."""
    global _last_expiry
    now = time.monotonic()
    if now - _last_expiry < min_interval_s:
        return
    _last_expiry = now
    try:
        pool: Any = getattr(Tortoise.get_connection("default"), "_pool", None)
        if hasattr(pool, "expire_connections"):  # asyncpg
            await pool.expire_connections()
        elif hasattr(pool, "clear"):  # asyncmy: close the idle ones
            await pool.clear()
    except Exception as e:  # best effort: a broken connection is also dropped when it fails
        log.warning("could not drop pooled database connections: %r", e)


async def ping() -> None:
    conn = Tortoise.get_connection("default")
    await conn.execute_query("SELECT 1")


async def insert_rows(conn: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert plain rows in one executemany, converting values as tortoise does for `model`.

    For hot paths: no model objects are built. Each row gives every non-generated column by its
    field name (e.g. "packet_id"); the INSERT text and the conversions are tortoise's own.
    """
    if not rows:
        return
    executor = conn.executor_class(model=model, db=conn)
    fields = model._meta.fields_map
    columns = executor.regular_columns
    values = [[fields[c].to_db_value(r[c], model) for c in columns] for r in rows]
    await conn.execute_many(executor.insert_query, values)


def pg_unnest_insert(conn: Any, model: Any, rows: list[dict[str, Any]], args: list[Any]) -> str:
    """PostgreSQL: `INSERT INTO t (cols) SELECT * FROM unnest($i::type[], …)` for plain rows (as
    `insert_rows` takes them), one array parameter per column appended to `args` — a batch in one
    statement whose text does not depend on the row count (asyncpg prepares it once), usable
    inside a data-modifying CTE."""
    fields = model._meta.fields_map
    columns = conn.executor_class(model=model, db=conn).regular_columns
    casts = []
    for c in columns:
        f = fields[c]
        args.append([f.to_db_value(r[c], model) for r in rows])
        casts.append(f"${len(args)}::{f.get_for_dialect('postgres', 'SQL_TYPE')}[]")
    names = ", ".join(f'"{model._meta.fields_db_projection[c]}"' for c in columns)
    return f'INSERT INTO "{model._meta.db_table}" ({names}) SELECT * FROM unnest({", ".join(casts)})'


def pg_unnest_add(model: Any, column: str, amounts: Mapping[int, int], sign: int, args: list[Any]) -> str:
    """PostgreSQL: `UPDATE t SET column = column + sign*k` for every (id, k) of `amounts`, rows taken
    in id order, a decrement only where column >= k; RETURNING the ids moved. Two array parameters
    appended to `args`; usable inside a data-modifying CTE."""
    ids = sorted(amounts)
    args.extend([ids, [sign * amounts[i] for i in ids]])
    col = model._meta.fields_db_projection[column]
    guard = f' AND t."{col}" + v.k >= 0' if sign < 0 else ""
    return (f'UPDATE "{model._meta.db_table}" AS t SET "{col}" = t."{col}" + v.k '
            f"FROM unnest(${len(args) - 1}::BIGINT[], ${len(args)}::BIGINT[]) AS v(id, k) "
            f"WHERE t.id = v.id{guard} RETURNING t.id")
