"""Fixtures shared by every test module (loaded by tests/conftest.py's `pytest_plugins`): real
databases per backend, a fake WeChat server, scratch Redis key spaces, and the service factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from tortoise.backends.base import executor

from bot.infra import db as dbmod
from bot.settings import DatabaseSettings
from tests.support import dbs, fakewx


@pytest.fixture(params=dbs.BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh database on each real backend (PostgreSQL, MariaDB) and on SQLite."""
    url = dbs.create(request.param, str(tmp_path))
    yield url
    dbs.drop(url)


@pytest.fixture
async def orm(db_url: str) -> AsyncIterator[str]:
    """Tortoise connected to a fresh schema on `db_url`."""
    # tortoise caches compiled INSERT/UPDATE text per connection *name* ("default"), so one process
    # switching dialects between tests would reuse another dialect's SQL; production never switches.
    executor.EXECUTOR_CACHE.clear()
    await dbmod.connect(DatabaseSettings(url=db_url))
    await dbmod.generate_schema()  # with the migrations' collations on MySQL
    yield db_url
    await dbmod.close()


@pytest.fixture(scope="module")
def fake() -> Iterator[fakewx.FakeWeChat]:
    """One fake WeChat API per test module (services started by a module share it)."""
    srv = fakewx.FakeWeChat()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def fake_wechat() -> Iterator[fakewx.FakeWeChat]:
    srv = fakewx.FakeWeChat()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
async def scratch_redis(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, Any]]:
    """(client, Keys) on a real Redis: db index from the test module's REDIS_DB (11–14 are scratch),
    a unique key prefix, and every key under that prefix deleted afterwards (never FLUSHDB)."""
    import uuid

    import redis.asyncio as aioredis

    from bot.keys import Keys

    db = getattr(request.module, "REDIS_DB", 11)
    assert 11 <= db <= 14, "tests own Redis db indexes 11-14 only"
    client = aioredis.from_url(f"{dbs.REDIS}/{db}", decode_responses=True)
    keys = Keys("t" + uuid.uuid4().hex[:10])
    yield client, keys
    async for k in client.scan_iter(match=f"{keys.p}:*", count=500):
        await client.delete(k)
    await client.aclose()
