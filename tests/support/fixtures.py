"""Fixtures shared by every test module (loaded by tests/conftest.py's `pytest_plugins`): real
databases per backend, a fake WeChat server, scratch Redis key spaces, the service factory, an
in-process app, a browser."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from tortoise.backends.base import executor

from bot.infra import db as dbmod
from bot.settings import DatabaseSettings
from tests.support import dbs, fakewx
from tests.support.service import Service, free_port


def _one_default_tls_context() -> None:
    """httpx builds a fresh default SSL context for every client it makes — certifi's CA bundle
    parsed again, 20 ms of CPU — and `httpx.get` makes a client per call. The suite makes
    thousands of clients, nearly all for plain HTTP to loopback, so the default context is built
    once here and shared (an SSLContext is meant to be shared); any other `verify` is untouched."""
    from httpx._transports import default as transport

    build = transport.create_ssl_context
    shared = build()

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        if verify is True and cert is None and trust_env:
            return shared
        return build(verify=verify, cert=cert, trust_env=trust_env)

    transport.create_ssl_context = create_ssl_context


_one_default_tls_context()


@pytest.fixture(scope="session", autouse=True)
def _databases_dropped() -> Iterator[None]:
    yield
    dbs.drops_done()


@pytest.fixture(scope="session")
def pg_schema_template() -> Iterator[str]:
    """A PostgreSQL database holding the models' schema, made once per test process: each `orm`
    test on PostgreSQL gets a copy of it (CREATE DATABASE … TEMPLATE) instead of building the
    schema again (~0.3 s a test)."""
    url = dbs.create("postgres", tempfile.gettempdir())

    async def build() -> None:
        executor.EXECUTOR_CACHE.clear()
        await dbmod.connect(DatabaseSettings(url=url))
        await dbmod.generate_schema()
        await dbmod.close()

    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever the calling test runs in
        pool.submit(asyncio.run, build()).result()
    yield url
    dbs.drop(url)


_WITH_SCHEMA: set[str] = set()  # databases made from pg_schema_template


@pytest.fixture(params=dbs.BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh database on each real backend (PostgreSQL, MariaDB) and on SQLite; for an `orm` test
    on PostgreSQL, one that has the schema already."""
    template = None
    if request.param == "postgres" and "orm" in request.fixturenames:
        template = request.getfixturevalue("pg_schema_template")
    url = dbs.create(request.param, str(tmp_path), template=template)
    if template:
        _WITH_SCHEMA.add(url)
    yield url
    _WITH_SCHEMA.discard(url)
    dbs.drop_later(url)


@pytest.fixture
async def orm(db_url: str) -> AsyncIterator[str]:
    """Tortoise connected to a fresh schema on `db_url`."""
    # tortoise caches compiled INSERT/UPDATE text per connection *name* ("default"), so one process
    # switching dialects between tests would reuse another dialect's SQL; production never switches.
    executor.EXECUTOR_CACHE.clear()
    await dbmod.connect(DatabaseSettings(url=db_url))
    if db_url not in _WITH_SCHEMA:
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


class ServiceFactory:
    """Starts services (`python main.py serve`, tests/support/service.py) on a fake WeChat and stops
    every one it started when its fixture ends; `factory(**kw)` takes Service's keyword arguments."""

    def __init__(self, fake_url: str):
        self.fake_url = fake_url
        self.started: list[Service] = []

    def __call__(self, **kw: Any) -> Service:
        svc = Service(kw.pop("fake_url", self.fake_url), **kw)
        self.started.append(svc)
        return svc

    def stop_all(self) -> None:
        while self.started:
            self.started.pop().stop()


@pytest.fixture(scope="module")
def start_service(fake: fakewx.FakeWeChat) -> Iterator[ServiceFactory]:
    """The service factory: services started through it share the module's fake WeChat and live
    until the module's tests are done (a test that needs its own stops it with `svc.stop()`)."""
    factory = ServiceFactory(fake.url)
    yield factory
    factory.stop_all()


@pytest.fixture
def local_app(tmp_path: Any) -> Iterator[Callable[..., tuple[Any, Any]]]:
    """Build an in-process app (call with config sections); yields (client, MpServer-for-signing)."""
    import asyncio

    from sanic_testing.reusable import ReusableClient

    from bot.infra import migrate
    from main import build_app
    from tests.support.config import make_settings
    from tests.support.wxclient import MpServer

    clients: list[Any] = []

    def build(**sections: Any) -> tuple[Any, MpServer]:
        sections.setdefault("database", {"url": f"sqlite://{tmp_path}/cb-{len(clients)}.sqlite3"})
        sections.setdefault("redis", {"url": f"{dbs.REDIS}/12", "prefix": "fxcb" + uuid.uuid4().hex[:6]})
        settings = make_settings(server={"port": free_port()}, **sections)
        asyncio.run(migrate.upgrade(settings.database))
        client = ReusableClient(build_app(settings, name="cb" + uuid.uuid4().hex[:10]), port=free_port())
        client.run()
        clients.append(client)
        wx = settings.wechat
        return client, MpServer("", wx.token, wx.encoding_aes_key or "A" * 43, wx.appid)

    yield build
    for client in clients:
        client.stop()


@pytest.fixture
async def rl() -> AsyncIterator[tuple[Any, Any]]:
    """(client, Keys) for the rate limiter's tests: a scratch key space on Redis db 4, deleted afterwards."""
    import redis.asyncio as aioredis

    from bot.keys import Keys

    client = aioredis.from_url(f"{dbs.REDIS}/4", decode_responses=True)
    keys = Keys("trl" + uuid.uuid4().hex[:8])
    yield client, keys
    async for k in client.scan_iter(match=f"{keys.p}:*", count=500):
        await client.delete(k)
    await client.aclose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium (playwright) for the module's page tests; skipped where none is installed."""
    from tests.support.adminkit import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing: run scripts/install_browser.sh")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True, scope="session")
def composed_features() -> None:
    """The deployment's features composed once, as `main.py` does at start: the outbox's notices
    (what each kind says) are the features', so tests delivering outbox rows need them installed."""
    from bot.feature import compose
    from bot.jobs import notices
    from main import FEATURES

    notices.install(compose(FEATURES).notices)
