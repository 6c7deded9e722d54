"""SPEC §1.4 invariants, checked in the database after a storm (used by tests and benchmarks)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from tortoise.backends.base import executor
from tortoise.transactions import in_transaction

from bot import db as dbmod
from bot.settings import DatabaseSettings
from models.enums import LedgerKind, PacketStatus
from models.ledger import LedgerEntry
from models.redpacket import Help, RedPacket


async def check_db_invariants(db_url: str, daily_help_limit: int, daily_same_owner_limit: int) -> dict[str, Any]:
    """Raise AssertionError on any broken invariant; return counts and every help row read."""
    executor.EXECUTOR_CACHE.clear()
    await dbmod.connect(DatabaseSettings(url=db_url))
    try:
        async with in_transaction() as conn:  # one snapshot, even if the service is still writing
            if db_url.startswith("postgres"):
                await conn.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            helps = await Help.all().using_db(conn).values(
                "packet_id", "helper_id", "owner_id", "amount_fen", "is_last", "day")
            packets = await RedPacket.all().using_db(conn).values(
                "id", "amount_fen", "split_fen", "status", "help_count", "share_token")
            ledger = await LedgerEntry.all().using_db(conn).values_list("user_id", "amount_fen", "kind")
    finally:
        await dbmod.close()
    by_packet: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for h in helps:
        by_packet[int(h["packet_id"])].append(h)
    for p in packets:
        mine = by_packet.get(int(p["id"]), [])
        total = sum(int(h["amount_fen"]) for h in mine)
        split_out = p["status"] == PacketStatus.SPLIT_OUT
        assert total == p["split_fen"] <= p["amount_fen"], ("split sum", p, total)
        assert split_out == (total == p["amount_fen"]), ("split_out iff fully split", p, total)
        assert sum(bool(h["is_last"]) for h in mine) == (1 if split_out else 0), ("exactly one last", p)
        assert p["help_count"] == len(mine), ("help_count", p)
    assert not helps or max(Counter((h["packet_id"], h["helper_id"]) for h in helps).values()) == 1
    per_day = Counter((h["helper_id"], h["day"]) for h in helps)
    assert not helps or max(per_day.values()) <= daily_help_limit, "daily limit exceeded"
    per_owner = Counter((h["helper_id"], h["owner_id"], h["day"]) for h in helps)
    assert not helps or max(per_owner.values()) <= daily_same_owner_limit, "same-owner limit exceeded"
    expected: dict[int, int] = defaultdict(int)
    for h in helps:
        expected[int(h["owner_id"])] += int(h["amount_fen"])
        expected[int(h["helper_id"])] += int(h["amount_fen"])
    balances: dict[int, int] = defaultdict(int)
    for user_id, amount, kind in ledger:
        assert kind != LedgerKind.REVERSAL, "no refunds in a storm"
        balances[int(user_id)] += int(amount)
    diff = {u: (balances.get(u, 0), expected.get(u, 0)) for u in set(balances) | set(expected)
            if balances.get(u, 0) != expected.get(u, 0)}
    assert not diff, f"wallets differ from their helps for {len(diff)} users, e.g. {list(diff.items())[:5]}"
    return {"helps": len(helps), "packets": len(packets), "help_rows": helps, "packet_rows": packets,
            "split_out": sum(p["status"] == PacketStatus.SPLIT_OUT for p in packets)}
