"""The wallet ledger: insert-only entries; a balance is the sum of a user's entries."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import LedgerKind

if TYPE_CHECKING:
    from models.user import User


class LedgerEntry(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="ledger", on_delete=fields.RESTRICT)
    user_id: int
    amount_fen = fields.BigIntField()  # signed: credits positive, reversals negative
    kind = fields.CharEnumField(LedgerKind, max_length=16)
    # Deterministic business key, e.g. "help:12:34:owner": the same credit can never land twice.
    ref = fields.CharField(max_length=96, unique=True)
    packet_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_entries"
        indexes = (("user_id", "created_at"),)
