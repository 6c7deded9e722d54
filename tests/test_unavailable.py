"""Which failures mean "a dependency is away" (503 unavailable) and which are bugs (500): the one
classification the HTTP boundary, the group committer and the pool use (bot/infra/unavailable.py); and
/readyz's RabbitMQ probe, shared and cached so polling it does not open a connection per request."""

from __future__ import annotations

import asyncio
import errno

import asyncpg
import pytest
from asyncmy import errors as mysql_errors
from redis import exceptions as redis_errors
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from bot.app import AmqpProbe
from bot.infra.unavailable import is_unavailable
from tests.support.amqpkit import AMQP_URL
from tests.support.service import free_port


def _wrapped(outer: Exception, inner: Exception) -> Exception:
    try:
        try:
            raise inner
        except Exception as e:
            raise outer from e
    except Exception as e:
        return e


@pytest.mark.parametrize("e", [
    ConnectionRefusedError(errno.ECONNREFUSED, "refused"), ConnectionResetError(), TimeoutError(),
    OSError(errno.EHOSTUNREACH, "no route"), asyncpg.AdminShutdownError("terminating connection"),
    asyncpg.CannotConnectNowError("starting up"), asyncpg.ConnectionDoesNotExistError("closed mid-way"),
    asyncpg.InterfaceError("connection is closed"), DBConnectionError("cannot connect"),
    OperationalError(mysql_errors.OperationalError(2013, "Lost connection to MySQL server during query")),
    OperationalError(mysql_errors.OperationalError(1927, "Connection was killed")),
    mysql_errors.OperationalError(2003, "Can't connect"), redis_errors.ConnectionError("down"),
    _wrapped(RuntimeError("batch failed"), ConnectionResetError()),
    # seen as a 500 in a PostgreSQL restart storm: the pool was dropped under a running batch
    asyncpg.InterfaceError("cannot call Connection.transaction(): connection has been released back to the pool"),
], ids=lambda e: type(e).__name__)
def test_connection_class_failures_are_unavailable(e: Exception) -> None:
    assert is_unavailable(e)


@pytest.mark.parametrize("e", [
    ValueError("bug"), KeyError("x"), FileNotFoundError(errno.ENOENT, "no font"), IntegrityError("dup"),
    OperationalError(mysql_errors.OperationalError(1213, "Deadlock found")),  # a race: retried, not 503
    asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
    asyncpg.UniqueViolationError("dup"), redis_errors.ResponseError("WRONGTYPE"),
], ids=lambda e: type(e).__name__)
def test_bugs_and_races_are_not(e: Exception) -> None:
    assert not is_unavailable(e)


async def test_readyz_probe_opens_one_connection_for_many_polls() -> None:
    probe = AmqpProbe(AMQP_URL, ttl_s=60)
    answers = await asyncio.gather(*[probe.problem() for _ in range(50)])
    answers += [await probe.problem() for _ in range(50)]
    assert answers == [None] * 100
    assert probe.probes == 1


async def test_readyz_probe_asks_again_after_its_ttl_and_reports_a_dead_broker() -> None:
    dead = AmqpProbe(f"amqp://guest:guest@127.0.0.1:{free_port()}/", ttl_s=0)
    assert await dead.problem() is not None
    assert await dead.problem() is not None
    assert dead.probes == 2
