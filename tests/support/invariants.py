"""SPEC §1.4 invariants, checked in the database after a storm (used by tests and benchmarks):
helps and packets, wallets against helps, reversals and debits, budget counters and budgets."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base import executor
from tortoise.transactions import in_transaction

from bot.infra import db as dbmod
from bot.settings import DatabaseSettings
from models.budget_rules import TOTAL_KEY, day_key
from models.campaign import BudgetCounter
from models.enums import LedgerKind, PacketStatus
from models.ledger import LedgerEntry
from models.redpacket import Help, RedPacket
from models.redpacket_rules import local_day

SPENT = {LedgerKind.HELP_OWNER, LedgerKind.HELP_HELPER, LedgerKind.REVERSAL}


async def _read(db_url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]],
                                      dict[str, int]]:
    executor.EXECUTOR_CACHE.clear()
    await dbmod.connect(DatabaseSettings(url=db_url))
    try:
        async with in_transaction() as conn:  # one snapshot, even if the service is still writing
            if db_url.startswith("postgres"):
                await conn.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            helps = await Help.all().using_db(conn).values(
                "packet_id", "helper_id", "owner_id", "amount_fen", "is_last", "day", "kind", "day_slot",
                "settings_version")
            packets = await RedPacket.all().using_db(conn).values(
                "id", "owner_id", "amount_fen", "split_fen", "status", "help_count", "share_token")
            ledger = await LedgerEntry.all().using_db(conn).values(
                "user_id", "amount_fen", "kind", "ref", "packet_id", "created_at")
            counters = dict(await BudgetCounter.all().using_db(conn).values_list("key", "spent_fen"))
    finally:
        await dbmod.close()
    return helps, packets, ledger, {k: int(v) for k, v in counters.items()}


def _check_packets(helps: list[dict[str, Any]], packets: list[dict[str, Any]]) -> None:
    by_packet: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for h in helps:
        by_packet[int(h["packet_id"])].append(h)
    for p in packets:
        mine = by_packet.get(int(p["id"]), [])
        total = sum(int(h["amount_fen"]) for h in mine)
        fully = total == p["amount_fen"]
        assert total == p["split_fen"] <= p["amount_fen"], ("split sum", p, total)
        if p["status"] != PacketStatus.INVALID:  # a refund may invalidate a split-out packet
            assert (p["status"] == PacketStatus.SPLIT_OUT) == fully, ("split_out iff fully split", p, total)
        assert sum(bool(h["is_last"]) for h in mine) == (1 if fully else 0), ("exactly one last", p)
        assert p["help_count"] == len(mine), ("help_count", p)


def _check_limits(helps: list[dict[str, Any]], daily_help_limit: int, daily_same_owner_limit: int) -> None:
    assert not helps or max(Counter((h["packet_id"], h["helper_id"]) for h in helps).values()) == 1
    per_day = Counter((h["helper_id"], h["day"]) for h in helps)
    assert not helps or max(per_day.values()) <= daily_help_limit, "daily limit exceeded"
    per_owner = Counter((h["helper_id"], h["owner_id"], h["day"]) for h in helps)
    assert not helps or max(per_owner.values()) <= daily_same_owner_limit, "same-owner limit exceeded"


def _check_wallets(helps: list[dict[str, Any]], packets: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> None:
    """Credits are exactly the helps; a reversal is exactly the owner's split of an invalid packet,
    once; a debit reversal gives back exactly its debit, once."""
    expected: dict[int, int] = defaultdict(int)
    for h in helps:
        expected[int(h["owner_id"])] += int(h["amount_fen"])
        expected[int(h["helper_id"])] += int(h["amount_fen"])
    packet_of = {int(p["id"]): p for p in packets}
    debits = {e["ref"]: e for e in ledger if e["kind"] == LedgerKind.DEBIT}
    credits: dict[int, int] = defaultdict(int)
    for e in ledger:
        kind, amount, user = e["kind"], int(e["amount_fen"]), int(e["user_id"])
        if kind in (LedgerKind.HELP_OWNER, LedgerKind.HELP_HELPER):
            credits[user] += amount
        elif kind == LedgerKind.REVERSAL:
            p = packet_of[int(e["packet_id"])]
            assert p["status"] == PacketStatus.INVALID and amount == -int(p["split_fen"]) and user == p["owner_id"], e
            assert e["ref"] == f"packet:{p['id']}:reversal", e
        elif kind == LedgerKind.DEBIT:
            assert amount < 0 and e["ref"].startswith("debit:"), e
        elif kind == LedgerKind.DEBIT_REVERSAL:
            d = debits[e["ref"].removesuffix(":reverse")]
            assert amount == -int(d["amount_fen"]) and user == int(d["user_id"]), e
    diff = {u: (credits.get(u, 0), expected.get(u, 0)) for u in set(credits) | set(expected)
            if credits.get(u, 0) != expected.get(u, 0)}
    assert not diff, f"wallets differ from their helps for {len(diff)} users, e.g. {list(diff.items())[:5]}"


def _check_budget(ledger: list[dict[str, Any]], counters: dict[str, int], tz: ZoneInfo,
                  daily_budget_fen: int, total_budget_fen: int) -> dict[str, int]:
    """The counters equal the ledger's "spent" per campaign day and in total; within the budgets."""
    per_day: dict[str, int] = defaultdict(int)
    for e in ledger:
        if e["kind"] in SPENT:
            per_day[day_key(local_day(e["created_at"].astimezone(dt.UTC), tz))] += int(e["amount_fen"])
    total = sum(per_day.values())
    if counters:
        assert counters.get(TOTAL_KEY) == total, ("total counter", counters, total)
        for key, fen in per_day.items():
            assert counters.get(key) == fen, ("day counter", key, counters, fen)
    assert not total_budget_fen or total <= total_budget_fen, ("total budget crossed", total, total_budget_fen)
    for key, fen in per_day.items():
        assert not daily_budget_fen or fen <= daily_budget_fen, ("daily budget crossed", key, fen, daily_budget_fen)
    return {"spent_total": total, **{f"spent_{k}": v for k, v in per_day.items()}}


async def check_db_invariants(db_url: str, daily_help_limit: int, daily_same_owner_limit: int, *,
                              daily_budget_fen: int = 0, total_budget_fen: int = 0,
                              tz: ZoneInfo = ZoneInfo("Asia/Shanghai")) -> dict[str, Any]:
    """Raise AssertionError on any broken invariant; return counts and every help row read."""
    helps, packets, ledger, counters = await _read(db_url)
    _check_packets(helps, packets)
    _check_limits(helps, daily_help_limit, daily_same_owner_limit)
    _check_wallets(helps, packets, ledger)
    spent = _check_budget(ledger, counters, tz, daily_budget_fen, total_budget_fen)
    return {"helps": len(helps), "packets": len(packets), "help_rows": helps, "packet_rows": packets,
            "split_out": sum(p["status"] == PacketStatus.SPLIT_OUT for p in packets), **spent}
