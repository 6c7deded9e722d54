"""Live campaign settings: the `redpacket.*` tunables, the hard budgets and the pause switch,
changed while the service runs. Each change is a new numbered version (models/campaign.py
`CampaignSettingsVersion`, never updated) with its author.

- Version 1 is config.yaml's (paused if the pause row of an older release says so), seeded on the
  first read with an insert that ignores a conflict: processes starting together agree on it. From
  then on the database, not config.yaml, holds these values (docs/operations.md).
- `current(settings)`: this process's snapshot, trusted for `campaign.controls_cache_s` (0.5 s by
  default) and then re-read (one query on the primary key, concurrent callers wait for the one in
  flight). Every process thus applies a new version within that time, without restart.
- `Snapshot`: one version, immutable: the effective `RedPacketSettings` / `CampaignSettings`
  (config.yaml's with the live values on top), the help rules and the budget. A help request
  takes ONE snapshot when it starts and decides everything with it (pause, screen, commit); its
  Help row records `settings_version`. An order event is issued with one snapshot too.
- `change_values(...)`: a change is validated like config.yaml (the same pydantic models), every
  problem listed; `publish(...)` writes the next version, serialised across processes by a row
  lock on version 1.

Live: LIVE_REDPACKET, LIVE_CAMPAIGN, `paused` and `pause_reason`. Everything else (including
`redpacket.batch_max` and `redpacket.sweep_interval_s`, which shape processes) stays in config.yaml.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.settings import CampaignSettings, RedPacketSettings, Settings
from models.budget_rules import Budget
from models.campaign import CampaignControl, CampaignSettingsVersion
from models.redpacket_rules import HelpRules

log = logging.getLogger(__name__)

LIVE_REDPACKET = ("leverage", "min_amount", "max_amount", "max_ratio", "ttl_seconds", "daily_help_limit",
                  "daily_same_owner_limit", "old_user_range", "new_user_range")
LIVE_CAMPAIGN = ("daily_budget_fen", "total_budget_fen")
CONFIG_AUTHOR = "config.yaml"
MAX_REASON = 255


class LiveSettingsError(Exception):
    """A change that cannot run; `problems` lists every one of them."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True, eq=False)
class Snapshot:
    version: int
    values: dict[str, Any]
    author: str
    note: str
    created_at: dt.datetime | None
    redpacket: RedPacketSettings
    campaign: CampaignSettings
    rules: HelpRules
    budget: Budget

    @property
    def paused(self) -> bool:
        return self.budget.paused

    @property
    def pause_reason(self) -> str:
        return str(self.values.get("pause_reason", "")) if self.paused else ""

    def json(self) -> dict[str, Any]:
        at = self.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if self.created_at else None
        return {"version": self.version, "author": self.author, "note": self.note, "created_at": at, **self.values}


def config_values(s: Settings, paused: bool = False, reason: str = "") -> dict[str, Any]:
    """The live values as config.yaml gives them (version 1)."""
    return {"redpacket": s.redpacket.model_dump(mode="json", include=set(LIVE_REDPACKET)),
            "campaign": s.campaign.model_dump(mode="json", include=set(LIVE_CAMPAIGN)),
            "paused": paused, "pause_reason": reason[:MAX_REASON] if paused else ""}


def _problems(section: str, e: ValidationError) -> list[str]:
    return [".".join([section, *(str(x) for x in err["loc"])]) + f": {err['msg']}" for err in e.errors()]


def effective(s: Settings, values: dict[str, Any]) -> tuple[RedPacketSettings, CampaignSettings]:
    """config.yaml's sections with the live values on top, validated as config.yaml is."""
    problems: list[str] = []
    rp = camp = None
    try:
        rp = RedPacketSettings.model_validate({**s.redpacket.model_dump(), **values.get("redpacket", {})})
    except ValidationError as e:
        problems += _problems("redpacket", e)
    try:
        camp = CampaignSettings.model_validate({**s.campaign.model_dump(), **values.get("campaign", {})})
    except ValidationError as e:
        problems += _problems("campaign", e)
    if problems or rp is None or camp is None:
        raise LiveSettingsError(problems)
    return rp, camp


def snapshot_of(s: Settings, row: CampaignSettingsVersion) -> Snapshot:
    values = dict(row.values)
    rp, camp = effective(s, values)
    rules = HelpRules(rp.old_user_range, rp.new_user_range, rp.daily_help_limit, rp.daily_same_owner_limit)
    budget = Budget(camp.daily_budget_fen, camp.total_budget_fen, bool(values.get("paused")))
    return Snapshot(int(row.version), values, row.author, row.note, row.created_at, rp, camp, rules, budget)


