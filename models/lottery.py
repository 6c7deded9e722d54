"""Lottery activities, prize pools, chances, draw history and won prizes (SPEC §2).

Invariants live in the database: a chance is drawn at most once because its draw row is unique
per chance (and the payment's `chances_used` counter moves with it in the same transaction);
the frequency rule is a unique (user, activity, window_key) on draws; the win limit a unique
(user, activity, win_slot) on won prizes; stock a conditional decrement (`stock >= k`).
"""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.activity_rules import ActivityType
from models.campaign_rules import MAX_CHANCES, FulfilmentStatus, PrizeKind
from models.lottery_rules import Frequency

if TYPE_CHECKING:
    from models.coupon import CouponTemplate, UserCoupon
    from models.payment import PaymentNotification
    from models.user import User


class LotteryActivity(Model):
    """抽奖活动. `version` grows on every change of the activity or its prizes: cached alias tables
    are keyed by (id, version)."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64)
    start_time = fields.DatetimeField()
    end_time = fields.DatetimeField()
    frequency = fields.IntEnumField(Frequency, default=Frequency.UNLIMITED)
    win_limit = fields.IntField(default=0)  # 0 = unlimited
    activity_type = fields.CharEnumField(ActivityType, max_length=16, default=ActivityType.PAY_LOTTERY)
    guarantee_after = fields.IntField(default=0)  # 保底: after N misses in a row the next draw wins; 0 = off
    enabled = fields.BooleanField(default=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "lottery_activities"


class LotteryPrize(Model):
    """奖池产品. stock NULL = unlimited; retired prizes (active False) stay for history."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation["LotteryActivity"] = fields.ForeignKeyField(
        "models.LotteryActivity", related_name="prizes", on_delete=fields.RESTRICT)
    activity_id: int
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(PrizeKind, max_length=16)
    weight = fields.BigIntField()
    stock = fields.BigIntField(null=True)
    coupon_template: fields.ForeignKeyNullableRelation["CouponTemplate"] = fields.ForeignKeyField(
        "models.CouponTemplate", related_name="lottery_prizes", null=True, on_delete=fields.RESTRICT)
    coupon_template_id: int | None
    position = fields.IntField(default=0)
    description = fields.CharField(max_length=500, default="")  # 奖品详情
    image_url = fields.CharField(max_length=1024, default="")
    how_to_redeem = fields.CharField(max_length=500, default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "lottery_prizes"
        indexes = (("activity_id", "active"),)


class LotteryChance(Model):
    """One draw a user was granted: chance `seq` of a payment. It is drawn when a LotteryDraw
    row references it (unique), lowest seq first; the payment's `chances_used` counts them.

    The id is computed, `payment_id * MAX_CHANCES + seq` (see `key`), so a draw names the next
    chance from the payment's counter without searching for it.
    """

    id = fields.BigIntField(primary_key=True, generated=False)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="lottery_chances", on_delete=fields.RESTRICT)
    user_id: int
    activity: fields.ForeignKeyRelation["LotteryActivity"] = fields.ForeignKeyField(
        "models.LotteryActivity", related_name="chances", on_delete=fields.RESTRICT)
    activity_id: int
    payment: fields.ForeignKeyRelation["PaymentNotification"] = fields.ForeignKeyField(
        "models.PaymentNotification", related_name="lottery_chances", on_delete=fields.RESTRICT)
    payment_id: int
    seq = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "lottery_chances"
        unique_together = (("payment_id", "seq"),)

    @staticmethod
    def key(payment_id: int, seq: int) -> int:
        if not 0 <= seq < MAX_CHANCES:
            raise ValueError(f"a payment holds at most {MAX_CHANCES} chances")
        return payment_id * MAX_CHANCES + seq


class LotteryDraw(Model):
    """Draw history: every participation, won or not. window_key is the frequency window
    ("d:2026-11-22", "w:…", "m:…") or "c:<chance id>" for unlimited activities."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="lottery_draws", on_delete=fields.RESTRICT)
    user_id: int
    activity: fields.ForeignKeyRelation["LotteryActivity"] = fields.ForeignKeyField(
        "models.LotteryActivity", related_name="draws", on_delete=fields.RESTRICT)
    activity_id: int
    chance: fields.OneToOneRelation["LotteryChance"] = fields.OneToOneField(
        "models.LotteryChance", related_name="draw", on_delete=fields.RESTRICT)
    chance_id: int
    payment_id = fields.BigIntField()
    prize: fields.ForeignKeyNullableRelation["LotteryPrize"] = fields.ForeignKeyField(
        "models.LotteryPrize", related_name="draws", null=True, on_delete=fields.RESTRICT)
    prize_id: int | None
    prize_kind = fields.CharField(max_length=16, null=True)
    won = fields.BooleanField(default=False)
    window_key = fields.CharField(max_length=40)
    activity_version = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "lottery_draws"
        unique_together = (("user_id", "activity_id", "window_key"),)
        indexes = (("user_id", "created_at"),)


class UserPrize(Model):
    """用户活动奖品: a real prize won by a draw, with its fulfilment status."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="lottery_prizes_won", on_delete=fields.RESTRICT)
    user_id: int
    activity: fields.ForeignKeyRelation["LotteryActivity"] = fields.ForeignKeyField(
        "models.LotteryActivity", related_name="winners", on_delete=fields.RESTRICT)
    activity_id: int
    prize: fields.ForeignKeyRelation["LotteryPrize"] = fields.ForeignKeyField(
        "models.LotteryPrize", related_name="winners", on_delete=fields.RESTRICT)
    prize_id: int
    chance: fields.OneToOneRelation["LotteryChance"] = fields.OneToOneField(
        "models.LotteryChance", related_name="user_prize", on_delete=fields.RESTRICT)
    chance_id: int
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(PrizeKind, max_length=16)
    status = fields.CharEnumField(FulfilmentStatus, max_length=16)
    coupon: fields.ForeignKeyNullableRelation["UserCoupon"] = fields.ForeignKeyField(
        "models.UserCoupon", related_name="user_prizes", null=True, on_delete=fields.RESTRICT)
    coupon_id: int | None
    win_slot = fields.IntField(null=True)  # n-th win of this user in this activity, when limited
    note = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "user_prizes"
        unique_together = (("user_id", "activity_id", "win_slot"),)
        indexes = (("user_id", "created_at"),)


class DrawStreak(Model):
    """保底 counter: the non-winning draws in a row of one user in one activity. Moved only by conditional
    updates (`misses = <read value>`) or a unique insert, so two processes drawing for the same
    user at once cannot both count from the same value."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="draw_streaks", on_delete=fields.RESTRICT)
    user_id: int
    activity: fields.ForeignKeyRelation["LotteryActivity"] = fields.ForeignKeyField(
        "models.LotteryActivity", related_name="streaks", on_delete=fields.RESTRICT)
    activity_id: int
    misses = fields.IntField(default=0)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "lottery_draw_streaks"
        unique_together = (("user_id", "activity_id"),)
