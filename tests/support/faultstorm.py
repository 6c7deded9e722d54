"""A help storm a fault test runs while it breaks something, and the checks every fault test makes:
each answer a 2xx/4xx or a 503 with Retry-After (never a 500, never a hang past the client's
deadline), every acknowledged help durable, nothing committed twice, SPEC §1.4 invariants."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.helpstorm import LIMITS
from tests.support.invariants import check_db_invariants

DEADLINE_S = 20.0  # the client's patience: an answer later than this counts as a hang
OK_STATUSES = {200, 302, 400, 401, 404, 409, 410, 429, 503}
HELP_REFUSALS = {"already_helped", "daily_limit", "daily_same_owner_limit", "split_out"}


@dataclass
class Answer:
    what: str  # "help" or "login"
    key: tuple[Any, ...]  # (phone index, token) for helps
    status: int | None  # None: no answer (connection failed or timed out)
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""
    elapsed_s: float = 0.0


async def timed(what: str, key: tuple[Any, ...], call: Awaitable[httpx.Response]) -> Answer:
    t0 = time.monotonic()
    try:
        r = await asyncio.wait_for(call, DEADLINE_S)
    except (httpx.HTTPError, TimeoutError) as e:
        return Answer(what, key, None, error=f"{type(e).__name__}: {e}", elapsed_s=time.monotonic() - t0)
    try:
        body = r.json()
    except ValueError:
        body = {}
    return Answer(what, key, r.status_code, body if isinstance(body, dict) else {}, dict(r.headers),
                  elapsed_s=time.monotonic() - t0)


async def oauth_round(base: str, openid: str) -> Answer:
    """One OAuth login as a phone does it (login redirect, then the callback)."""
    from tests.support.service import AsyncPhone, _state_of

    async with AsyncPhone(base_url=base, timeout=DEADLINE_S, follow_redirects=False) as c:
        async def both() -> httpx.Response:
            r = await c.get("/oauth/login", params={"next": "/me"})
            if r.status_code != 302:
                return r
            return await c.get("/oauth/callback", params={"code": "code-" + openid,
                                                          "state": _state_of(r.headers["location"])})
        return await timed("login", (openid,), both())


async def storm(phones: list[Any], tokens: list[str], base: str, *, presses: int = 2, logins: int = 0,
                on_progress: Callable[[int, int], Awaitable[None]] | None = None,
                concurrency: int = 120) -> list[Answer]:
    """Every phone presses help `presses` times on every token (and `logins` fresh OAuth logins run
    alongside); `on_progress(done, total)` after each answer."""
    sem = asyncio.Semaphore(concurrency)
    total = presses * len(tokens) * len(phones) + logins
    done = 0

    async def one(make: Callable[[], Awaitable[Answer]]) -> Answer:
        nonlocal done
        async with sem:
            a = await make()
        done += 1
        if on_progress:
            await on_progress(done, total)
        return a

    jobs = [one(lambda i=i, t=t: timed("help", (i, t), phones[i].post(f"/api/share/{t}/help")))
            for _ in range(presses) for t in tokens for i in range(len(phones))]
    jobs += [one(lambda n=n: oauth_round(base, f"ofault-{n}-{uuid.uuid4().hex[:6]}")) for n in range(logins)]
    order = list(range(len(jobs)))
    order = order[::2] + order[1::2]  # logins interleaved with helps, not all at the end
    results = await asyncio.gather(*[jobs[k] for k in order])
    return list(results)


def check_answers(answers: list[Answer], *, allow_no_answer: Callable[[Answer], bool] = lambda a: False) -> Counter:
    """Every answer is a clean one: a known 2xx/3xx/4xx, or 503 `unavailable`/`busy` with Retry-After.
    An answer missing altogether (connection failed / past the deadline) is allowed only where
    `allow_no_answer` says so (a host cut off the network). Returns the count per status."""
    statuses: Counter = Counter()
    for a in answers:
        statuses[a.status] += 1
        if a.status is None:
            assert allow_no_answer(a), f"no answer within {DEADLINE_S}s: {a}"
            continue
        assert a.status in OK_STATUSES, (a.status, a.body, a.what)
        if a.status == 503:
            assert a.body.get("error") in {"unavailable", "busy"}, a.body
            assert a.headers.get("retry-after", "").isdigit(), a.headers
        if a.what == "help" and a.status not in (200, 503):
            assert a.body.get("error") in HELP_REFUSALS, (a.status, a.body)
    return statuses


async def check_helps_durable(db_url: str, answers: list[Answer]) -> dict[str, Any]:
    """Invariants; every 200 stored with the amount it announced; a stored help nobody was told of
    is one whose answer was lost to the fault (503, or none) — never one that was refused."""
    figures = await check_db_invariants(db_url, **LIMITS)
    token_of = {int(p["id"]): p["share_token"] for p in figures["packet_rows"]}
    ok = [a for a in answers if a.what == "help" and a.status == 200]
    stored = Counter((token_of[int(h["packet_id"])], int(h["amount_fen"])) for h in figures["help_rows"])
    announced = Counter((a.key[1], a.body["amount"]) for a in ok)
    lost = announced - stored
    assert not lost, f"acknowledged helps missing from the database: {lost}"
    unannounced = stored - announced
    unclear = Counter(a.key[1] for a in answers if a.what == "help" and a.status in (503, None))
    for (token, _amount), n in unannounced.items():
        assert unclear[token] >= n, f"{n} help(s) on {token} stored but never acknowledged nor lost to the fault"
    figures["unannounced"] = sum(unannounced.values())
    return figures


async def wait_ready(base: str, want: int, timeout_s: float) -> float:
    """Poll /readyz until it answers `want`; seconds waited (fails past `timeout_s`)."""
    t0 = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=5) as c:
        while True:
            try:
                if (await c.get("/readyz")).status_code == want:
                    return time.monotonic() - t0
            except httpx.HTTPError:
                pass
            assert time.monotonic() - t0 < timeout_s, f"/readyz did not answer {want} within {timeout_s}s"
            await asyncio.sleep(0.1)
