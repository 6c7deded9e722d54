"""Subscribe-message consent (订阅通知): what each user said to each subscribe template, and which
outbox events already went out as a subscribe message (WeChat's bizsend has no client_msg_id, so
a retried delivery checks here instead of sending twice)."""

import datetime as dt
from enum import StrEnum

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction


class ConsentStatus(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class ConsentSource(StrEnum):
    PAGE = "page"  # the H5 page posted the wx-open-subscribe result
    POPUP = "popup"  # subscribe_msg_popup_event
    CHANGE = "change"  # subscribe_msg_change_event (the user turned it off in WeChat)
    REFUSED = "refused"  # bizsend answered 43101: the user refused or withdrew


class Subscription(Model):
    """The latest word of `openid` on `template_id`; `said_at` orders words arriving out of order."""

    id = fields.BigIntField(primary_key=True)
    openid = fields.CharField(max_length=64)
    template_id = fields.CharField(max_length=64)
    status = fields.CharEnumField(ConsentStatus, max_length=8)
    source = fields.CharEnumField(ConsentSource, max_length=8)
    said_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "subscriptions"
        unique_together = (("openid", "template_id"),)


class SubscribeSend(Model):
    """One outbox event delivered as a subscribe message (`key` is the outbox key)."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=128, unique=True)
    openid = fields.CharField(max_length=64)
    template_id = fields.CharField(max_length=64)
    sent_at = fields.DatetimeField()

    class Meta:
        table = "subscribe_sends"


async def record_consent(openid: str, template_id: str, status: ConsentStatus, source: ConsentSource,
                         said_at: dt.datetime) -> bool:
    """Store the user's word unless a later one is stored; True when this word is now the latest."""
    for _ in range(3):
        changed = await Subscription.filter(openid=openid, template_id=template_id, said_at__lte=said_at).update(
            status=status, source=source, said_at=said_at)
        if changed:
            return True
        if await Subscription.exists(openid=openid, template_id=template_id):
            return False  # a later word is already stored
        try:
            async with in_transaction():  # a savepoint when the caller has a transaction open
                await Subscription.create(openid=openid, template_id=template_id, status=status, source=source,
                                          said_at=said_at)
            return True
        except IntegrityError:  # a concurrent first word: compare with it
            continue
    return False


async def is_subscribed(openid: str, template_id: str) -> bool:
    return await Subscription.exists(openid=openid, template_id=template_id, status=ConsentStatus.ACCEPT)
