"""A request whose transaction the database rolls back for a lock conflict (MariaDB's lock-wait
timeout, a deadlock) answers 503 `busy` with Retry-After — a condition a client can wait out —
never 500 `internal`, and changes nothing.

Attacks: a share (or any write) blocked behind another transaction's row lock. Before the fix the
service answered 500 `internal` with no Retry-After (seen once in CI: a share on MariaDB during a
budget storm's setup failed with an error body)."""

from __future__ import annotations

import tempfile
from contextlib import closing

import asyncmy
import pytest

from tests.support import dbs, fakewx
from tests.support.service import Service, login

pytestmark = pytest.mark.slow

# The service's own connections wait 1 s for a row lock (MariaDB's default is 50 s): set per
# connection, so no other test or session on the shared server sees it (no SET GLOBAL).
LOCK_WAIT = "init_command=SET%20SESSION%20innodb_lock_wait_timeout%3D1"


async def test_a_share_blocked_by_a_row_lock_is_busy_not_internal(fake: fakewx.FakeWeChat) -> None:
    db_url = dbs.create("mysql", tempfile.gettempdir())
    svc = None
    try:
        svc = Service(fake.url, db_url=f"{db_url}?{LOCK_WAIT}", workers=1)
        owner = "o-lockwait"
        packet = svc.order_event(openid=owner).json()["packet"]
        name = db_url.rsplit("/", 1)[1]
        holder = await asyncmy.connect(host="127.0.0.1", port=3306, user="root", password="", db=name)
        try:
            async with holder.cursor() as cur:
                await cur.execute("BEGIN")
                await cur.execute("SELECT id FROM red_packets WHERE id=%s FOR UPDATE", (packet["id"],))
                with closing(login(svc.base, owner)) as phone:
                    r = phone.post(f"/api/packets/{packet['id']}/share")
                    assert r.status_code == 503, (r.status_code, r.text)
                    assert r.json()["error"] == "busy" and r.headers.get("Retry-After"), r.text
                    await cur.execute("ROLLBACK")
                    # nothing was written: the packet is still unshared, and sharing works once the lock is gone
                    await cur.execute("SELECT status, shared_at FROM red_packets WHERE id=%s", (packet["id"],))
                    assert await cur.fetchone() == (0, None)
                    again = phone.post(f"/api/packets/{packet['id']}/share")
                    assert again.status_code == 200 and again.json()["share_token"], again.text
        finally:
            await holder.rollback()
            await holder.ensure_closed()
        assert "Traceback" not in svc.tail()
    finally:
        if svc is not None:
            svc.stop()
        dbs.drop(db_url)
