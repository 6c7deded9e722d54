"""Admin API (API.md, Admin) through the real service (2 processes, PostgreSQL, Redis): bearer token,
blacklist in force at once for every process (also when set over WeCom), live statistics; and
`campaign_stats` on every database backend against hand-made rows (exact figures, day boundary
in campaign.timezone, a handful of aggregate queries)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from handlers.admin.api import block_openid, campaign_stats, unblock_openid
from models.enums import LedgerKind, OutboxStatus, PacketStatus
from models.ledger import LedgerEntry
from models.outbox import OutboxMessage
from models.redpacket import PlatformOrder, RedPacket
from models.user import User
from tests.support import fakewx
from tests.support.service import Service, login
from tests.support.wxclient import fixture_xml, unique_msg_id, work_server

LIMITS = {"daily_help_limit": 20, "daily_same_owner_limit": 20}


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    service = Service(fake.url, workers=2, redis_db=13, redpacket=LIMITS)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def admin(svc: Service) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=svc.base, timeout=30,
                      headers={"Authorization": f"Bearer {svc.config['admin']['token']}"}) as c:
        yield c


def shared_packet(svc: Service, owner: str, **fields: Any) -> tuple[dict[str, Any], str]:
    packet = svc.order_event(openid=owner, **fields).json()["packet"]
    phone = login(svc.base, owner)
    try:
        return packet, str(phone.post(f"/api/packets/{packet['id']}/share").json()["share_token"])
    finally:
        phone.close()


def help_once(svc: Service, helper: str, token: str) -> httpx.Response:
    """One help on a new connection (so requests spread over the service's processes)."""
    phone = login(svc.base, helper)
    try:
        return phone.post(f"/api/share/{token}/help", headers={"Connection": "close"})
    finally:
        phone.close()


# ---- bearer token --------------------------------------------------------------------------

ROUTES = [("GET", "/admin/api/stats"), ("GET", "/admin/api/blacklist"), ("POST", "/admin/api/blacklist"),
          ("DELETE", "/admin/api/blacklist/o-x")]


@pytest.mark.parametrize("auth", [None, "Bearer wrong-token-000", "Basic admin-token-test", "Bearer",
                                  "Bearer admin-token-test-and-more", "admin-token-test"])
def test_admin_routes_need_the_bearer_token(svc: Service, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    for method, path in ROUTES:
        r = httpx.request(method, svc.base + path, headers=headers, json={"openid": "o-x"}, timeout=10)
        assert r.status_code == 401, (method, path, auth)
        assert r.json()["error"] == "unauthenticated" and r.json()["message"]


# ---- blacklist -----------------------------------------------------------------------------


def test_blacklist_add_list_remove_is_idempotent(admin: httpx.Client) -> None:
    who = "o-bl-" + uuid.uuid4().hex[:8]
    first = admin.post("/admin/api/blacklist", json={"openid": f"  {who} ", "reason": "刷单"})
    assert first.status_code == 201 and first.json() == {"openid": who, "blacklisted": True, "added": True}
    again = admin.post("/admin/api/blacklist", json={"openid": who})
    assert again.status_code == 200 and again.json()["added"] is False
    listing = admin.get("/admin/api/blacklist", params={"limit": 1}).json()
    assert listing["total"] >= 1 and listing["entries"][0]["openid"] == who
    assert listing["entries"][0]["reason"] == "刷单" and listing["entries"][0]["created_at"].endswith("Z")
    assert admin.delete(f"/admin/api/blacklist/{who}").json() == {"openid": who, "blacklisted": False,
                                                                  "removed": True}
    assert admin.delete(f"/admin/api/blacklist/{who}").json()["removed"] is False
    assert who not in [e["openid"] for e in admin.get("/admin/api/blacklist").json()["entries"]]


@pytest.mark.parametrize("body", [b"", b"not json", b"{}", b'{"openid": ""}', b'{"openid": "o x"}',
                                  b'{"openid": "<script>"}', b'{"openid": 42}', b'{"openid": "%s"}' % (b"o" * 65)])
def test_blacklist_refuses_bad_bodies(admin: httpx.Client, body: bytes) -> None:
    before = admin.get("/admin/api/blacklist").json()["total"]
    r = admin.post("/admin/api/blacklist", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_body"
    assert admin.get("/admin/api/blacklist").json()["total"] == before


def test_blacklist_paging_arguments_are_checked(admin: httpx.Client) -> None:
    assert admin.get("/admin/api/blacklist", params={"limit": "-1"}).status_code == 400
    assert admin.get("/admin/api/blacklist", params={"offset": "x"}).status_code == 400
    assert admin.delete("/admin/api/blacklist/bad%20id").status_code == 400


def test_blacklist_is_in_force_at_once_in_every_process(svc: Service, admin: httpx.Client) -> None:
    """Block → the next help gives exactly 1 fen; unblock → a normal amount; block over WeCom → 1 fen
    again. Each help comes on a new connection, so both processes answer some of them."""
    work = work_server(svc.base, svc.config)
    tokens = [shared_packet(svc, "o-own-" + uuid.uuid4().hex[:8])[1] for _ in range(3)]
    for i in range(4):
        helper = f"o-hb{i}-" + uuid.uuid4().hex[:8]
        assert admin.post("/admin/api/blacklist", json={"openid": helper}).status_code == 201
        assert help_once(svc, helper, tokens[0]).json()["amount"] == 1
        assert admin.delete(f"/admin/api/blacklist/{helper}").json()["removed"] is True
        assert 10 <= help_once(svc, helper, tokens[1]).json()["amount"] <= 15  # an old user by now
        said = work.send(fixture_xml("wecom_text_block.xml", Content=f"block {helper}", MsgId=unique_msg_id()))
        assert said.fields["Content"] == f"已拉黑 {helper}"
        assert help_once(svc, helper, tokens[2]).json()["amount"] == 1


# ---- statistics over HTTP ------------------------------------------------------------------


def test_stats_follow_the_funnel_and_the_budget(svc: Service, admin: httpx.Client) -> None:
    before = admin.get("/admin/api/stats").json()
    owner = "o-fun-" + uuid.uuid4().hex[:8]
    _, small = shared_packet(svc, owner, cashback=10)  # a 20-fen packet: one new helper splits it out
    big, token = shared_packet(svc, owner, order_no=(order_no := "st" + uuid.uuid4().hex[:14]))
    svc.order_event(openid=owner)  # issued, never shared
    assert help_once(svc, "o-h1-" + uuid.uuid4().hex[:8], small).json()["last"] is True
    helped = help_once(svc, "o-h2-" + uuid.uuid4().hex[:8], token)
    assert helped.status_code == 200
    assert svc.order_event(openid=owner, type="refunded", order_no=order_no).json()["packet"]["id"] == big["id"]
    after = admin.get("/admin/api/stats").json()
    delta = {k: after["funnel"][k] - before["funnel"][k] for k in after["funnel"]}
    assert delta == {"issued": 3, "shared": 2, "helped": 2, "split_out": 1}
    assert after["helps"] - before["helps"] == 2
    # spent: owner + helper credits minus reversals. The small packet: 20 + 20; the big one: its
    # helper keeps x, the owner's x was reversed by the refund
    for k in ("spent_total", "spent_today"):
        assert after["budget"][k] - before["budget"][k] == 40 + helped.json()["amount"]
    assert set(after["outbox"]) == {"pending", "dead"} and after["at"].endswith("Z")


# ---- campaign_stats on every backend -------------------------------------------------------

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai; the day began 2026-11-21T16:00Z
DAY_START = dt.datetime(2026, 11, 21, 16, 0, tzinfo=dt.UTC)


async def _packet(owner: User, status: PacketStatus, *, started: bool, helps: int) -> RedPacket:
    order = await PlatformOrder.create(order_no=secrets.token_hex(8), user=owner, paid_fen=1000,
                                       coupon_price_fen=1000, cashback_fen=100)
    return await RedPacket.create(order=order, owner=owner, share_token=secrets.token_urlsafe(24), amount_fen=200,
                                  status=status, expire_time=NOW + dt.timedelta(hours=4), help_count=helps,
                                  start_time=NOW if started else None)


async def _ledger(user: User, fen: int, kind: LedgerKind, at: dt.datetime) -> None:
    await LedgerEntry.create(user=user, amount_fen=fen, kind=kind, ref=secrets.token_hex(8), created_at=at)


async def _outbox(status: OutboxStatus) -> None:
    await OutboxMessage.create(key=secrets.token_hex(8), kind="helped", payload={}, status=status,
                               next_attempt_at=NOW, created_at=NOW)


async def test_campaign_stats_exact_figures(orm: str, caplog: pytest.LogCaptureFixture) -> None:
    owner, helper = await User.create(openid="o-owner"), await User.create(openid="o-helper")
    await _packet(owner, PacketStatus.TO_SHARE, started=False, helps=0)
    await _packet(owner, PacketStatus.SPLITTING, started=True, helps=0)  # shared, nobody helped yet
    await _packet(owner, PacketStatus.SPLITTING, started=True, helps=3)
    await _packet(owner, PacketStatus.SPLIT_OUT, started=True, helps=5)
    await _packet(owner, PacketStatus.INVALID, started=True, helps=1)
    await _ledger(owner, 50, LedgerKind.HELP_OWNER, DAY_START - dt.timedelta(seconds=1))  # yesterday
    await _ledger(owner, 30, LedgerKind.HELP_OWNER, DAY_START)  # today, from its first instant
    await _ledger(owner, 12, LedgerKind.HELP_OWNER, NOW)
    await _ledger(helper, 30, LedgerKind.HELP_HELPER, NOW)  # helpers' credits are spent too
    await _ledger(owner, -12, LedgerKind.REVERSAL, NOW)
    for status in (OutboxStatus.PENDING, OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT,
                   OutboxStatus.DEAD):
        await _outbox(status)
    await block_openid("o-cheat", "test", epochs=None)
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    caplog.clear()
    stats = await campaign_stats(TZ, NOW)
    selects = [r for r in caplog.records if r.getMessage().lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5  # aggregates only, whatever the row counts
    assert (stats.issued, stats.shared, stats.helped, stats.split_out) == (5, 4, 3, 1)
    assert (stats.spent_total_fen, stats.spent_today_fen, stats.day) == (110, 60, dt.date(2026, 11, 22))
    assert (stats.outbox_pending, stats.outbox_dead, stats.blacklisted, stats.helps) == (2, 1, 1, 0)


async def test_campaign_stats_on_an_empty_database_and_block_use_cases(orm: str) -> None:
    stats = await campaign_stats(TZ, NOW)
    assert stats.as_json() == {"funnel": {"issued": 0, "shared": 0, "helped": 0, "split_out": 0}, "helps": 0,
                               "budget": {"day": "2026-11-22", "spent_today": 0, "spent_total": 0},
                               "outbox": {"pending": 0, "dead": 0}, "blacklisted": 0}
    assert await block_openid(" o-a ", epochs=None) is True and await block_openid("o-a", epochs=None) is False
    assert await unblock_openid("o-a") is True and await unblock_openid("o-a") is False
