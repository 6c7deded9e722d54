"""The seed's own help design, built as the seed describes it, to measure Fission against.

    python -m bench.peers.seed --port 8002 --db postgres://…/throwaway --redis redis://…/7 [--workers 2]

One help (POST /api/share/<token>/help, the helper named by a `seed_uid` cookie):
1. the packet's id is read by its share token;
2. a Redisson-style lock on the packet: `SET lock NX PX 10000`, retried every RETRY_S while
   another request holds it, for up to WAIT_S (then 503 `busy`); released by compare-and-delete;
3. read-check-write in one PostgreSQL transaction: the packet row, whether this helper helped it,
   the helper's daily counters from Redis, whether the helper ever helped (new / old user), both
   users' blacklist flags; the five conditions and the amount by the same rules Fission uses
   (models/redpacket_rules.py: ranges, daily limits, remainder rule); insert the help, update the
   packet and both balances;
4. after the commit, the daily counters: `INCR` then `EXPIRE`, two commands each, as the seed has it.

Its tables live in their own throwaway database (`create_schema`), made by the bench; nothing of
Fission's is imported beyond the pure rules module.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import random
import time
import uuid
from zoneinfo import ZoneInfo

import asyncpg
import redis.asyncio as aioredis
from sanic import Request, Sanic
from sanic.response import HTTPResponse

from models.enums import PacketStatus
from models.redpacket_rules import (
    HelpFacts,
    HelpRules,
    help_amount,
    helper_kind,
    local_day,
    next_local_midnight,
    refusal,
)

WAIT_S = 3.0  # Redisson tryLock(waitTime = 3 s)
RETRY_S = 0.05
LEASE_MS = 10_000
TZ = ZoneInfo("Asia/Shanghai")
LAUNCH = dt.datetime(2026, 1, 1, tzinfo=TZ)
RULES = HelpRules(old_user_range=(10, 15), new_user_range=(30, 80), daily_help_limit=1, daily_same_owner_limit=1)
UNLOCK_LUA = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

SCHEMA = """
CREATE TABLE IF NOT EXISTS seed_user (id bigint PRIMARY KEY, balance_fen bigint NOT NULL DEFAULT 0,
    blacklisted boolean NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS seed_packet (id bigserial PRIMARY KEY, token text NOT NULL UNIQUE, owner_id bigint NOT NULL,
    amount_fen bigint NOT NULL, split_fen bigint NOT NULL DEFAULT 0, status smallint NOT NULL DEFAULT 0,
    expire_time timestamptz NOT NULL, start_time timestamptz, end_time timestamptz);
CREATE TABLE IF NOT EXISTS seed_help (id bigserial PRIMARY KEY, packet_id bigint NOT NULL, helper_id bigint NOT NULL,
    amount_fen bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (packet_id, helper_id));
CREATE INDEX IF NOT EXISTS seed_help_helper ON seed_help (helper_id, created_at);
"""


async def create_schema(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(SCHEMA)
    finally:
        await conn.close()


async def hot_packet(db_url: str, helpers: int, amount_fen: int) -> tuple[str, list[int]]:
    """A shared packet of `amount_fen` and `helpers` fresh users; returns its token and their ids."""
    conn = await asyncpg.connect(db_url)
    try:
        base = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM seed_user")) + 1
        await conn.execute("INSERT INTO seed_user (id) SELECT generate_series($1::bigint, $2::bigint)",
                           base, base + helpers)
        token = uuid.uuid4().hex
        await conn.execute("INSERT INTO seed_packet (token, owner_id, amount_fen, status, expire_time, start_time) "
                           "VALUES ($1, $2, $3, 1, now() + interval '4 hours', now())", token, base, amount_fen)
        return token, list(range(base + 1, base + helpers + 1))
    finally:
        await conn.close()


async def help_count(db_url: str) -> int:
    conn = await asyncpg.connect(db_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM seed_help"))
    finally:
        await conn.close()


def answer(status: int, body: dict[str, object]) -> HTTPResponse:
    return HTTPResponse(json.dumps(body), status=status, content_type="application/json")


class PacketLock:
    """SET NX PX with polling, released by compare-and-delete (what Redisson's RLock does over Redis)."""

    def __init__(self, redis: aioredis.Redis, key: str):
        self.redis, self.key, self.value = redis, key, uuid.uuid4().hex

    async def acquire(self) -> bool:
        deadline = time.monotonic() + WAIT_S
        while True:
            if await self.redis.set(self.key, self.value, nx=True, px=LEASE_MS):
                return True
            if time.monotonic() + RETRY_S > deadline:
                return False
            await asyncio.sleep(RETRY_S)

    async def release(self) -> None:
        await self.redis.eval(UNLOCK_LUA, 1, self.key, self.value)


async def help_split(request: Request, token: str) -> HTTPResponse:
    app = request.app
    uid = int(request.cookies.get("seed_uid", "0"))
    if uid <= 0:
        return answer(401, {"error": "unauthenticated"})
    packet_id = await app.ctx.pg.fetchval("SELECT id FROM seed_packet WHERE token = $1", token)
    if packet_id is None:
        return answer(404, {"error": "not_found"})
    lock = PacketLock(app.ctx.redis, f"{app.ctx.prefix}:lock:packet:{packet_id}")
    if not await lock.acquire():
        return answer(503, {"error": "busy"})
    try:
        return await _locked_help(app, packet_id, uid, dt.datetime.now(dt.UTC))
    finally:
        await lock.release()


async def _locked_help(app: Sanic, packet_id: int, uid: int, now: dt.datetime) -> HTTPResponse:
    day = local_day(now, TZ).isoformat()
    async with app.ctx.pg.acquire() as conn, conn.transaction():
        p = await conn.fetchrow("SELECT owner_id, amount_fen, split_fen, status, expire_time FROM seed_packet "
                                "WHERE id = $1", packet_id)
        already = await conn.fetchval("SELECT 1 FROM seed_help WHERE packet_id = $1 AND helper_id = $2",
                                      packet_id, uid)
        day_key = f"{app.ctx.prefix}:helps:{day}:{uid}"
        owner_key = f"{day_key}:{p['owner_id']}"
        today, for_owner = await app.ctx.redis.mget(day_key, owner_key)
        facts = HelpFacts(PacketStatus(p["status"]), p["expire_time"], p["owner_id"], uid, already is not None,
                          int(today or 0), int(for_owner or 0))
        reason = refusal(RULES, facts, now)
        if reason is not None:
            return answer(409, {"error": reason})
        helped = await conn.fetchval("SELECT 1 FROM seed_help WHERE helper_id = $1 AND created_at >= $2 LIMIT 1",
                                     uid, LAUNCH)
        black = await conn.fetchval("SELECT bool_or(blacklisted) FROM seed_user WHERE id = ANY($1::bigint[])",
                                    [uid, p["owner_id"]])
        kind = helper_kind(blacklisted=bool(black), helped_since_launch=helped is not None)
        x, last = help_amount(RULES, kind, p["amount_fen"] - p["split_fen"], app.ctx.rng)
        await conn.execute("INSERT INTO seed_help (packet_id, helper_id, amount_fen, created_at) "
                           "VALUES ($1, $2, $3, $4)", packet_id, uid, x, now)
        await conn.execute("UPDATE seed_packet SET split_fen = split_fen + $2, status = $3, "
                           "end_time = CASE WHEN $4 THEN $5 ELSE end_time END WHERE id = $1",
                           packet_id, x, PacketStatus.SPLIT_OUT if last else PacketStatus.SPLITTING, last, now)
        await conn.execute("UPDATE seed_user SET balance_fen = balance_fen + $2 WHERE id = ANY($1::bigint[])",
                           [uid, p["owner_id"]], x)
    ttl_s = max(1, int((next_local_midnight(now, TZ) - now).total_seconds()))
    for key in (day_key, owner_key):
        await app.ctx.redis.incr(key)
        await app.ctx.redis.expire(key, ttl_s)
    return answer(200, {"amount": x, "last": last})


async def healthz(request: Request) -> HTTPResponse:
    return answer(200, {"status": "ok"})


def create_app(db_url: str, redis_url: str, prefix: str = "seed") -> Sanic:
    app = Sanic("seed_peer")
    app.ctx.prefix = prefix
    app.add_route(help_split, "/api/share/<token:str>/help", methods=["POST"])
    app.add_route(healthz, "/healthz")

    @app.before_server_start
    async def open_pools(app: Sanic) -> None:
        app.ctx.pg = await asyncpg.create_pool(db_url, min_size=2, max_size=10)
        app.ctx.redis = aioredis.from_url(redis_url)
        app.ctx.rng = random.SystemRandom()

    @app.after_server_stop
    async def close_pools(app: Sanic) -> None:
        await app.ctx.pg.close()
        await app.ctx.redis.aclose()

    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--redis", required=True)
    ap.add_argument("--prefix", default="seed", help="Redis key prefix (a fresh one per run: the daily counters)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(create_schema(args.db))
    Sanic.start_method = "fork"
    app = create_app(args.db, args.redis, args.prefix)
    app.prepare(host="127.0.0.1", port=args.port, workers=args.workers, access_log=False, motd=False,
                single_process=args.workers == 1, backlog=1024)
    Sanic.serve(primary=app)


if __name__ == "__main__":
    main()
