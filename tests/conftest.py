"""Shared fixtures: real databases per backend, a fake WeChat server, settings for the app."""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from tortoise.backends.base import executor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bot.infra import db as dbmod
from bot.settings import DatabaseSettings, Settings  # noqa: E402
from tests import dbs, fakewx  # noqa: E402

BASE_CONFIG: dict[str, Any] = {
    "server": {"host": "127.0.0.1", "port": 8000, "workers": 1, "public_url": "http://127.0.0.1:8000",
               "secret_key": "test-secret-key-0123456789abcdef"},
    "database": {"url": "sqlite://:memory:"},
    "redis": {"url": "memory://", "prefix": "fxt"},
    "wechat": {"appid": "wxtest0000000001", "secret": "wxsecret", "token": "testtoken",
               "encoding_aes_key": "Zmlzc2lvbi10ZXN0cy1tcC1hZXMta2V5LTMyLWJ5dGU",
               "api_base": "http://127.0.0.1:1", "oauth_base": "http://127.0.0.1:1",
               "templates": {"helped": "T_HELPED", "split_out": "T_SPLIT", "expiring": "T_EXP", "issued": "T_ISSUED",
                             "prize_won": "T_PRIZE"}},
    "wecom": {"corpid": "wwtest0000000001", "agentid": 1000005, "secret": "wwsecret", "token": "testtoken",
              "encoding_aes_key": "Zmlzc2lvbi10ZXN0cy13b3JrLWFlcy1rZXktMzJieXQ", "api_base": "http://127.0.0.1:1",
              "admins": ["boss"]},
    "orders": {"secret": "order-secret-test", "amqp_url": None, "queue": "orders"},
    "payments": {"secret": "pay-secret-test"},
    "admin": {"token": "admin-token-test"},
    "campaign": {"timezone": "Asia/Shanghai", "launch_date": "2026-01-01"},
    "redpacket": {},
    "images": {"allow_hosts": ["127.0.0.1"]},  # the fake WeChat and the tests' image servers are on loopback
}


def make_config(**sections: dict[str, Any]) -> dict[str, Any]:
    cfg = copy.deepcopy(BASE_CONFIG)
    for name, values in sections.items():
        cfg.setdefault(name, {}).update(values)
    return cfg


def make_settings(**sections: dict[str, Any]) -> Settings:
    return Settings.model_validate(make_config(**sections))


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


@pytest.fixture(autouse=True, scope="session")
def composed_features() -> None:
    """The deployment's features composed once, as `main.py` does at start: the outbox's notices
    (what each kind says) are the features', so tests delivering outbox rows need them installed."""
    from bot.feature import compose
    from bot.jobs import notices
    from main import FEATURES

    notices.install(compose(FEATURES).notices)
