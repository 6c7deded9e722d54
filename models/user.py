"""Users (WeChat openid + profile) and the blacklist."""

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model


class User(Model):
    id = fields.BigIntField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    nickname = fields.CharField(max_length=128, default="")
    avatar = fields.CharField(max_length=512, default="")
    # sessions signed with an older epoch are void (bot/web/session_epochs.py): bumped on logout and blacklisting
    session_epoch = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"

    @classmethod
    async def ensure(cls, openid: str) -> "User":
        """The user for an openid, created on first sight (safe against a concurrent creator)."""
        for _ in range(3):
            user = await cls.get_or_none(openid=openid)
            if user:
                return user
            try:
                return await cls.create(openid=openid)
            except IntegrityError:
                continue
        raise RuntimeError(f"could not create user {openid!r}")


class BlacklistEntry(Model):
    """A blacklisted openid: its helps give exactly 1 fen (SPEC §1.3)."""

    id = fields.BigIntField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    reason = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "blacklist"
