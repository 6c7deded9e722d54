"""Concurrency: many helpers pressing help at once against a 2-process service on PostgreSQL and
Redis; every invariant of SPEC §1.4 is checked in the database afterwards. Once more with Redis
flushed in the middle of the storm."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from tests.support import fakewx
from tests.support.helpstorm import (
    HELPERS,
    LIMITS,
    check_storm_invariants,
    hot_packets,
    login_all,
    press_storm,
)
from tests.support.service import Service

pytestmark = pytest.mark.slow

@pytest.mark.parametrize("flush_midway", [False, True], ids=["steady", "redis-flushed-midway"])
async def test_hot_packets_storm_keeps_every_invariant(fake: fakewx.FakeWeChat, flush_midway: bool) -> None:
    redis_db = 8 if flush_midway else 7  # db 8 is this storm's alone: FLUSHDB there touches no other test
    svc = Service(fake.url, workers=2, redis_db=redis_db, redpacket=LIMITS)
    try:
        packets, tokens = hot_packets(svc)
        phones = await login_all(svc.base, HELPERS)
        flushed = asyncio.Event()
        r = aioredis.from_url(svc.redis_url)

        async def progress(done: int) -> None:
            if flush_midway and not flushed.is_set() and done >= HELPERS * len(tokens) // 2:
                flushed.set()
                await r.flushdb()

        results = await press_storm(phones, tokens, progress)
        await r.aclose()
        assert flushed.is_set() == flush_midway
        figures = await check_storm_invariants(svc.db_url, results)
        # A helper with no help at all was refused only because every packet had split out
        # (arrival order decides who gets in before that; helps >= helpers is no invariant).
        ok_phones = {i for i, _t, r in results if r.status_code == 200}
        for i, _t, r in results:
            if i not in ok_phones:
                assert r.json()["error"] == "split_out", (i, r.text)
        assert figures["helps"] > 0
        for p in phones:
            await p.aclose()
    finally:
        svc.stop()
