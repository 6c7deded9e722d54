"""The audit log: one insert-only row per admin change, written in the change's own transaction
(handlers/admin/audit.py), so a change and its record commit or roll back together."""

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """Who (`actor`: a WeCom userid, or "token" for the shared admin token), with which `role`,
    through which `channel` (api, page, wecom), from which `ip`, did `action` (the route's name or a
    WeCom command) to `target` (the route's ids), the state `before` and `after` (JSON, None when the
    thing did not exist / no longer exists)."""

    id = fields.BigIntField(primary_key=True)
    created_at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=64, db_index=True)
    role = fields.CharField(max_length=16)
    channel = fields.CharField(max_length=8)
    ip = fields.CharField(max_length=45, default="")
    action = fields.CharField(max_length=64, db_index=True)
    target = fields.CharField(max_length=128, default="")
    before: fields.JSONField[Any] = fields.JSONField(null=True)
    after: fields.JSONField[Any] = fields.JSONField(null=True)
    request_id = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_log"
