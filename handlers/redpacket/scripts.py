"""The help screen's Redis work as ONE script call per batch, on a single Redis server.

`HelpCache` reads a batch's facts (and counts its rate limits) and, after commit, writes what the
database established. As pipelines that is four to six commands per help, and redis-py's cost per
command (packing, parsing the reply) was ~20% of a worker's CPU on a hot packet. SCREEN_LUA and
REMEMBER_LUA do the same commands inside Redis, in the same order, so redis-py packs and parses
one command per batch. A Redis Cluster keeps the pipelines: a batch's keys sit in many slots, and
a script may only touch keys of one.
"""

from __future__ import annotations

from typing import Any

from bot.infra.ratelimit import WINDOW_FN_LUA
from bot.settings import Limit

# ARGV[1] tokens T, ARGV[2] asks A; KEYS: (info, terminal) per token, then per ask (helpers, day
# count, its rate counters…); ARGV[3…] per ask: helper id, counters c, c window ms.
# -> per token: HGETALL as a flat list, GET; per ask: SISMEMBER, GET, {count, ms left} per counter.
SCREEN_LUA = WINDOW_FN_LUA + """
local tokens, asks = tonumber(ARGV[1]), tonumber(ARGV[2])
local out, k, a = {}, 1, 3
for _ = 1, tokens do
  out[#out + 1] = redis.call('HGETALL', KEYS[k])
  out[#out + 1] = redis.call('GET', KEYS[k + 1])
  k = k + 2
end
for _ = 1, asks do
  out[#out + 1] = redis.call('SISMEMBER', KEYS[k], ARGV[a])
  out[#out + 1] = redis.call('GET', KEYS[k + 1])
  local counters = tonumber(ARGV[a + 1])
  k, a = k + 2, a + 2
  for _ = 1, counters do
    local n, ttl = window(KEYS[k], ARGV[a])
    out[#out + 1] = {n, ttl}
    k, a = k + 1, a + 1
  end
end
return out
"""

# One write per key, in order: ARGV holds each write's name and arguments (a fixed set of writes).
REMEMBER_LUA = """
local a = 1
for k = 1, #KEYS do
  local op = ARGV[a]
  if op == 'sadd' then
    redis.call('SADD', KEYS[k], ARGV[a + 1]); a = a + 2
  elseif op == 'expire' then
    redis.call('EXPIRE', KEYS[k], ARGV[a + 1]); a = a + 2
  elseif op == 'set_ex' or op == 'set_exat' then
    redis.call('SET', KEYS[k], ARGV[a + 1], op == 'set_ex' and 'EX' or 'EXAT', ARGV[a + 2]); a = a + 3
  else
    return redis.error_reply('unknown write ' .. tostring(op))
  end
end
return #KEYS
"""


def screen_call(tokens: list[tuple[str, str]], asks: list[tuple[str, str, str, list[tuple[str, Limit]]]]
                ) -> tuple[list[str], list[Any]]:
    """KEYS and ARGV of SCREEN_LUA: (info key, terminal key) per token; (helpers key, day-count key,
    helper id, rate plan) per ask."""
    keys = [k for pair in tokens for k in pair]
    args: list[Any] = [len(tokens), len(asks)]
    for helpers, day, helper_id, plan in asks:
        keys += [helpers, day, *[k for k, _rule in plan]]
        args += [helper_id, len(plan), *[rule.window_s * 1000 for _k, rule in plan]]
    return keys, args


def as_pipeline_replies(flat: list[Any], tokens: int) -> list[Any]:
    """SCREEN_LUA's replies laid out as the pipeline's: a pipeline's HGETALL reply (the first of
    each token's two) is a dict, the script's a flat [field, value, …] list."""
    out = list(flat)
    for i in range(0, 2 * tokens, 2):
        info = out[i] or []
        out[i] = dict(zip(info[::2], info[1::2], strict=True))
    return out


class RememberWrites:
    """Records the writes `HelpCache` queues on a pipeline (the same methods), to send them as one
    REMEMBER_LUA call."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.args: list[Any] = []

    def sadd(self, key: str, member: str) -> None:
        self.keys.append(key)
        self.args += ["sadd", member]

    def expire(self, key: str, ttl_s: int) -> None:
        self.keys.append(key)
        self.args += ["expire", ttl_s]

    def set(self, key: str, value: Any, *, ex: int | None = None, exat: int | None = None) -> None:
        if (ex is None) == (exat is None):
            raise ValueError("a remembered value expires: give ex or exat")
        self.keys.append(key)
        self.args += ["set_ex", value, ex] if ex is not None else ["set_exat", value, exat]
