"""Is a failure a dependency being away (database restarting, connection killed, Redis failing
over, network cut) rather than a bug? Decided here once, for the HTTP error boundary (503
`unavailable` with Retry-After instead of 500 `internal`), the group committer (no point retrying
a "race" whose connection is gone) and the database pool (drop connections a restart killed).

The answer looks through the exception's chain (`__cause__`, `__context__`, and the wrapped
driver error tortoise keeps in `args[0]`): tortoise turns asyncmy's "Lost connection" into its own
OperationalError, and a batch re-raises what a driver raised deep inside.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator

import asyncpg
from redis import exceptions as redis_errors
from tortoise.exceptions import DBConnectionError

# asyncpg: class 08 (connection exception), shutdown / starting up (57P01-57P03), too many
# connections (53300), and its client-side "the connection is closed".
PG_AWAY: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError, asyncpg.AdminShutdownError, asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)

# MySQL/MariaDB client and server codes meaning "no usable connection".
MYSQL_AWAY_CODES = frozenset({
    1040,  # ER_CON_COUNT_ERROR: too many connections
    1053,  # ER_SERVER_SHUTDOWN
    1927,  # ER_CONNECTION_KILLED
    2002, 2003,  # CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR: cannot connect
    2006, 2013,  # CR_SERVER_GONE_ERROR, CR_SERVER_LOST
    2055,  # CR_SERVER_LOST_EXTENDED
    4031,  # ER_CLIENT_INTERACTION_TIMEOUT: the server closed an idle connection
})

NETWORK_ERRNOS = frozenset({errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT,
                            errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTDOWN, errno.ENOTCONN})

AWAY_TYPES: tuple[type[BaseException], ...] = (
    ConnectionError, TimeoutError, socket.gaierror,  # refused, reset, aborted; asyncio's timeouts; DNS
    EOFError, DBConnectionError, redis_errors.ConnectionError, redis_errors.TimeoutError, *PG_AWAY)


def _chain(e: BaseException, depth: int = 8) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [e]
    while todo and len(seen) < depth:
        cur = todo.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        wrapped = cur.args[0] if cur.args and isinstance(cur.args[0], BaseException) else None
        todo.extend(x for x in (cur.__cause__, cur.__context__, wrapped) if x is not None)


def _mysql_code(e: BaseException) -> int | None:
    if type(e).__module__.startswith(("asyncmy", "pymysql")) and e.args and isinstance(e.args[0], int):
        return e.args[0]
    return None


def is_unavailable(e: BaseException) -> bool:
    """True when `e` (or what it wraps) says a dependency cannot be reached or dropped the connection."""
    for cur in _chain(e):
        if isinstance(cur, AWAY_TYPES) or _mysql_code(cur) in MYSQL_AWAY_CODES:
            return True
        if isinstance(cur, OSError) and cur.errno in NETWORK_ERRNOS:  # not a missing file
            return True
        if isinstance(cur, asyncpg.InterfaceError) and ("closed" in str(cur) or "released back" in str(cur)):
            return True  # "connection is closed", "pool is closed", or its pool was dropped after a
            # connection loss while a transaction still held it: not a misuse of the API
        if isinstance(cur, asyncpg.InternalClientError) and "another operation" in str(cur):
            return True  # a pooled connection left mid-protocol by a killed backend: dropped with the pool
        if type(cur).__name__ == "InterfaceError" and type(cur).__module__.startswith("asyncmy"):
            return True  # asyncmy's "not connected" / "already closed"
    return False
