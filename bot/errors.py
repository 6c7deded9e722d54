"""Error codes and the small exception hierarchy translated to HTTP at one boundary."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    BAD_SIGNATURE = "bad_signature"
    INVALID_BODY = "invalid_body"
    NOT_FOUND = "not_found"
    BAD_STATE = "bad_state"
    OAUTH_FAILED = "oauth_failed"
    SELF_HELP = "self_help"
    ALREADY_HELPED = "already_helped"
    DAILY_LIMIT = "daily_limit"
    DAILY_SAME_OWNER_LIMIT = "daily_same_owner_limit"
    EXPIRED = "expired"
    SPLIT_OUT = "split_out"
    INVALID = "invalid"
    BUSY = "busy"
    TOO_LARGE = "too_large"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INTERNAL = "internal"
    UNAVAILABLE = "unavailable"
    # lottery and coupons (SPEC §2)
    NO_CHANCE = "no_chance"
    FREQUENCY_LIMIT = "frequency_limit"
    ACTIVITY_CLOSED = "activity_closed"
    NOTHING_TO_CLAIM = "nothing_to_claim"
    COUPON_USED = "coupon_used"
    COUPON_EXPIRED = "coupon_expired"
    COUPON_NOT_STARTED = "coupon_not_started"
    ALREADY_CLAIMED = "already_claimed"
    SELF_CLAIM = "self_claim"
    THRESHOLD_NOT_MET = "threshold_not_met"
    BAD_TRANSITION = "bad_transition"
    CONFLICT = "conflict"  # the same key (e.g. a payment order_no) with other fields
    ALREADY_USED = "already_used"
    # money limits (SPEC §1.3, budget and pause; wallet spending)
    BUDGET_EXHAUSTED = "budget_exhausted"
    CAMPAIGN_PAUSED = "campaign_paused"
    INSUFFICIENT_BALANCE = "insufficient_balance"


STATUS_OF: dict[ErrorCode, int] = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.BAD_SIGNATURE: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.SELF_HELP: 403,
    ErrorCode.INVALID_BODY: 400,
    ErrorCode.BAD_STATE: 400,
    ErrorCode.OAUTH_FAILED: 400,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.ALREADY_HELPED: 409,
    ErrorCode.EXPIRED: 410,
    ErrorCode.SPLIT_OUT: 410,
    ErrorCode.INVALID: 410,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.DAILY_LIMIT: 429,
    ErrorCode.DAILY_SAME_OWNER_LIMIT: 429,
    ErrorCode.INTERNAL: 500,
    ErrorCode.BUSY: 503,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.NO_CHANCE: 409,
    ErrorCode.FREQUENCY_LIMIT: 429,
    ErrorCode.ACTIVITY_CLOSED: 409,
    ErrorCode.NOTHING_TO_CLAIM: 409,
    ErrorCode.COUPON_USED: 409,
    ErrorCode.COUPON_EXPIRED: 409,
    ErrorCode.COUPON_NOT_STARTED: 409,
    ErrorCode.ALREADY_CLAIMED: 409,
    ErrorCode.SELF_CLAIM: 403,
    ErrorCode.THRESHOLD_NOT_MET: 409,
    ErrorCode.BAD_TRANSITION: 409,
    ErrorCode.ALREADY_USED: 409,
    ErrorCode.BUDGET_EXHAUSTED: 410,
    ErrorCode.CAMPAIGN_PAUSED: 503,
    ErrorCode.INSUFFICIENT_BALANCE: 409,
    ErrorCode.CONFLICT: 409,
}

MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.UNAUTHENTICATED: "请先在微信中登录",
    ErrorCode.BAD_SIGNATURE: "签名无效",
    ErrorCode.FORBIDDEN: "无权操作",
    ErrorCode.INVALID_BODY: "请求格式错误",
    ErrorCode.NOT_FOUND: "不存在",
    ErrorCode.BAD_STATE: "登录状态无效，请重新进入",
    ErrorCode.OAUTH_FAILED: "微信授权失败",
    ErrorCode.SELF_HELP: "不能给自己的红包帮拆",
    ErrorCode.ALREADY_HELPED: "你已经帮拆过这个红包了",
    ErrorCode.DAILY_LIMIT: "今天的帮拆次数已用完",
    ErrorCode.DAILY_SAME_OWNER_LIMIT: "今天已经帮这位好友拆过了",
    ErrorCode.EXPIRED: "红包已过期",
    ErrorCode.SPLIT_OUT: "红包已被拆光",
    ErrorCode.INVALID: "红包已失效",
    ErrorCode.BUSY: "系统繁忙，请稍后再试",
    ErrorCode.TOO_LARGE: "请求体过大",
    ErrorCode.METHOD_NOT_ALLOWED: "不支持的请求方法",
    ErrorCode.INTERNAL: "服务器内部错误",
    ErrorCode.UNAVAILABLE: "服务暂不可用",
    ErrorCode.NO_CHANCE: "没有抽奖机会了",
    ErrorCode.FREQUENCY_LIMIT: "本期抽奖次数已用完，下个周期再来吧",
    ErrorCode.ACTIVITY_CLOSED: "活动未开始或已结束",
    ErrorCode.NOTHING_TO_CLAIM: "该订单没有可领取的优惠券",
    ErrorCode.COUPON_USED: "优惠券已使用",
    ErrorCode.COUPON_EXPIRED: "优惠券已过期",
    ErrorCode.COUPON_NOT_STARTED: "优惠券尚未生效",
    ErrorCode.ALREADY_CLAIMED: "优惠券已被领取",
    ErrorCode.SELF_CLAIM: "不能领取自己分享的优惠券",
    ErrorCode.THRESHOLD_NOT_MET: "未达到优惠券使用门槛",
    ErrorCode.BAD_TRANSITION: "当前状态不允许此操作",
    ErrorCode.CONFLICT: "与已登记的内容不一致",
    ErrorCode.ALREADY_USED: "优惠券已用于另一笔订单",
    ErrorCode.BUDGET_EXHAUSTED: "活动预算已用完",
    ErrorCode.CAMPAIGN_PAUSED: "活动已暂停，请稍后再来",
    ErrorCode.INSUFFICIENT_BALANCE: "钱包余额不足",
}


class FissionError(Exception):
    """A refusal with a stable code; the HTTP boundary renders {"error", "message"}."""

    def __init__(self, code: ErrorCode, message: str | None = None, status: int | None = None):
        self.code = code
        self.message = message or MESSAGES.get(code, code.value)
        self.status = status or STATUS_OF.get(code, 400)
        super().__init__(f"{code.value}: {self.message}")
