"""Storage-level tests of the red-packet use cases on PostgreSQL, MariaDB and SQLite."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from tortoise.exceptions import IntegrityError

from handlers.redpacket.batcher import HelpBatcher
from handlers.redpacket.commit import HelpAttempt, commit_batch
from handlers.redpacket.expiry import sweep_expired
from handlers.redpacket.orders import handle_order_event
from models.enums import HelperKind, LedgerKind, PacketStatus
from models.ledger import LedgerEntry
from models.outbox import OutboxMessage
from models.redpacket import Help, RedPacket
from models.user import BlacklistEntry, User
from tests.support.storage import NOW, RP, SH, ctx, event, issue, users


async def test_issue_is_idempotent_per_event_and_per_order(orm: str) -> None:
    ev = event(cashback=300, paid_amount=1990, coupon_price=1990)
    first = await handle_order_event(ev, RP, NOW)
    again = await handle_order_event(ev, RP, NOW)
    other_id = await handle_order_event(ev.model_copy(update={"event_id": "another"}), RP, NOW)
    assert not first.duplicate and again.duplicate and other_id.duplicate
    assert first.packet_id == again.packet_id == other_id.packet_id
    p = await RedPacket.get(id=first.packet_id)
    assert p.amount_fen == 600 and p.status == PacketStatus.TO_SHARE
    assert p.expire_time == NOW + dt.timedelta(seconds=RP.ttl_seconds)
    assert await OutboxMessage.filter(key=f"packet:{p.id}:issued").count() == 1
    assert await RedPacket.all().count() == 1


async def test_concurrent_duplicate_events_issue_one_packet(orm: str) -> None:
    ev = event()
    results = await asyncio.gather(*[handle_order_event(ev, RP, NOW) for _ in range(8)])
    assert len({r.packet_id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    assert await RedPacket.all().count() == 1


async def test_below_minimum_issues_nothing(orm: str) -> None:
    res = await handle_order_event(event(cashback=4, paid_amount=100, coupon_price=100), RP, NOW)
    assert res.packet_id is None and await RedPacket.all().count() == 0


async def test_batch_decides_every_condition_in_order(orm: str) -> None:
    p = await issue()
    q = await issue()
    owner = await User.get(id=p.owner_id)
    a, b = await users(2)
    attempts = [HelpAttempt(p.id, owner.id, owner.openid), HelpAttempt(p.id, a.id, a.openid),
                HelpAttempt(p.id, a.id, a.openid), HelpAttempt(q.id, a.id, a.openid),
                HelpAttempt(p.id, b.id, b.openid), HelpAttempt(999999, b.id, b.openid)]
    out = await commit_batch(attempts, ctx(), NOW)
    assert [o.error for o in out] == ["self_help", None, "already_helped", "daily_limit", None, "not_found"]
    assert 30 <= out[1].amount <= 80 and 30 <= out[4].amount <= 80  # both new users
    p = await RedPacket.get(id=p.id)
    assert p.status == PacketStatus.SPLITTING and p.start_time == NOW and p.help_count == 2
    assert p.split_fen == out[1].amount + out[4].amount == p.amount_fen - out[4].remaining
    assert await Help.filter(packet_id=p.id).count() == 2


async def test_old_user_and_blacklisted_amounts(orm: str) -> None:
    a, b = await users(2)
    await BlacklistEntry.create(openid=b.openid)
    p1 = await issue()
    first = await commit_batch([HelpAttempt(p1.id, a.id, a.openid), HelpAttempt(p1.id, b.id, b.openid)], ctx(), NOW)
    assert 30 <= first[0].amount <= 80 and first[1].amount == 1
    tomorrow = NOW + dt.timedelta(days=1)
    p2 = await issue(now=tomorrow)
    second = await commit_batch([HelpAttempt(p2.id, a.id, a.openid)], ctx(), tomorrow)
    assert 10 <= second[0].amount <= 15
    kinds = await Help.filter(helper_id=a.id).order_by("created_at").values_list("kind", flat=True)
    assert kinds == [HelperKind.NEW, HelperKind.OLD]


async def test_split_to_the_end_exactly_once(orm: str) -> None:
    p = await issue(cashback=150, paid_amount=1000, coupon_price=1000)  # 300 fen
    helpers = await users(20)
    out = await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in helpers], ctx(), NOW)
    ok = [o for o in out if o.error is None]
    assert sum(o.amount for o in ok) == 300 and sum(o.last for o in ok) == 1
    assert all(o.error == "split_out" for o in out[len(ok):])
    p = await RedPacket.get(id=p.id)
    assert p.status == PacketStatus.SPLIT_OUT and p.split_fen == 300 and p.end_time == NOW
    owner_sum = sum(await LedgerEntry.filter(user_id=p.owner_id).values_list("amount_fen", flat=True))
    assert owner_sum == 300
    for o, u in zip(ok, helpers, strict=False):
        assert sum(await LedgerEntry.filter(user_id=u.id).values_list("amount_fen", flat=True)) == o.amount
    assert await OutboxMessage.filter(key=f"packet:{p.id}:split_out").count() == 1


async def test_unique_keys_stop_a_daily_limit_race(orm: str) -> None:
    """Two transactions (as two processes would) help different packets for one helper at once."""
    p1, p2 = await issue(), await issue()
    (a,) = await users(1)
    b1, b2 = HelpBatcher(ctx(1), clock=lambda: NOW), HelpBatcher(ctx(2), clock=lambda: NOW)
    b1.start()
    b2.start()
    try:
        out = await asyncio.gather(b1.submit(HelpAttempt(p1.id, a.id, a.openid)),
                                   b2.submit(HelpAttempt(p2.id, a.id, a.openid)))
    finally:
        await b1.stop()
        await b2.stop()
    assert sorted(str(o.error) for o in out) == ["None", "daily_limit"]
    assert await Help.filter(helper_id=a.id).count() == 1


async def test_database_rejects_a_second_help_row(orm: str) -> None:
    """The guard is the schema itself, not only the code that checks first."""
    p = await issue()
    (a,) = await users(1)
    await commit_batch([HelpAttempt(p.id, a.id, a.openid)], ctx(), NOW)
    with pytest.raises(IntegrityError):
        await Help.create(packet_id=p.id, helper_id=a.id, owner_id=p.owner_id, amount_fen=1, kind=HelperKind.OLD,
                          day=NOW.date(), day_slot=5, owner_day_slot=5, created_at=NOW)


async def test_refund_invalidates_and_reverses_owner_only(orm: str) -> None:
    p = await issue()
    helpers = await users(3)
    out = await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in helpers], ctx(), NOW)
    earned = sum(o.amount for o in out)
    order_no = (await p.order).order_no
    refund = event(type="refunded", order_no=order_no)
    res = await handle_order_event(refund, RP, NOW)
    assert res.invalidated_token == p.share_token
    assert (await handle_order_event(refund, RP, NOW)).duplicate
    p = await RedPacket.get(id=p.id)
    assert p.status == PacketStatus.INVALID
    owner_entries = await LedgerEntry.filter(user_id=p.owner_id).values_list("amount_fen", "kind")
    assert sum(a for a, _k in owner_entries) == 0
    assert [a for a, k in owner_entries if k == LedgerKind.REVERSAL] == [-earned]
    for o, u in zip(out, helpers, strict=True):
        assert sum(await LedgerEntry.filter(user_id=u.id).values_list("amount_fen", flat=True)) == o.amount
    (late,) = await users(1)
    assert (await commit_batch([HelpAttempt(p.id, late.id, late.openid)], ctx(), NOW))[0].error == "invalid"


async def test_refund_after_split_out_invalidates_the_packet(orm: str) -> None:
    """A refund within the validity invalidates a split-out packet too (2 -> 4) and takes the
    owner's earnings back; the helper keeps theirs (tests/test_refunds.py has the rest)."""
    p = await issue(cashback=15, paid_amount=1000, coupon_price=1000)  # 30 fen: one new-user help
    (a,) = await users(1)
    assert (await commit_batch([HelpAttempt(p.id, a.id, a.openid)], ctx(), NOW))[0].last
    await handle_order_event(event(type="refunded", order_no=(await p.order).order_no), RP, NOW)
    assert (await RedPacket.get(id=p.id)).status == PacketStatus.INVALID
    assert sum(await LedgerEntry.filter(user_id=p.owner_id).values_list("amount_fen", flat=True)) == 0
    assert sum(await LedgerEntry.filter(user_id=a.id).values_list("amount_fen", flat=True)) == 30


