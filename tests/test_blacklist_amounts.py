"""Blacklist, both readings of 拉人红包只给0.01, in the help transaction on PostgreSQL, MariaDB and
SQLite: a blacklisted helper gives exactly 1 fen even where the remainder rule would make them the
last helper; every help on a blacklisted owner's packet is 1 fen for both sides."""

from __future__ import annotations

from handlers.redpacket.commit import HelpAttempt, commit_batch
from models.enums import HelperKind, LedgerKind, PacketStatus
from models.ledger import LedgerEntry
from models.redpacket import Help, RedPacket
from models.user import BlacklistEntry, User
from tests.support.storage import NOW, ctx, issue, users


async def ten_fen_packet() -> RedPacket:
    return await issue(cashback=5, paid_amount=1000, coupon_price=1000)  # 5 x 2 = 10 fen (the minimum)


async def test_blacklisted_helper_on_a_ten_fen_packet_gives_one_fen(orm: str) -> None:
    p = await ten_fen_packet()
    assert p.amount_fen == 10
    black = await users(3)
    for u in black:
        await BlacklistEntry.create(openid=u.openid)
    out = await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in black], ctx(), NOW)
    assert [(o.error, o.amount, o.last, o.remaining) for o in out] == [
        (None, 1, False, 9), (None, 1, False, 8), (None, 1, False, 7)]
    q = await RedPacket.get(id=p.id)
    assert q.status == PacketStatus.SPLITTING and q.split_fen == 3
    for u in black:
        entries = await LedgerEntry.filter(user_id=u.id).values_list("amount_fen", "kind")
        assert entries == [(1, LedgerKind.HELP_HELPER)]
    # an ordinary helper afterwards finishes it under the usual rule
    (ok,) = await users(1)
    (last,) = await commit_batch([HelpAttempt(p.id, ok.id, ok.openid)], ctx(), NOW)
    assert (last.amount, last.last) == (7, True)


async def test_blacklisted_helper_takes_the_last_fen_only_when_exactly_one_is_left(orm: str) -> None:
    p = await ten_fen_packet()
    helpers = await users(10)
    for u in helpers:
        await BlacklistEntry.create(openid=u.openid)
    out = await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in helpers], ctx(), NOW)
    assert [o.amount for o in out] == [1] * 10
    assert [o.last for o in out] == [False] * 9 + [True]  # the tenth finds exactly 1 fen left
    assert (await RedPacket.get(id=p.id)).status == PacketStatus.SPLIT_OUT


async def test_every_help_on_a_blacklisted_owners_packet_is_one_fen_both_sides(orm: str) -> None:
    p = await ten_fen_packet()
    owner = await User.get(id=p.owner_id)
    await BlacklistEntry.create(openid=owner.openid)
    helpers = await users(4)  # new users: they would draw 30-80 fen
    out = await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in helpers], ctx(), NOW)
    assert [(o.amount, o.last) for o in out] == [(1, False)] * 4
    kinds = await Help.filter(packet_id=p.id).values_list("kind", flat=True)
    assert set(kinds) == {HelperKind.BLACK_OWNER}
    assert sum(await LedgerEntry.filter(user_id=owner.id).values_list("amount_fen", flat=True)) == 4
    for u in helpers:
        assert await LedgerEntry.filter(user_id=u.id).values_list("amount_fen", flat=True) == [1]
    # the owner's other packets are 1 fen too; another owner's packet is not
    other = await issue()
    (h,) = await users(1)
    (o,) = await commit_batch([HelpAttempt(other.id, h.id, h.openid)], ctx(), NOW)
    assert 30 <= o.amount <= 80
