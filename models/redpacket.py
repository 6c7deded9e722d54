"""Platform orders, order events, red packets and helps.

Money invariants live in the database: unique keys on helps — (packet, helper), (helper, day,
slot), (helper, owner, day, slot), the once-per-helper new-user key — and conditional updates on
the packet row guard every help whatever Redis says.
"""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import HelperKind, OrderStatus, PacketStatus

if TYPE_CHECKING:
    from models.user import User


class PlatformOrder(Model):
    id = fields.BigIntField(primary_key=True)
    order_no = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="orders", on_delete=fields.RESTRICT)
    user_id: int
    goods_id = fields.BigIntField(default=0)
    goods_name = fields.CharField(max_length=255, default="")
    goods_thumbnail_url = fields.CharField(max_length=1024, default="")
    paid_fen = fields.BigIntField()
    coupon_price_fen = fields.BigIntField()
    cashback_fen = fields.BigIntField()
    status = fields.CharEnumField(OrderStatus, max_length=16, default=OrderStatus.CONFIRMED)
    # False for the refund marker: a `refunded` event arrived before the order's `confirmed`
    confirmed = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "platform_orders"


class OrderEvent(Model):
    """Every order event processed, unique by event_id: the same delivery twice changes nothing."""

    id = fields.BigIntField(primary_key=True)
    event_id = fields.CharField(max_length=128, unique=True)
    order_no = fields.CharField(max_length=64, db_index=True)
    type = fields.CharField(max_length=16)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "order_events"


class RedPacket(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.OneToOneRelation["PlatformOrder"] = fields.OneToOneField(
        "models.PlatformOrder", related_name="packet", on_delete=fields.RESTRICT)
    order_id: int
    owner: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="packets", on_delete=fields.RESTRICT)
    owner_id: int
    share_token = fields.CharField(max_length=43, unique=True)
    amount_fen = fields.BigIntField()
    split_fen = fields.BigIntField(default=0)
    help_count = fields.IntField(default=0)
    status = fields.IntEnumField(PacketStatus, default=PacketStatus.TO_SHARE)
    goods_name = fields.CharField(max_length=255, default="")
    goods_thumbnail_url = fields.CharField(max_length=1024, default="")
    expire_time = fields.DatetimeField()
    start_time = fields.DatetimeField(null=True)
    end_time = fields.DatetimeField(null=True)
    shared_at = fields.DatetimeField(null=True)
    invalid_time = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    version = fields.IntField(default=0)

    class Meta:
        table = "red_packets"
        indexes = (("owner_id", "created_at"), ("status", "expire_time"))


class Help(Model):
    id = fields.BigIntField(primary_key=True)
    packet: fields.ForeignKeyRelation["RedPacket"] = fields.ForeignKeyField(
        "models.RedPacket", related_name="helps", on_delete=fields.RESTRICT)
    packet_id: int
    helper: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="helps_given", on_delete=fields.RESTRICT)
    helper_id: int
    owner_id = fields.BigIntField()
    amount_fen = fields.BigIntField()
    kind = fields.CharEnumField(HelperKind, max_length=16)
    day = fields.DateField()
    day_slot = fields.SmallIntField()
    owner_day_slot = fields.SmallIntField()
    # "<helper_id>@<launch_date>" on a helper's first help since launch, else NULL: unique, so a
    # helper is a new user at most once even when two helps race.
    new_user_key = fields.CharField(max_length=64, null=True, unique=True)
    is_last = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    # the live-settings version (models/campaign.py CampaignSettingsVersion) the help was decided
    # with; NULL for helps decided before live settings existed
    settings_version = fields.IntField(null=True)

    class Meta:
        table = "helps"
        unique_together = (
            ("packet_id", "helper_id"),
            ("helper_id", "day", "day_slot"),
            ("helper_id", "owner_id", "day", "owner_day_slot"),
        )
        indexes = (("packet_id", "created_at"), ("owner_id", "day"))
