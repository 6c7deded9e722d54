"""The requests for one poster that are in flight together share one Redis read
(handlers/redpacket/poster.py `Posters._get`) — against the real Redis (db 9). The client is the real one,
wrapped only to count the reads that reach it."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import Counter
from typing import Any

import redis.asyncio as aioredis

from bot.keys import Keys
from handlers.redpacket.poster import Posters, etag_of, head_of, pack_current, poster_moment
from tests.support import dbs

REDIS_DB = 9
NOW = dt.datetime(2026, 12, 3, 12, 3, 20, tzinfo=dt.UTC)


class CountingRedis:
    """The real client; counts get/getrange calls."""

    def __init__(self, real: Any):
        self.real, self.calls = real, Counter[str]()

    async def get(self, key: str) -> Any:
        self.calls["get"] += 1
        return await self.real.get(key)

    async def getrange(self, key: str, start: int, end: int) -> Any:
        self.calls["getrange"] += 1
        return await self.real.getrange(key, start, end)

    async def aclose(self) -> None:
        await self.real.aclose()


async def test_concurrent_requests_for_one_poster_share_one_read() -> None:
    real = aioredis.from_url(f"{dbs.REDIS}/{REDIS_DB}")
    keys, token = Keys("tpr" + uuid.uuid4().hex[:8]), "tok-" + uuid.uuid4().hex
    row = {"id": 7, "version": 3, "status": 1, "expire_time": NOW + dt.timedelta(hours=3)}
    head = head_of(row, token, NOW)
    moment = poster_moment(head.live, head.expire_time, NOW)
    etag = etag_of(head, moment)
    png = b"\x89PNG-poster-bytes" * 4000
    await real.set(keys.poster_current(token), pack_current(row, moment.label, etag) + b"\n" + png, ex=30)
    counted = CountingRedis(real)
    posters = Posters(counted, keys, images=None, public_url="http://localhost")  # type: ignore[arg-type]
    try:
        got = await asyncio.gather(*[posters.serve(token, NOW, None) for _ in range(50)])
        assert got == [(etag, png)] * 50
        assert counted.calls["get"] == 1
        revalidated = await asyncio.gather(*[posters.serve(token, NOW, etag) for _ in range(20)])
        assert revalidated == [(etag, None)] * 20 and counted.calls["getrange"] == 1
        assert await posters.serve(token, NOW, None) == (etag, png)  # nothing kept once a read is done:
        assert counted.calls["get"] == 2  # noqa: PLR2004 - a later request reads again
    finally:
        await real.delete(keys.poster_current(token))
        await real.aclose()
