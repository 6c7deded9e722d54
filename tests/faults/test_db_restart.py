"""The database restarted and its connections killed under a help storm, as an operator or a
failover would do it — on throw-away PostgreSQL and MariaDB instances this test starts (the
machine's own servers are not touched).

Attacks: a 2-worker service with 60 helpers pressing help and fresh OAuth logins running; a
quarter of the way in every backend is killed (pg_terminate_backend / KILL), half-way the
engine is restarted (`pg_ctl restart -m fast` / SIGTERM and start). Then the engine is stopped
outright: /readyz must say so, helps and logins get 503 `unavailable` with Retry-After; it is
started again and the service must serve by itself within 5 s.

Every answer is a 2xx/3xx/4xx or a 503 with Retry-After, none later than the client's deadline,
no 500; every acknowledged help is in the database, none twice; SPEC §1.4 invariants hold."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.support import fakewx
from tests.support.engines import ThrowawayMariaDB, ThrowawayPostgres
from tests.support.faultstorm import check_answers, check_helps_durable, oauth_round, storm, timed, wait_ready
from tests.support.helpstorm import LIMITS, hot_packets, login_all
from tests.support.service import Service

pytestmark = pytest.mark.slow

HELPERS = 60
RECOVERY_S = 5.0


async def _fresh_packet_and_helpers(svc: Service, n: int) -> tuple[str, list[Any]]:
    """A new packet and `n` helpers who have not helped today: their helps must reach the database."""
    _p, [token, *_] = hot_packets(svc)
    return token, await login_all(svc.base, n)


async def _while_down(svc: Service, token: str, phones: list[Any]) -> None:
    """The engine is stopped: not ready, and helps and logins are refused cleanly."""
    await wait_ready(svc.base, 503, 15)
    answers = [await timed("help", (i, token), p.post(f"/api/share/{token}/help")) for i, p in enumerate(phones)]
    answers += [await oauth_round(svc.base, f"odown-{i}") for i in range(3)]
    check_answers(answers)
    assert {a.status for a in answers} == {503}, [(a.status, a.body) for a in answers]


async def _recovers(svc: Service, phone: Any, token: str) -> None:
    """Within RECOVERY_S of the engine's return: ready, and a login works and a help is answered."""
    t0 = time.monotonic()
    await wait_ready(svc.base, 200, RECOVERY_S)
    while True:
        login = await oauth_round(svc.base, f"oback-{time.monotonic_ns()}")
        helped = await timed("help", (0, token), phone.post(f"/api/share/{token}/help"))
        if login.status == 302 and helped.status in (200, 409, 410, 429):
            print(f"serving again {time.monotonic() - t0:.2f} s after the database came back")
            return
        assert time.monotonic() - t0 < RECOVERY_S, (f"not serving {RECOVERY_S}s after the database came back",
                                                    login.status, helped.status, str(helped.body)[:200], svc.tail())
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("engine_kind", [ThrowawayPostgres, ThrowawayMariaDB], ids=["postgresql", "mariadb"])
async def test_database_restart_and_killed_connections_mid_storm(fake: fakewx.FakeWeChat, engine_kind: type) -> None:
    with engine_kind() as engine:
        svc = Service(fake.url, workers=2, db_url=engine.url, redis_db=9, redpacket=LIMITS)
        try:
            _p, tokens = hot_packets(svc)
            phones = await login_all(svc.base, HELPERS)
            faults: list[str] = []

            async def progress(done: int, total: int) -> None:
                if not faults and done >= total // 4:
                    faults.append("killed")
                    await asyncio.to_thread(engine.kill_backends)
                elif len(faults) == 1 and done >= total // 2:
                    faults.append("restarted")
                    await asyncio.to_thread(engine.restart)

            answers = await storm(phones, tokens, svc.base, logins=20, on_progress=progress)
            assert faults == ["killed", "restarted"]
            statuses = check_answers(answers)
            assert statuses[200] > 0, statuses
            print("storm answers:", dict(statuses))
            token, fresh = await _fresh_packet_and_helpers(svc, 4)
            await asyncio.to_thread(engine.down)
            await _while_down(svc, token, fresh)
            await asyncio.to_thread(engine.up)
            await _recovers(svc, phones[-1], tokens[-1])
            await check_helps_durable(engine.url, answers)
            for p in phones + fresh:
                await p.aclose()
        finally:
            svc.stop(drop=False)
