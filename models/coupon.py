"""Coupon templates, coupons granted to users and the history of every change (SPEC §2).

A coupon is granted once per business key (`source_ref`, unique: "pay:<payment>:<template>",
"chance:<chance>"); the per-user limit is a unique (granted_to, template, grant_slot); template
stock a conditional decrement of `stock_left`. Terms (kind, value, threshold) are copied onto
the coupon at grant, so editing a template never changes coupons already granted.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.coupon_rules import CouponKind

if TYPE_CHECKING:
    from models.user import User


class CouponSource(StrEnum):
    PAYMENT = "payment"
    LOTTERY = "lottery"


class CouponAction(StrEnum):
    GRANTED = "granted"
    SHARED = "shared"
    CLAIMED = "claimed"  # a friend took a shared coupon: the giver lost it
    REDEEMED = "redeemed"
    REVOKED = "revoked"  # its payment was refunded while it was unused


class CouponTemplate(Model):
    """Validity: valid_days N (relative to the grant) or valid_from/valid_until (fixed).
    stock NULL = unlimited; stock_left counts down; per_user_limit 0 = unlimited."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(CouponKind, max_length=16)
    value = fields.BigIntField()
    threshold_fen = fields.BigIntField(default=0)
    valid_days = fields.IntField(null=True)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    stock = fields.BigIntField(null=True)
    stock_left = fields.BigIntField(null=True)
    per_user_limit = fields.IntField(default=0)
    enabled = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "coupon_templates"


class UserCoupon(Model):
    """优惠券关联表: a coupon owned by `user` (changes when a friend claims a shared coupon)."""

    id = fields.BigIntField(primary_key=True)
    template: fields.ForeignKeyRelation["CouponTemplate"] = fields.ForeignKeyField(
        "models.CouponTemplate", related_name="coupons", on_delete=fields.RESTRICT)
    template_id: int
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="user_coupons", on_delete=fields.RESTRICT)
    user_id: int
    granted_to: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="user_coupons_granted", on_delete=fields.RESTRICT)
    granted_to_id: int
    grant_slot = fields.IntField(null=True)
    source = fields.CharEnumField(CouponSource, max_length=16)
    source_ref = fields.CharField(max_length=96, unique=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(CouponKind, max_length=16)
    value = fields.BigIntField()
    threshold_fen = fields.BigIntField(default=0)
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)  # taken back unused (refund); valid_until is cut to it too
    redeem_ref = fields.CharField(max_length=128, null=True)
    share_token = fields.CharField(max_length=43, null=True, unique=True)
    shared_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "user_coupons"
        unique_together = (("granted_to_id", "template_id", "grant_slot"),)
        indexes = (("user_id", "valid_until"),)


class CouponHistory(Model):
    """Every change of a coupon: granted, shared, claimed by a friend, redeemed."""

    id = fields.BigIntField(primary_key=True)
    coupon: fields.ForeignKeyRelation["UserCoupon"] = fields.ForeignKeyField(
        "models.UserCoupon", related_name="history", on_delete=fields.RESTRICT)
    coupon_id: int
    action = fields.CharEnumField(CouponAction, max_length=16)
    user_id = fields.BigIntField()  # the owner after the change
    from_user_id = fields.BigIntField(null=True)
    ref = fields.CharField(max_length=128, default="", db_index=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "coupon_history"