async def test_expiry_at_expire_time_and_sweeper_once(orm: str) -> None:
    p = await issue()
    (a,) = await users(1)
    at = p.expire_time
    assert (await commit_batch([HelpAttempt(p.id, a.id, a.openid)], ctx(), at))[0].error == "expired"
    assert await sweep_expired(at - dt.timedelta(microseconds=1)) == []
    assert await sweep_expired(at) == [p.share_token]
    assert await sweep_expired(at + dt.timedelta(hours=1)) == []
    assert (await RedPacket.get(id=p.id)).status == PacketStatus.EXPIRED
    assert await OutboxMessage.filter(kind="expired").count() == 1


async def test_concurrent_sweepers_expire_once(orm: str) -> None:
    for _ in range(5):
        await issue()
    later = NOW + dt.timedelta(days=1)
    results = await asyncio.gather(sweep_expired(later), sweep_expired(later), sweep_expired(later))
    assert sum(len(r) for r in results) == 5
    assert await OutboxMessage.filter(kind="expired").count() == 5


async def test_a_deadlock_counts_as_a_race_and_a_lock_conflict(orm: str) -> None:
    """Regression: asyncpg's DeadlockDetectedError escaped tortoise's translation, so a deadlock
    between two help batches became a 500 instead of a retry; and a MariaDB deadlock between two
    outbox claims was logged as "claiming failed" instead of being retried."""
    if orm.startswith("sqlite"):
        pytest.skip("one writer at a time: SQLite cannot deadlock two transactions")
    from tortoise.transactions import in_transaction

    from bot.infra.db import is_lock_conflict
    from handlers.redpacket.batcher import RACE_ERRORS

    a, b = await issue(), await issue()
    first_locked, second_locked = asyncio.Event(), asyncio.Event()

    async def lock(mine: int, other: int, me: asyncio.Event, them: asyncio.Event) -> None:
        async with in_transaction() as conn:
            await RedPacket.filter(id=mine).select_for_update().using_db(conn)
            me.set()
            await them.wait()
            await RedPacket.filter(id=other).select_for_update().using_db(conn)

    results = await asyncio.gather(lock(a.id, b.id, first_locked, second_locked),
                                   lock(b.id, a.id, second_locked, first_locked), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], RACE_ERRORS), results
    assert is_lock_conflict(errors[0]), repr(errors[0])
    assert not is_lock_conflict(ValueError("x")) and not is_lock_conflict(RuntimeError(1213))


