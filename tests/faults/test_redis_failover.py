"""Redis's primary killed under a help storm, Sentinel promoting the replica (a master, a replica
and a sentinel with a 5 s down-after, this test starts on free loopback ports: tests/support/cluster.py).

Attacks: a 2-worker service on `redis+sentinel://` with 90 helpers pressing help and fresh OAuth
logins running; a third of the way in the master is SIGKILLed. While no master is reachable
/readyz must say so; once the sentinel has promoted the replica the service must serve by itself
within 5 s. Every answer is a 2xx/3xx/4xx or a 503 with Retry-After, none past the client's
deadline, no 500; every acknowledged help is in the database, none twice; SPEC §1.4 invariants."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.support import fakewx
from tests.support.cluster import RedisSentinelNodes
from tests.support.faultstorm import check_answers, check_helps_durable, oauth_round, storm, timed, wait_ready
from tests.support.helpstorm import LIMITS, hot_packets, login_all
from tests.support.service import Service

pytestmark = pytest.mark.slow

HELPERS = 90
RECOVERY_S = 5.0


async def _poll_ready(base: str, stop: asyncio.Event, seen: list[tuple[float, float, int]]) -> None:
    """(asked, answered, status) of /readyz, asked one after another until `stop`."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as c:
        while not stop.is_set():
            asked = time.monotonic()
            try:
                status = (await c.get("/readyz")).status_code
            except httpx.HTTPError:
                status = 0
            seen.append((asked, time.monotonic(), status))
            await asyncio.sleep(0.05)


async def _promoted(nodes: RedisSentinelNodes, old: str, timeout_s: float = 30) -> float:
    """Wait for the sentinel to name a new master; the monotonic time it did."""
    deadline = time.monotonic() + timeout_s
    while (await asyncio.to_thread(nodes.master_addr)) == old:
        assert time.monotonic() < deadline, "the sentinel promoted no replica"
        await asyncio.sleep(0.1)
    return time.monotonic()


async def test_redis_primary_failover_mid_storm(fake: fakewx.FakeWeChat) -> None:
    with RedisSentinelNodes(down_after_s=5) as nodes:
        svc = Service(fake.url, workers=2, redis_url=nodes.url, redpacket=LIMITS)
        try:
            t_setup = time.monotonic()
            _p, tokens = hot_packets(svc)
            phones = await login_all(svc.base, HELPERS)
            old = nodes.master_addr()
            killed: list[float] = []
            promotion: list[asyncio.Task[float]] = []

            async def progress(done: int, total: int) -> None:
                if not killed and done >= total // 3:
                    killed.append(time.monotonic())
                    await asyncio.to_thread(nodes.kill_master)
                    promotion.append(asyncio.create_task(_promoted(nodes, old)))
                    pollers.extend(asyncio.create_task(_poll_ready(svc.base, stop, readiness)) for _ in range(2))

            stop, readiness = asyncio.Event(), []
            pollers: list[asyncio.Task[None]] = []
            print(f"set up in {time.monotonic() - t_setup:.1f}s")
            answers = await storm(phones, tokens, svc.base, logins=40, on_progress=progress)
            print(f"storm in {time.monotonic() - t_setup:.1f}s")
            promoted_at = await promotion[0]
            await wait_ready(svc.base, 200, RECOVERY_S)
            stop.set()
            await asyncio.gather(*pollers)
            readiness.sort()
            statuses = check_answers(answers)
            print("storm answers:", dict(statuses))
            assert statuses[200] > 0, statuses
            print("readiness", [(round(a - killed[0], 2), round(b - killed[0], 2), s) for a, b, s in readiness],
                  round(promoted_at - killed[0], 2))
            # no sentinel promotes before its down-after: until then no master can be reached
            down = [s for asked, answered, s in readiness if answered < killed[0] + nodes.down_after_s]
            assert down and set(down) == {503}, f"/readyz while no master was reachable: {down}"
            assert promoted_at > killed[0]
            t0 = time.monotonic()
            while True:  # serving again: a login and a help get real answers
                login = await oauth_round(svc.base, f"oback-{time.monotonic_ns()}")
                helped = await timed("help", (0, tokens[0]), phones[-1].post(f"/api/share/{tokens[0]}/help"))
                if login.status == 302 and helped.status in (200, 409, 410, 429):
                    break
                assert time.monotonic() - t0 < RECOVERY_S, (login, helped)
                await asyncio.sleep(0.1)
            await check_helps_durable(svc.db_url, answers)
            for p in phones:
                await p.aclose()
        finally:
            svc.stop()
