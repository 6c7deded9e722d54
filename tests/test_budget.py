"""Hard budgets, the pause switch and the one definition of "spent", storage-level on PostgreSQL,
MariaDB and SQLite (the 2-process storm is tests/test_budget_storm.py)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.settings import AlertSettings
from handlers.admin import alerts
from handlers.admin.api import campaign_stats
from handlers.admin.page import hourly_burn
from handlers.redpacket import budget as budgetmod
from handlers.redpacket import live
from handlers.redpacket.commit import HelpAttempt, commit_batch
from handlers.redpacket.orders import handle_order_event
from models.budget_rules import Budget
from models.campaign import BudgetCounter
from models.enums import HelperKind
from models.ledger import LedgerEntry
from models.outbox import OutboxMessage
from models.redpacket import Help, RedPacket
from models.redpacket_rules import help_amount
from tests.support.config import make_settings
from tests.support.storage import NOW, RP, SH, ctx, event, issue, users


async def counters() -> dict[str, int]:
    return dict(await BudgetCounter.all().values_list("key", "spent_fen"))


async def test_a_help_that_would_cross_the_budget_is_refused_and_changes_nothing(orm: str) -> None:
    p = await issue()
    first, second = await users(2)
    (ok,) = await commit_batch([HelpAttempt(p.id, first.id, first.openid)], ctx(), NOW)
    spent = 2 * ok.amount
    assert await counters() == {"day:2026-11-22": spent, "total": spent}
    tight = Budget(daily_fen=spent + 2 * 30 - 1)  # a new user's help costs at least 2 x 30
    (refused,) = await commit_batch([HelpAttempt(p.id, second.id, second.openid)], ctx(), NOW, tight)
    assert refused.error == "budget_exhausted"
    q = await RedPacket.get(id=p.id)
    assert (q.split_fen, q.help_count, q.status, q.version) == (p.split_fen + ok.amount, 1, 1, q.version)
    assert await Help.filter(helper_id=second.id).count() == 0
    assert await LedgerEntry.filter(user_id=second.id).count() == 0
    assert await counters() == {"day:2026-11-22": spent, "total": spent}
    # a budget that fits exactly lets it through
    (fits,) = await commit_batch([HelpAttempt(p.id, second.id, second.openid)], ctx(seed=5), NOW,
                                 Budget(total_fen=10**6))
    assert fits.error is None
    assert await budgetmod.spent_fen() == spent + 2 * fits.amount == (await counters())["total"]


async def test_a_help_reaching_the_budget_exactly_is_accepted(orm: str) -> None:
    p = await issue()
    (h,) = await users(1)
    # the same seed draws the same amount: learn it from the pure rule first
    x, _ = help_amount(ctx(seed=9).rules, HelperKind.NEW, 5000, ctx(seed=9).rng)
    (o,) = await commit_batch([HelpAttempt(p.id, h.id, h.openid)], ctx(seed=9), NOW, Budget(daily_fen=2 * x))
    assert (o.error, o.amount) == (None, x)
    assert (await counters())["day:2026-11-22"] == 2 * x


async def test_concurrent_batches_never_cross_the_budget(orm: str, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("one writer at a time: nothing to race")
    packets = [await issue() for _ in range(4)]
    helpers = await users(40)
    cap = Budget(daily_fen=1000)
    jobs = [commit_batch([HelpAttempt(packets[i % 4].id, u.id, u.openid)], ctx(seed=i), NOW, cap)
            for i, u in enumerate(helpers)]
    results = await asyncio.gather(*jobs, return_exceptions=True)
    done = [r[0] for r in results if isinstance(r, list)]
    assert {o.error for o in done} <= {None, "budget_exhausted"}
    spent = await budgetmod.spent_fen()
    assert spent == 2 * sum(o.amount for o in done if o.error is None) == (await counters())["day:2026-11-22"]
    assert spent <= 1000
    assert any(o.error == "budget_exhausted" for o in done)


async def test_a_refund_moves_the_counters_back(orm: str) -> None:
    p = await issue()
    (h,) = await users(1)
    (o,) = await commit_batch([HelpAttempt(p.id, h.id, h.openid)], ctx(), NOW)
    await handle_order_event(event(type="refunded", order_no=(await p.order).order_no), RP, NOW)
    assert await counters() == {"day:2026-11-22": o.amount, "total": o.amount}  # the helper keeps theirs
    assert await budgetmod.spent_fen() == o.amount


async def test_issuing_stops_once_the_budget_cannot_pay_a_help(orm: str) -> None:
    p = await issue()
    (h,) = await users(1)
    (o,) = await commit_batch([HelpAttempt(p.id, h.id, h.openid)], ctx(), NOW)
    spent = 2 * o.amount
    roomy = await handle_order_event(event(), RP, NOW, budget=Budget(total_fen=spent + 20))
    assert roomy.packet_id is not None  # an old user's smallest help (2 x 10) still fits
    stopped = event()
    res = await handle_order_event(stopped, RP, NOW, budget=Budget(total_fen=spent + 19))
    assert res.packet_id is None and not res.duplicate
    assert not await RedPacket.exists(order__order_no=stopped.order_no)


async def test_counters_are_seeded_from_the_ledger(orm: str) -> None:
    p = await issue()
    (h,) = await users(1)
    (o,) = await commit_batch([HelpAttempt(p.id, h.id, h.openid)], ctx(), NOW)
    await BudgetCounter.all().delete()  # e.g. a deployment upgraded with a ledger already there
    budgetmod._known_counters.clear()
    tomorrow = NOW + dt.timedelta(days=1)
    assert (await budgetmod.spent_now(tomorrow, SH)).total_fen == 2 * o.amount
    assert await counters() == {"day:2026-11-23": 0, "total": 2 * o.amount}


async def test_one_definition_of_spent_for_stats_chart_and_alerts(orm: str) -> None:
    p = await issue()
    helpers = await users(3)
    out = await commit_batch([HelpAttempt(p.id, u.id, u.openid) for u in helpers], ctx(), NOW)
    await handle_order_event(event(type="refunded", order_no=(await p.order).order_no), RP, NOW)
    expected = sum(o.amount for o in out)  # owner's credits reversed, helpers keep theirs
    stats = await campaign_stats(SH, NOW)
    assert stats.spent_today_fen == stats.spent_total_fen == expected
    assert sum(await hourly_burn(SH, NOW)) == expected
    assert await budgetmod.spent_fen() == expected == (await counters())["total"]
    # the alerts read the same figure: 100% of a daily budget of exactly that, 80% of a total budget
    # of that / 0.8 (floored, so the 80% line is just reached and the 100% one not)
    hard = Budget(daily_fen=expected, total_fen=int(expected / 0.8))
    assert await alerts.check_budget(AlertSettings(), SH, NOW, hard) == ["day:2026-11-22:100", "total:80"]
    text = (await OutboxMessage.get(key="alert:budget:day:2026-11-22:100")).payload["text"]
    assert "100%" in text


async def test_hard_budget_wins_over_the_alert_only_one(orm: str) -> None:
    p = await issue()
    (h,) = await users(1)
    (o,) = await commit_batch([HelpAttempt(p.id, h.id, h.openid)], ctx(), NOW)
    legacy = AlertSettings(daily_budget_fen=10**9)  # never reached
    assert await alerts.check_budget(legacy, SH, NOW, Budget(daily_fen=2 * o.amount)) == ["day:2026-11-22:100"]


async def test_pause_is_a_shared_live_setting(orm: str) -> None:
    s = make_settings(campaign={"controls_cache_s": 60})
    assert await budgetmod.paused(s) is False
    snap = await budgetmod.set_paused(s, True, "incident", "boss")
    assert (snap.version, snap.paused, snap.pause_reason, snap.author) == (2, True, "incident", "boss")
    assert await budgetmod.paused(s) is True  # this process: at once
    live.forget()  # another process: reads the latest version
    assert await budgetmod.paused(s) is True
    await budgetmod.set_paused(s, False)
    assert await budgetmod.paused(s) is False
    assert [r.values["paused"] for r in reversed(await live.versions())] == [False, True, False]