def change_values(s: Settings, base: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """`base` (the latest version's values) with the change `body` applied: any of {"redpacket":
    {...}, "campaign": {...}, "paused", "pause_reason"}, each part optional. Raises
    LiveSettingsError listing every problem (unknown or non-live keys, bad values)."""
    problems: list[str] = []
    out: dict[str, Any] = {"redpacket": dict(base.get("redpacket", {})), "campaign": dict(base.get("campaign", {})),
                           "paused": bool(base.get("paused")), "pause_reason": str(base.get("pause_reason", ""))}
    for key, value in body.items():
        if key in ("redpacket", "campaign"):
            live = LIVE_REDPACKET if key == "redpacket" else LIVE_CAMPAIGN
            if not isinstance(value, dict):
                problems.append(f"{key}: must be an object")
                continue
            for name, v in value.items():
                if name in live:
                    out[key][name] = v
                else:
                    problems.append(f"{key}.{name}: not a live setting (live: {', '.join(live)})")
        elif key == "paused":
            if isinstance(value, bool):
                out["paused"] = value
            else:
                problems.append("paused: must be true or false")
        elif key == "pause_reason":
            if isinstance(value, str) and len(value) <= MAX_REASON:
                out["pause_reason"] = value
            else:
                problems.append(f"pause_reason: must be text of at most {MAX_REASON} characters")
        else:
            problems.append(f"{key}: not a live setting")
    try:
        rp, camp = effective(s, out)
    except LiveSettingsError as e:
        problems += e.problems
    else:  # stored as validated (e.g. "5" -> 5), so every process reads back the same values
        out["redpacket"] = rp.model_dump(mode="json", include=set(LIVE_REDPACKET))
        out["campaign"] = camp.model_dump(mode="json", include=set(LIVE_CAMPAIGN))
    if problems:
        raise LiveSettingsError(problems)
    if not out["paused"]:
        out["pause_reason"] = ""
    return out


# ---- the database ---------------------------------------------------------------------------------


async def seed(s: Settings) -> None:
    """Version 1 from config.yaml, unless there is one (an insert that ignores the conflict: safe
    when every process of a deployment does it at once)."""
    if await CampaignSettingsVersion.exists(version=1):
        return
    legacy = await CampaignControl.filter(key="pause").first()
    values = config_values(s, bool(legacy and legacy.paused), legacy.reason if legacy and legacy.paused else "")
    await CampaignSettingsVersion.bulk_create([CampaignSettingsVersion(
        version=1, values=values, author=CONFIG_AUTHOR, note="config.yaml", created_at=utcnow())],
        ignore_conflicts=True)


async def latest_row(s: Settings) -> CampaignSettingsVersion:
    row = await CampaignSettingsVersion.all().order_by("-version").first()
    if row is None:
        await seed(s)
        row = await CampaignSettingsVersion.all().order_by("-version").first()
    assert row is not None
    return row


async def versions(limit: int = 50) -> list[CampaignSettingsVersion]:
    return await CampaignSettingsVersion.all().order_by("-version").limit(max(1, min(limit, 500)))


async def version_row(version: int) -> CampaignSettingsVersion | None:
    return await CampaignSettingsVersion.get_or_none(version=version)


async def publish(s: Settings, change: Callable[[dict[str, Any]], dict[str, Any]], author: str,
                  note: str = "") -> tuple[Snapshot, bool]:
    """Write the next version: `change(latest values)` -> new values (raising LiveSettingsError).
    (snapshot, True) when a version was written; (latest, False) when the change changes nothing.
    Writers are serialised by locking version 1's row; the latest version is read under the lock
    (a locking read: MySQL's repeatable read would otherwise show an older one). This process
    uses the new version at once; the others within `campaign.controls_cache_s`."""
    await seed(s)
    async with in_transaction() as conn:
        await CampaignSettingsVersion.filter(version=1).select_for_update().using_db(conn).first()
        latest = await CampaignSettingsVersion.all().order_by("-version").select_for_update().using_db(conn).first()
        assert latest is not None
        values = change(dict(latest.values))
        if values == latest.values:
            snap = snapshot_of(s, latest)
            changed = False
        else:
            row = await CampaignSettingsVersion.create(version=int(latest.version) + 1, values=values,
                                                       author=author[:64], note=note[:255], using_db=conn)
            snap = snapshot_of(s, row)
            changed = True
    _HOLDER.put(s, snap)
    if changed:
        log.info("live settings: version %s by %s", snap.version, author)
    return snap, changed


# ---- this process's snapshot --------------------------------------------------------------------------


class _Holder:
    """The snapshot this process decides with, and when it was read."""

    def __init__(self) -> None:
        self.base: Settings | None = None
        self.snap: Snapshot | None = None
        self.read_at = 0.0
        self.locks: dict[int, asyncio.Lock] = {}

    def _for(self, s: Settings) -> None:
        if self.base is not s:  # another settings object (tests): nothing held applies
            self.base, self.snap, self.read_at = s, None, 0.0

    def fresh(self, s: Settings) -> Snapshot | None:
        self._for(s)
        if self.snap is not None and time.monotonic() - self.read_at < s.campaign.controls_cache_s:
            return self.snap
        return None

    def put(self, s: Settings, snap: Snapshot, read_at: float | None = None) -> None:
        self._for(s)
        self.snap, self.read_at = snap, time.monotonic() if read_at is None else read_at

    def lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self.locks.get(id(loop))
        if lock is None:
            self.locks = {id(loop): (lock := asyncio.Lock())}
        return lock


_HOLDER = _Holder()


async def current(s: Settings) -> Snapshot:
    """The live settings now, as this process sees them (at most `campaign.controls_cache_s` old)."""
    snap = _HOLDER.fresh(s)
    if snap is not None:
        return snap
    async with _HOLDER.lock():
        snap = _HOLDER.fresh(s)
        if snap is not None:
            return snap
        started = time.monotonic()
        row = await latest_row(s)
        held = _HOLDER.snap
        snap = held if held is not None and held.version == row.version else snapshot_of(s, row)
        if held is not None and held.version != snap.version:
            log.info("live settings: now version %s (was %s)", snap.version, held.version)
        _HOLDER.put(s, snap, started)
        return snap


def held_version() -> int | None:
    """The version this process last read (None before any read)."""
    return _HOLDER.snap.version if _HOLDER.snap is not None else None


async def ready_version(s: Settings) -> int | None:
    """For /readyz: the version in use now (re-read when stale); None when it cannot be read."""
    try:
        return (await current(s)).version
    except Exception as e:  # readiness reports, never raises
        log.warning("live settings unreadable: %r", e)
        return held_version()


def forget() -> None:
    """Drop what this process holds (tests switching databases)."""
    _HOLDER.snap, _HOLDER.read_at = None, 0.0
