"""Revocable sessions (bot/web/session_epochs.py) on the real service: 2 processes, PostgreSQL, Redis.
A copied session cookie — stolen from a phone, or held by a user an admin has just blacklisted —
must stop working on every process the moment the session is revoked."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from itsdangerous import URLSafeTimedSerializer

from bot.errors import FissionError
from bot.keys import Keys
from bot.web.session import SESSION_COOKIE
from bot.web.session_epochs import SessionEpochs, epoch_key
from models.user import User
from tests.support import dbs, fakewx
from tests.support.service import Service, free_port, login
from tests.support.wxclient import fixture_xml, unique_msg_id, work_server

TRIES = 6  # requests per check: both processes answer some


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    service = Service(fake.url, workers=2, redis_db=14)
    yield service
    service.stop()


def signed_in(svc: Service, openid: str) -> str:
    """A phone signs in through OAuth; its session cookie's value."""
    phone = login(svc.base, openid)
    try:
        return str(phone.cookies.get(SESSION_COOKIE))
    finally:
        phone.close()


def statuses(svc: Service, cookie: str) -> set[int]:
    """What /api/packets answers a client presenting `cookie`, TRIES times."""
    with httpx.Client(base_url=svc.base, timeout=10) as c:
        return {c.get("/api/packets", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}).status_code
                for _ in range(TRIES)}


def test_logout_voids_every_copy_of_every_session_of_the_user(svc: Service) -> None:
    """Attack: a session cookie copied off a phone keeps working after its owner signs out. After
    POST /api/logout that copy — and the user's other devices' cookies — get 401 on every process;
    the browser's cookie is cleared; signing in again works."""
    openid = "o-out-" + uuid.uuid4().hex[:8]
    phone, other_device = login(svc.base, openid), signed_in(svc, openid)
    stolen = str(phone.cookies.get(SESSION_COOKIE))
    assert statuses(svc, stolen) == {200} and statuses(svc, other_device) == {200}
    out = phone.post("/api/logout")
    assert out.status_code == 200 and out.json() == {"logged_out": True}
    assert SESSION_COOKIE in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    phone.close()
    assert statuses(svc, stolen) == {401} and statuses(svc, other_device) == {401}
    assert statuses(svc, signed_in(svc, openid)) == {200}


def test_logout_without_a_session_only_clears(svc: Service) -> None:
    r = httpx.post(f"{svc.base}/api/logout", timeout=10)
    assert r.status_code == 200 and r.json() == {"logged_out": False}


def test_blacklisting_voids_the_users_sessions(svc: Service) -> None:
    """Attack: a user the admin blacklists (through the API or WeCom's `block`) keeps acting on a
    session signed before. Their old cookies get 401 on every process; someone else's still work."""
    by_api, by_wecom, bystander = ("o-bl-" + uuid.uuid4().hex[:8] for _ in range(3))
    cookies = {o: signed_in(svc, o) for o in (by_api, by_wecom, bystander)}
    admin = {"Authorization": f"Bearer {svc.config['admin']['token']}"}
    assert httpx.post(f"{svc.base}/admin/api/blacklist", json={"openid": by_api}, headers=admin,
                      timeout=10).status_code == 201
    work = work_server(svc.base, svc.config)
    reply = work.send(fixture_xml("wecom_text_block.xml", Content=f"block {by_wecom}", MsgId=unique_msg_id()))
    assert reply.fields["Content"] == f"已拉黑 {by_wecom}"
    assert statuses(svc, cookies[by_api]) == {401} and statuses(svc, cookies[by_wecom]) == {401}
    assert statuses(svc, cookies[bystander]) == {200}


def test_a_cookie_signed_before_epochs_counts_as_epoch_zero(svc: Service) -> None:
    """Sessions signed before this change carry no epoch: they work until the user's first bump."""
    openid = "o-old-" + uuid.uuid4().hex[:8]
    serializer = URLSafeTimedSerializer(svc.config["server"]["secret_key"], salt="fx-session")
    current = serializer.loads(signed_in(svc, openid))
    legacy = serializer.dumps({"u": current["u"], "o": current["o"]})
    assert statuses(svc, legacy) == {200}
    admin = {"Authorization": f"Bearer {svc.config['admin']['token']}"}
    httpx.post(f"{svc.base}/admin/api/blacklist", json={"openid": openid}, headers=admin, timeout=10)
    assert statuses(svc, legacy) == {401}


# ---- the epoch cache on its own (each database backend, real Redis db 14) ----------------------


@pytest.fixture
async def epochs(orm: str) -> AsyncIterator[tuple[SessionEpochs, Any]]:
    client = aioredis.from_url(f"{dbs.REDIS}/14", decode_responses=True)
    keys = Keys("tse" + uuid.uuid4().hex[:8])
    yield SessionEpochs(client, keys), client
    async for k in client.scan_iter(match=f"{keys.p}:*", count=500):
        await client.delete(k)
    await client.aclose()


async def test_a_late_reader_never_undoes_a_bump(epochs: tuple[SessionEpochs, Any]) -> None:
    """Race: a reader reads the database (epoch 0), a bump commits and raises the cache to 1, then
    the reader caches its 0. The cached 1 stays — the revoked cookies stay revoked."""
    store, client = epochs
    user = await User.create(openid="o-race-" + uuid.uuid4().hex[:6])
    assert await store.current(user.id) == 0
    await store.bump(user.openid)
    key = epoch_key(store.keys, user.id)
    await store._fill({key: 0})  # noqa: SLF001 - the late reader's write-back
    await store._set_max(keys=[key], args=[0, 60])  # noqa: SLF001 - nor a lower raise
    assert await client.get(key) == "1" and await store.current(user.id) == 1
    await client.delete(key)  # lost from Redis: the database answers
    assert await store.current(user.id) == 1 and await client.get(key) == "1"


async def test_redis_down_reads_the_database_and_a_bump_is_refused_503(orm: str) -> None:
    """Redis down: every read goes to the database (no cookie passes on a stale epoch); a bump
    writes the database, then answers 503 (its cached value could not be raised: retry)."""
    down = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/0", decode_responses=True)
    store = SessionEpochs(down, Keys("x"))
    user = await User.create(openid="o-down-" + uuid.uuid4().hex[:6])
    with pytest.raises(FissionError) as refused:
        await store.bump(user.openid)
    assert refused.value.status == 503  # noqa: PLR2004
    assert await store.current(user.id) == 1 and await store.current(user.id + 10**6) == 0
    await down.aclose()
