"""Live campaign settings, storage-level on PostgreSQL, MariaDB and SQLite: version 1 is config.yaml's,
seeded once however many processes race; a change is validated like config.yaml, every problem
listed; concurrent changes get distinct consecutive versions; a help is decided with its request's
one version and records it (the 2-process storm over HTTP is tests/test_live_settings_http.py)."""

from __future__ import annotations

import asyncio

import pytest

from handlers.redpacket import live
from handlers.redpacket.commit import HelpAttempt, commit_batch
from models.campaign import CampaignControl, CampaignSettingsVersion
from models.redpacket import Help
from tests.support.config import make_settings
from tests.support.storage import NOW, ctx, issue, users


@pytest.fixture(autouse=True)
def _fresh() -> None:
    live.forget()


async def test_version_one_is_the_config_seeded_once(orm: str) -> None:
    s = make_settings(redpacket={"daily_help_limit": 3, "new_user_range": [40, 90]},
                      campaign={"daily_budget_fen": 5000})
    await asyncio.gather(*[live.seed(s) for _ in range(8)])  # every process of a deployment at once
    snaps = await asyncio.gather(*[live.current(s) for _ in range(8)])
    assert await CampaignSettingsVersion.all().count() == 1
    snap = snaps[0]
    assert (snap.version, snap.author, snap.paused) == (1, "config.yaml", False)
    assert snap.values["redpacket"]["new_user_range"] == [40, 90] and snap.rules.daily_help_limit == 3
    assert (snap.budget.daily_fen, snap.budget.total_fen) == (5000, 0)
    assert snap.redpacket.batch_max == s.redpacket.batch_max  # not live: config.yaml's


async def test_a_paused_campaign_of_an_older_release_stays_paused(orm: str) -> None:
    await CampaignControl.create(key="pause", paused=True, reason="incident 7")
    snap = await live.current(make_settings())
    assert (snap.version, snap.paused, snap.pause_reason) == (1, True, "incident 7")


async def test_a_bad_change_lists_every_problem_and_writes_nothing(orm: str) -> None:
    s = make_settings()
    base = (await live.current(s)).values
    bad = {"redpacket": {"daily_help_limit": 0, "min_amount": "many", "old_user_range": [15, 10],
                         "batch_max": 9},
           "campaign": {"daily_budget_fen": -1, "timezone": "Mars/Base"}, "paused": "yes", "colour": "red"}
    with pytest.raises(live.LiveSettingsError) as e:
        live.change_values(s, base, bad)
    text = "\n".join(e.value.problems)
    for needle in ("redpacket.daily_help_limit", "redpacket.min_amount", "redpacket.old_user_range",
                   "redpacket.batch_max: not a live setting", "campaign.daily_budget_fen",
                   "campaign.timezone: not a live setting", "paused: must be true or false", "colour: not a live"):
        assert needle in text, (needle, text)
    with pytest.raises(live.LiveSettingsError) as e:  # the cross-field check of config.yaml too
        live.change_values(s, base, {"redpacket": {"min_amount": 900, "max_amount": 100}})
    assert "min_amount must not exceed max_amount" in e.value.problems[0]
    with pytest.raises(live.LiveSettingsError):
        await live.publish(s, lambda b: live.change_values(s, b, bad), "boss")
    assert await CampaignSettingsVersion.all().count() == 1


async def test_changes_are_consecutive_versions_with_their_authors(orm: str) -> None:
    s = make_settings(campaign={"controls_cache_s": 60})
    first = await live.current(s)

    async def change(i: int) -> live.Snapshot:
        snap, changed = await live.publish(
            s, lambda b: live.change_values(s, b, {"campaign": {"total_budget_fen": 1000 + i}}), f"owner{i}")
        assert changed
        return snap

    snaps = await asyncio.gather(*[change(i) for i in range(5)])
    assert sorted(x.version for x in snaps) == [2, 3, 4, 5, 6]
    rows = {r.version: r for r in await CampaignSettingsVersion.all()}
    assert {rows[x.version].author for x in snaps} == {f"owner{i}" for i in range(5)}
    # the same values again: no new version
    latest = rows[6].values
    snap, changed = await live.publish(s, lambda b: live.change_values(s, b, {"campaign": latest["campaign"]}), "x")
    assert (snap.version, changed) == (6, False)
    # this process uses the newest at once; one whose read is still fresh keeps its own until it expires
    assert (await live.current(s)).version == 6 and first.version == 1
    live.forget()
    assert (await live.current(s)).version == 6


async def test_a_help_is_decided_with_its_requests_version_and_records_it(orm: str) -> None:
    s = make_settings()
    v1 = await live.current(s)
    v2, _ = await live.publish(s, lambda b: live.change_values(s, b, {"redpacket": {"new_user_range": [100, 100]}}),
                               "boss")
    p = await issue()
    a, b = await users(2)
    # one batch, two requests that started on either side of the change: each decided by its own
    out = await commit_batch([HelpAttempt(p.id, a.id, a.openid, live=v1), HelpAttempt(p.id, b.id, b.openid, live=v2)],
                             ctx(), NOW)
    assert 30 <= out[0].amount <= 80 and out[1].amount == 100
    assert [o.settings_version for o in out] == [1, 2]
    rows = dict(await Help.filter(packet_id=p.id).values_list("helper_id", "settings_version"))
    assert rows == {a.id: 1, b.id: 2}
    # a budget that changed is the request's too: version 3 has room for nothing
    v3, _ = await live.publish(s, lambda b: live.change_values(s, b, {"campaign": {"total_budget_fen": 1}}), "boss")
    (c,) = await users(1)
    (refused,) = await commit_batch([HelpAttempt(p.id, c.id, c.openid, live=v3)], ctx(), NOW)
    assert (refused.error, refused.settings_version) == ("budget_exhausted", 3)


def test_only_owners_change_settings_while_operators_may_pause() -> None:
    from handlers.admin import audit_routes
    from handlers.admin.audit import Role
    from main import build_app

    app = build_app(make_settings(), name="livecfgroles")
    handlers = {r.name.removeprefix("livecfgroles."): r.handler for r in app.router.routes}
    change = handlers["campaign_admin.update_settings"]
    assert audit_routes.allowed(Role.OWNER, change) and not audit_routes.allowed(Role.OPERATOR, change)
    assert audit_routes.allowed(Role.OPERATOR, handlers["campaign_admin.pause"])  # the kill switch: operators too