async def test_a_raced_batch_is_bisected_and_only_the_loser_is_refused(orm: str) -> None:
    """Another transaction holds an uncommitted help by helper A; a batch [A, B, C, D] must end
    with A refused (daily_limit) and B, C, D committed, not with the whole batch refused."""
    from tortoise.transactions import in_transaction

    p1, p2 = await issue(), await issue()
    a, b, c, d = await users(4)
    held, release = asyncio.Event(), asyncio.Event()

    async def other_transaction() -> None:
        async with in_transaction() as conn:
            await Help.create(packet_id=p2.id, helper_id=a.id, owner_id=p2.owner_id, amount_fen=30,
                              kind=HelperKind.NEW, day=NOW.astimezone(SH).date(), day_slot=0, owner_day_slot=0,
                              created_at=NOW, using_db=conn)
            await RedPacket.filter(id=p2.id).using_db(conn).update(split_fen=30, help_count=1)
            held.set()
            await release.wait()

    batcher = HelpBatcher(ctx(), clock=lambda: NOW, max_batch=10)
    holder = asyncio.create_task(other_transaction())
    await held.wait()
    batcher.start()
    try:
        futures = [asyncio.ensure_future(batcher.submit(HelpAttempt(p1.id, u.id, u.openid))) for u in (a, b, c, d)]
        await asyncio.sleep(0.5)  # the batch is now waiting on A's uncommitted unique-index entry
        release.set()
        await holder
        out = await asyncio.gather(*futures)
    finally:
        await batcher.stop()
    assert [o.error for o in out] == ["daily_limit", None, None, None]
    assert await Help.filter(packet_id=p1.id).count() == 3


async def test_live_packets_for_the_hongbao_reply(orm: str) -> None:
    """The `红包` reply's read (a query text of its own on PostgreSQL): the owner's live packets only,
    soonest to expire first, at most `limit`."""
    from handlers.redpacket.messages import live_packets

    owner = "o-" + uuid.uuid4().hex[:8]
    hour = dt.timedelta(hours=1)
    later, sooner = await issue(openid=owner, goods_name="后到期"), await issue(NOW - hour, openid=owner)
    await issue(NOW - dt.timedelta(seconds=RP.ttl_seconds), openid=owner)  # expires exactly at NOW
    gone = await issue(openid=owner)
    await RedPacket.filter(id=gone.id).update(status=PacketStatus.INVALID)
    await issue(openid="o-someone-else")
    got = await live_packets(owner, NOW)
    assert [p.share_token for p in got] == [sooner.share_token, later.share_token]
    first = got[1]
    assert (first.goods_name, first.amount_fen, first.split_fen, first.expire_time) == (
        "后到期", later.amount_fen, 0, later.expire_time)
    assert len(await live_packets(owner, NOW, limit=1)) == 1


async def test_live_packets_of_many_owners_in_one_read(orm: str) -> None:
    """The batched `红包` read (one LATERAL query on PostgreSQL): each owner's own packets, in the
    order and up to the limit of `live_packets`; owners without any are left out."""
    from handlers.redpacket.messages import live_packets, live_packets_of

    hour = dt.timedelta(hours=1)
    owners = ["o-" + uuid.uuid4().hex[:8] for _ in range(3)]
    for i in range(3):
        await issue(NOW - hour * i, openid=owners[0])
    await issue(openid=owners[1])
    gone = await issue(openid=owners[1])
    await RedPacket.filter(id=gone.id).update(status=PacketStatus.SPLIT_OUT)
    twins = [await issue(openid=owners[2]) for _ in range(2)]  # the same expiry: the older one first
    await RedPacket.filter(id__in=[t.id for t in twins]).update(expire_time=NOW + hour)
    nobody = "o-none-" + uuid.uuid4().hex[:8]
    got = await live_packets_of([*owners, nobody], NOW, limit=2)
    assert set(got) == set(owners)
    for owner in owners:
        assert got[owner] == await live_packets(owner, NOW, limit=2)
    assert len(got[owners[0]]) == 2 and len(got[owners[1]]) == 1  # noqa: PLR2004
    assert [p.share_token for p in got[owners[2]]] == [t.share_token for t in sorted(twins, key=lambda t: t.id)]
