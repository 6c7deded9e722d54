"""Pure rules for what a lottery activity adds beyond its prize pool (SPEC §2): its type
(活动类型: 支付抽奖 / 大转盘 / 翻牌), each prize's detail (奖品详情: description, image, how to
redeem) and the 保底 guarantee (after N non-winning draws in a row the next one wins).

No I/O. Imports no tortoise, redis, sanic or httpx.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from random import Random

MAX_DETAIL_CHARS = 500
MAX_IMAGE_URL_CHARS = 1024
MAX_GUARANTEE_AFTER = 1000


class ActivityType(StrEnum):
    PAY_LOTTERY = "pay_lottery"
    WHEEL = "wheel"
    FLIP_CARD = "flip_card"


ACTIVITY_TYPE_NAMES: dict[ActivityType, str] = {
    ActivityType.PAY_LOTTERY: "支付抽奖",
    ActivityType.WHEEL: "大转盘",
    ActivityType.FLIP_CARD: "翻牌",
}
DETAIL_KEYS = ("description", "image_url", "how_to_redeem")


def activity_types() -> list[dict[str, str]]:
    """The activity types, in their listed order: [{"code", "name"}]."""
    return [{"code": t.value, "name": ACTIVITY_TYPE_NAMES[t]} for t in ActivityType]


def validate_activity_extras(data: Mapping[str, object]) -> list[str]:
    """`type` one of ActivityType (default pay_lottery); `guarantee_after` 0..1000 (0 = no 保底)."""
    errors = []
    if data.get("type", ActivityType.PAY_LOTTERY.value) not in [t.value for t in ActivityType]:
        errors.append(f"type must be one of {[t.value for t in ActivityType]}")
    n = data.get("guarantee_after", 0)
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_GUARANTEE_AFTER:
        errors.append(f"guarantee_after must be an integer 0..{MAX_GUARANTEE_AFTER} (0 = none)")
    prizes = data.get("prizes")
    if isinstance(prizes, Sequence) and not isinstance(prizes, str):
        for i, prize in enumerate(prizes):
            if isinstance(prize, Mapping):
                errors += [f"prizes[{i}].{e}" for e in validate_prize_detail(prize)]
    return errors


def validate_prize_detail(prize: Mapping[str, object]) -> list[str]:
    """description and how_to_redeem: text up to 500 chars; image_url: "" or an http(s) URL."""
    errors = []
    for key in ("description", "how_to_redeem"):
        value = prize.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_DETAIL_CHARS:
            errors.append(f"{key} must be a string of at most {MAX_DETAIL_CHARS} characters")
    url = prize.get("image_url", "")
    if not isinstance(url, str) or len(url) > MAX_IMAGE_URL_CHARS or (
            url and not url.startswith(("https://", "http://", "/"))) or any(c in url for c in "\"'<> \\"):
        errors.append("image_url must be empty, an http(s) URL or a path on this site")
    return errors


def guarantee_due(misses: int, guarantee_after: int) -> bool:
    """保底: after `guarantee_after` non-winning draws in a row, the next draw must win."""
    return guarantee_after > 0 and misses >= guarantee_after


def pick_weighted(weights: Mapping[int, int], rng: Random) -> int | None:
    """One key drawn in proportion to its weight (uniformly when every weight is 0); None if empty."""
    keys = sorted(weights)
    if not keys:
        return None
    total = sum(max(0, weights[k]) for k in keys)
    if total <= 0:
        return keys[rng.randrange(len(keys))]
    point = rng.randrange(total)
    for k in keys:
        point -= max(0, weights[k])
        if point < 0:
            return k
    return keys[-1]
