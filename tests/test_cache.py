"""bot/infra/cache.py's single-server client packs commands with hiredis (redis-py's own sync serializer):
byte for byte what redis-py's asyncio packer sends, and real round trips on Redis db 4."""

from __future__ import annotations

import asyncio
import uuid

import redis.asyncio as aioredis
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.infra.cache import connect, hiredis_packing
from bot.settings import RedisSettings
from tests.support.dbs import REDIS

ARG = st.one_of(st.text(max_size=30), st.binary(max_size=30), st.integers(-2**63, 2**63),
                st.floats(allow_nan=False, allow_infinity=False))
COMMAND = st.sampled_from(["SET", "EVALSHA", "CONFIG GET", b"GET", b"CLIENT LIST"])


@settings(max_examples=500, deadline=None)
@given(command=COMMAND, args=st.lists(ARG, max_size=12))
def test_packed_like_redis_pys_own_packer(command: str | bytes, args: list[object]) -> None:
    ours, theirs = hiredis_packing(aioredis.Connection)(), aioredis.Connection()
    assert b"".join(ours.pack_command(command, *args)) == b"".join(theirs.pack_command(command, *args))


def test_each_url_kind_keeps_its_connection_class() -> None:
    for cls in (aioredis.Connection, aioredis.SSLConnection, aioredis.UnixDomainSocketConnection):
        packing = hiredis_packing(cls)
        assert issubclass(packing, cls) and hiredis_packing(cls) is packing


def test_round_trips_through_the_service_client() -> None:
    async def go() -> None:
        r = connect(RedisSettings(url=f"{REDIS}/4"))
        assert r.connection_pool.connection_class.__mro__[1].__name__ == "_HiredisPacking"
        key = "fxcache:" + uuid.uuid4().hex
        try:
            await r.set(key, "红包 ]]> {x}", ex=60)
            assert await r.get(key) == "红包 ]]> {x}"
            async with r.pipeline(transaction=False) as pipe:
                pipe.incrby(key + ":n", 3).expire(key + ":n", 60).get(key + ":n")
                assert await pipe.execute() == [3, True, "3"]
            assert await r.eval("return {ARGV[1], ARGV[2]}", 0, "帮助", 7) == ["帮助", "7"]
        finally:
            await r.delete(key, key + ":n")
            await r.aclose()

    asyncio.run(go())
