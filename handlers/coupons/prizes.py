"""The detail of won prizes (奖品详情: description, image, how to redeem) for "my prizes"."""

from __future__ import annotations

from typing import Any

from models.activity_rules import DETAIL_KEYS
from models.lottery import LotteryPrize, UserPrize


async def prize_details(rows: list[UserPrize]) -> dict[int, dict[str, Any]]:
    """{user prize id: {"description", "image_url", "how_to_redeem"}} for `rows`, in one query."""
    ids = sorted({p.prize_id for p in rows})
    found = await LotteryPrize.filter(id__in=ids).values("id", *DETAIL_KEYS) if ids else []
    by_prize = {int(d.pop("id")): d for d in found}
    empty = dict.fromkeys(DETAIL_KEYS, "")
    return {p.id: by_prize.get(p.prize_id, empty) for p in rows}
