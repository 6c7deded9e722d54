"""Payment orders, notifications and pay activity configs (SPEC §2).

The mall registers a payment order (payer, product, amount) before it is paid. The gateway's
notifications are kept as received, once per (OrderNo, result), whether or not the order is
registered yet. A payment (`PaymentNotification`) is settled once per OrderNo (unique key): a
failed one may later turn successful, by one conditional update, and never back. The offer it
earned (lottery or coupons) is snapshotted on the row, so later config edits never change it.
"""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

# the one offer enum lives with the payment rules; importable from here beside the tables too
from models.payment_rules import CONFIG_OFFERS
from models.payment_rules import OfferKind as OfferKind

if TYPE_CHECKING:
    from models.lottery import LotteryActivity
    from models.user import User


class PayActivityConfig(Model):
    """支付活动配置: a successful payment of `product_code` >= `min_amount_fen` inside the window
    earns `chances` draws in `activity` (kind lottery) or `coupon_template_ids` (kind coupon)."""

    id = fields.BigIntField(primary_key=True)
    product_code = fields.CharField(max_length=64, db_index=True)
    min_amount_fen = fields.BigIntField(default=0)
    # one of CONFIG_OFFERS (validate_pay_config); the column comment names those two, as it always did
    kind = fields.CharEnumField(OfferKind, max_length=16,
                                description="\n".join(f"{k.name}: {k.value}" for k in CONFIG_OFFERS))
    activity: fields.ForeignKeyNullableRelation["LotteryActivity"] = fields.ForeignKeyField(
        "models.LotteryActivity", related_name="pay_configs", null=True, on_delete=fields.RESTRICT)
    activity_id: int | None
    coupon_template_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    chances = fields.IntField(default=1)
    start_time = fields.DatetimeField()
    end_time = fields.DatetimeField()
    enabled = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "pay_configs"


class PaymentOrder(Model):
    """A payment order the mall registered before payment: who pays, for what, how much."""

    id = fields.BigIntField(primary_key=True)
    order_no = fields.CharField(max_length=128, unique=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="payment_orders", on_delete=fields.RESTRICT)
    user_id: int
    openid = fields.CharField(max_length=64)
    product_code = fields.CharField(max_length=64)
    amount_fen = fields.BigIntField()
    refunded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "payment_orders"


class ReceivedPayNotice(Model):
    """A gateway notification as received, one per (OrderNo, success): kept even while its order is
    not registered, and applied when it is. The first receipt of each result is the one kept."""

    id = fields.BigIntField(primary_key=True)
    order_no = fields.CharField(max_length=128)
    success = fields.BooleanField()
    pay_id = fields.CharField(max_length=128, default="")
    bank_trade_date = fields.CharField(max_length=128, default="")
    amount_fen = fields.BigIntField()
    err_code = fields.CharField(max_length=128, default="")
    user_code = fields.CharField(max_length=128, default="")
    product_code = fields.CharField(max_length=128, default="")
    received_at = fields.DatetimeField()

    class Meta:
        table = "payment_notices_received"
        unique_together = (("order_no", "success"),)


class PaymentNotification(Model):
    """One settled payment per OrderNo; PayResult != 2 is kept with offer_kind none (and may turn
    successful once). `amount_mismatch`: PayAmount differed from the registered amount (earns
    nothing). `paid_at`: the parsed BankTradeDate."""

    id = fields.BigIntField(primary_key=True)
    order_no = fields.CharField(max_length=128, unique=True)
    pay_id = fields.CharField(max_length=128, default="")
    bank_trade_date = fields.CharField(max_length=128, default="")
    amount_fen = fields.BigIntField()
    success = fields.BooleanField()
    err_code = fields.CharField(max_length=128, default="")
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="pay_notices", on_delete=fields.RESTRICT)
    user_id: int
    product_code = fields.CharField(max_length=128)
    config_id = fields.BigIntField(null=True)
    offer_kind = fields.CharEnumField(OfferKind, max_length=16)
    offer_activity: fields.ForeignKeyNullableRelation["LotteryActivity"] = fields.ForeignKeyField(
        "models.LotteryActivity", related_name="payments", null=True, on_delete=fields.RESTRICT)
    offer_activity_id: int | None
    offer_template_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    chances = fields.IntField(default=0)
    chances_used = fields.IntField(default=0)  # draws made; the next chance is seq chances_used
    received_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    amount_mismatch = fields.BooleanField(default=False)
    refunded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_notifications"
        indexes = (("user_id", "received_at"),)


class ChanceRevocation(Model):
    """History of a lottery chance taken back unused when its payment was refunded (the chance row
    itself is deleted, so a draw racing the refund fails on its foreign key)."""

    id = fields.BigIntField(primary_key=True)
    chance_id = fields.BigIntField(unique=True)
    payment: fields.ForeignKeyRelation["PaymentNotification"] = fields.ForeignKeyField(
        "models.PaymentNotification", related_name="revoked_chances", on_delete=fields.RESTRICT)
    payment_id: int
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="revoked_chances", on_delete=fields.RESTRICT)
    user_id: int
    activity_id = fields.BigIntField()
    seq = fields.IntField()
    reason = fields.CharField(max_length=32, default="refund")
    created_at = fields.DatetimeField()

    class Meta:
        table = "lottery_chance_revocations"
