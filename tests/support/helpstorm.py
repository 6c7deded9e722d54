"""The hot-packets help storm (tests/test_storm.py and the storms built on it): helpers logged in
at once, three shared packets, every helper pressing help on each, and the checks on the outcome."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

import httpx

from tests.support.invariants import check_db_invariants
from tests.support.service import Service, alogin, login

HELPERS = 320
PRESSES = 2  # every helper presses help twice on every packet
LIMITS = {"daily_help_limit": 2, "daily_same_owner_limit": 1}


async def login_all(base: str, n: int) -> list[Any]:
    sem = asyncio.Semaphore(40)
    limits = httpx.Limits(max_connections=2)

    async def one(i: int) -> Any:
        async with sem:
            return await alogin(base, f"ostorm-{i}-{uuid.uuid4().hex[:8]}", limits)

    return await asyncio.gather(*[one(i) for i in range(n)])


def share_tokens(svc: Service, n: int, prefix: str = "ob") -> list[str]:
    """`n` packets of `n` owners, each shared once (share tokens): one packet per helper keeps two
    processes' help batches off each other's packet locks. Made 8 at a time: this is a storm's
    setup, not the storm."""

    def one(_i: int) -> str:
        owner = f"{prefix}-{uuid.uuid4().hex[:8]}"
        event = svc.order_event_request(openid=owner, cashback=3000, paid_amount=50000, coupon_price=50000)
        with httpx.Client(timeout=30) as shop:
            for _attempt in range(5):  # concurrent events on MariaDB may meet a lock conflict: 503 busy, resend
                issued = shop.send(event)
                if issued.status_code != 503:
                    break
                time.sleep(float(issued.headers["Retry-After"]))
        assert issued.status_code in (200, 201), (issued.status_code, issued.text)
        packet = issued.json()["packet"]
        with closing(login(svc.base, owner)) as phone:
            for _attempt in range(3):  # 503 busy (a lock conflict with the outbox worker) says: come back
                r = phone.post(f"/api/packets/{packet['id']}/share")
                if r.status_code != 503:
                    break
                time.sleep(float(r.headers["Retry-After"]))
            assert r.status_code == 200, (r.status_code, r.text, svc.tail())
            return str(r.json()["share_token"])

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def hot_packets(svc: Service) -> tuple[list[dict[str, Any]], list[str]]:
    owner_a, owner_b = f"oa-{uuid.uuid4().hex[:8]}", f"ob-{uuid.uuid4().hex[:8]}"
    packets = [svc.order_event(openid=o, cashback=3000, paid_amount=50000, coupon_price=50000).json()["packet"]
               for o in (owner_a, owner_a, owner_b)]
    tokens = []
    for p, o in zip(packets, (owner_a, owner_a, owner_b), strict=True):
        phone = login(svc.base, o)
        tokens.append(phone.post(f"/api/packets/{p['id']}/share").json()["share_token"])
        phone.close()
    return packets, tokens


async def press_storm(phones: list[Any], tokens: list[str], on_progress: Any = None) -> list[tuple[int, str, Any]]:
    """Every phone presses help PRESSES times on every token, all at once; returns (i, token, response)."""
    done = 0

    async def press(i: int, tok: str) -> tuple[int, str, Any]:
        nonlocal done
        r = await phones[i].post(f"/api/share/{tok}/help")
        done += 1
        if on_progress:
            await on_progress(done)
        return i, tok, r

    jobs = [press(i, t) for _ in range(PRESSES) for t in tokens for i in range(len(phones))]
    return await asyncio.gather(*jobs)


async def check_storm_invariants(db_url: str, results: list[tuple[int, str, Any]]) -> dict[str, Any]:
    statuses = Counter(r.status_code for _i, _t, r in results)
    assert set(statuses) <= {200, 409, 410, 429}, statuses  # no 5xx, no "busy"
    for _i, _t, r in results:
        if r.status_code != 200:
            assert r.json()["error"] in {"already_helped", "daily_limit", "daily_same_owner_limit", "split_out"}
    ok = [(t, r.json()) for _i, t, r in results if r.status_code == 200]
    figures = await check_db_invariants(db_url, **LIMITS)
    token_of = {int(p["id"]): p["share_token"] for p in figures["packet_rows"]}
    # every 200 is durable with the amount it announced, and the DB holds nothing unannounced
    announced = Counter((t, a["amount"]) for t, a in ok)
    stored = Counter((token_of[int(h["packet_id"])], int(h["amount_fen"])) for h in figures["help_rows"])
    assert announced == stored
    assert sum(a["last"] for _t, a in ok) == figures["split_out"]
    return figures
