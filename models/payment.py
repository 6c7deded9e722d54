"""Payment notifications and pay activity configs (SPEC §2).

A notification is stored once per OrderNo (unique key): every repeat, concurrent or hours
later, finds the first row and changes nothing. The offer it earned (lottery or coupons) is
snapshotted on the row at acceptance, so later config edits never change an accepted offer.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.payment_rules import PayOfferKind


class OfferKind(StrEnum):
    LOTTERY = "lottery"
    COUPON = "coupon"
    NONE = "none"


class PayActivityConfig(Model):
    """支付活动配置: a successful payment of `product_code` >= `min_amount_fen` inside the window
    earns `chances` draws in `activity` (kind lottery) or `coupon_template_ids` (kind coupon)."""

    id = fields.BigIntField(primary_key=True)
    product_code = fields.CharField(max_length=64, db_index=True)
    min_amount_fen = fields.BigIntField(default=0)
    kind = fields.CharEnumField(PayOfferKind, max_length=16)
    activity = fields.ForeignKeyField("models.LotteryActivity", related_name="pay_configs", null=True,
                                      on_delete=fields.RESTRICT)
    coupon_template_ids = fields.JSONField(default=list)
    chances = fields.IntField(default=1)
    start_time = fields.DatetimeField()
    end_time = fields.DatetimeField()
    enabled = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "pay_configs"


class PaymentNotification(Model):
    """One accepted payment notification; PayResult != 2 is kept with offer_kind none."""

    id = fields.BigIntField(primary_key=True)
    order_no = fields.CharField(max_length=128, unique=True)
    pay_id = fields.CharField(max_length=128, default="")
    bank_trade_date = fields.CharField(max_length=128, default="")
    amount_fen = fields.BigIntField()
    success = fields.BooleanField()
    err_code = fields.CharField(max_length=128, default="")
    user = fields.ForeignKeyField("models.User", related_name="pay_notices", on_delete=fields.RESTRICT)
    product_code = fields.CharField(max_length=128)
    config_id = fields.BigIntField(null=True)
    offer_kind = fields.CharEnumField(OfferKind, max_length=16)
    offer_activity = fields.ForeignKeyField("models.LotteryActivity", related_name="payments", null=True,
                                            on_delete=fields.RESTRICT)
    offer_template_ids = fields.JSONField(default=list)
    chances = fields.IntField(default=0)
    chances_used = fields.IntField(default=0)  # draws made; the next chance is seq chances_used
    received_at = fields.DatetimeField()

    class Meta:
        table = "payment_notifications"
        indexes = (("user_id", "received_at"),)
