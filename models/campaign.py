"""Campaign-wide money controls kept in the database, shared by every process and host.

- `BudgetCounter`: what has been spent (SPEC "spent": owner + helper credits minus reversals), one
  row per campaign day (`day:2026-11-22`, the day in `campaign.timezone`) and one for the whole
  campaign (`total`). The help transaction locks them FOR UPDATE and moves them with the ledger
  rows it writes, so a hard budget is judged on exact figures whatever the concurrency; a refund's
  reversal moves them back in its own transaction. They always equal the ledger's sums
  (tests/invariants.py checks it after every storm).
- `CampaignControl`: the kill switch of releases before live settings (`pause`), one row; read
  once, when version 1 of the live settings is seeded, so a paused campaign stays paused.
- `CampaignSettingsVersion`: the live settings (handlers/redpacket/live.py): the `redpacket.*`
  tunables, the hard budgets and the pause switch, one row per version, never updated. Version 1
  is config.yaml's; every change through the admin API or page adds the next, with its author.
"""

from typing import Any

from tortoise import fields
from tortoise.models import Model


class BudgetCounter(Model):
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=32, unique=True)
    spent_fen = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "budget_counters"


class CampaignControl(Model):
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=32, unique=True)
    paused = fields.BooleanField(default=False)
    reason = fields.CharField(max_length=255, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "campaign_controls"


class CampaignSettingsVersion(Model):
    version = fields.IntField(primary_key=True, generated=False)
    # {"redpacket": {...}, "campaign": {...}, "paused": bool, "pause_reason": str}
    values: fields.JSONField[dict[str, Any]] = fields.JSONField()
    author = fields.CharField(max_length=64)
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "campaign_settings"
