"""A transaction whose BEGIN fails — the database restarted, or killed the pooled connection, and
the process has not noticed yet — must leave nothing behind in the task that asked for it.

Found in a full run: after a database restart one worker answered every help 503 for good. Its help
committer is one long-lived task; tortoise takes a pooled connection and makes it the task's
current transaction *before* sending BEGIN, and when BEGIN fails nothing undoes either. Every later
`in_transaction()` in that task then became a savepoint on the dead connection ('connection is
closed'), and the pool was one connection short. The connections are killed here by another
session while this one's event loop is blocked, so the pool hands out a dead connection that still
looks open: BEGIN is the first statement to find out. Before the fix (bot/infra/db.py) the next
transaction failed with InterfaceError('connection is closed') and closing the pool hung."""

from __future__ import annotations

import asyncio
import subprocess

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from bot.infra.unavailable import is_unavailable
from models.redpacket import PlatformOrder
from models.user import User

PG_KILL_OTHERS = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")
MYSQL = ("mysql", "-uroot", "-h127.0.0.1", "-P3306")


def kill_other_sessions(db_url: str) -> None:
    """Every other session on the test's database killed, synchronously (this event loop blocked)."""
    if db_url.startswith("postgres"):
        subprocess.run(["psql", db_url, "-qAtc", PG_KILL_OTHERS], check=True, capture_output=True)
        return
    name = db_url.rsplit("/", 1)[1]
    ids = subprocess.run([*MYSQL, "-Nse", f"SELECT id FROM information_schema.processlist WHERE db = '{name}'"],
                         check=True, capture_output=True, text=True).stdout.split()
    assert ids, "the pool holds no connection to kill"
    subprocess.run([*MYSQL, "-e", "; ".join(f"KILL {i}" for i in ids)], capture_output=True)


async def test_a_failed_begin_leaves_no_transaction_or_connection_behind(orm: str) -> None:
    if orm.startswith("sqlite"):
        pytest.skip("one file, no pooled connections to kill")
    async def one() -> list[dict[str, int]]:
        async with in_transaction() as conn:
            return await conn.execute_query_dict("SELECT 1 AS one")

    async def committer() -> None:  # one long-lived task, as the help committer is
        for _ in range(3):  # a connection in the pool, idle
            await one()
        kill_other_sessions(orm)
        with pytest.raises(Exception) as failed:
            await one()
        assert is_unavailable(failed.value), repr(failed.value)
        await asyncio.sleep(0.2)  # the pool sees the killed connections close
        for _ in range(5):  # this task's next transactions are its own again, on live connections
            assert await one() == [{"one": 1}]
        current = Tortoise.get_connection("default")
        assert getattr(current, "_parent", None) is None, current  # the pool's client, no transaction left current

    await asyncio.wait_for(asyncio.create_task(committer()), 30)


async def test_two_new_orders_lock_their_own_order_numbers_without_a_deadlock(orm: str) -> None:
    """Two owners' `confirmed` events at once: each transaction looks its order number up FOR UPDATE
    (it is not there yet), then inserts it (handlers/redpacket/orders.py). Under MariaDB's default
    REPEATABLE READ the lookup of a missing key takes a gap lock; both transactions held the same gap
    and each insert waited for the other's: error 1213, a deadlock, between orders that share
    nothing. Seen as 503 `busy` on about 1 of 200 order events 8 at a time. Connections are READ
    COMMITTED on every engine (PostgreSQL's default), so each locks only the rows it finds."""
    if orm.startswith("sqlite"):
        pytest.skip("one writer at a time: no row locks")
    owner = await User.create(openid="o-gap-owner")
    await PlatformOrder.create(order_no="m-1", user=owner, paid_fen=1, coupon_price_fen=1, cashback_fen=1)
    looked_up = [asyncio.Event(), asyncio.Event()]

    async def confirm(i: int) -> str:
        async with in_transaction() as conn:
            order_no = f"x-{i}"  # both after every existing number: the same gap of the unique index
            assert await PlatformOrder.filter(order_no=order_no).select_for_update().using_db(conn).first() is None
            looked_up[i].set()
            await looked_up[1 - i].wait()
            if i == 1:
                await asyncio.sleep(0.2)  # the other insert is waiting by now
            await PlatformOrder.create(order_no=order_no, user=owner, paid_fen=1, coupon_price_fen=1,
                                       cashback_fen=1, using_db=conn)
            return order_no

    assert sorted(await asyncio.wait_for(asyncio.gather(confirm(0), confirm(1)), 30)) == ["x-0", "x-1"]
    assert await PlatformOrder.filter(order_no__in=["x-0", "x-1"]).count() == 2
