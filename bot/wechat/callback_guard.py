"""Downgrade and replay guards of the WeChat callback doors (bot/wechat/callbacks.py).

Downgrade: a plain-mode POST is signed over (token, timestamp, nonce) only — the same signature a
URL check (GET) carries — so whoever saw one such triple can post any body with it for the 5
minutes the timestamp stays fresh. `wechat.mode` says which POSTs the Official Account sends:
`safe` (encrypted only: a plain POST is refused 403 `wrong_mode` before anything else is read),
`compat` (both; the default), `plain` (plain only: an encrypted POST is refused the same way).
WeCom has no plain mode: every WeCom POST is a `msg_signature` over the ciphertext.

Replay: each accepted POST records its (door, timestamp, nonce) → a digest of its raw body in
Redis for NONCE_TTL_S (the whole ±MAX_CLOCK_SKEW_S window the timestamp is accepted in), in the
admission's batched script (bot/wechat/admission.py: `SET NX GET EX`, no extra round trip). The same
body again is a network-level retry and goes on to the delivery claim like any retry (answered
`success` when it was handled); another body under a used pair is refused 403 `replayed_nonce`
and handled never. WeChat's own retries carry fresh nonces: never refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Literal

from bot.keys import Keys
from bot.wechat.crypto import MAX_CLOCK_SKEW_S
from bot.wechat.messages import CallbackError, CallbackErrorCode

Mode = Literal["safe", "compat", "plain"]
NONCE_TTL_S = 2 * MAX_CLOCK_SKEW_S + 5  # a timestamp is fresh from ts-300 to ts+300 by our clock


class WrongMode(CallbackError):
    code = CallbackErrorCode.WRONG_MODE
    http_status = 403


class ReplayedNonce(CallbackError):
    code = CallbackErrorCode.REPLAYED_NONCE
    http_status = 403


def check_mode(mode: Mode, query: Mapping[str, str]) -> None:
    """Refuse a POST whose encryption the Official Account's mode never sends (WrongMode, 403)."""
    encrypted = query.get("encrypt_type") == "aes"
    if mode == "safe" and not encrypted:
        raise WrongMode("plain message refused: the account is in safe mode")
    if mode == "plain" and encrypted:
        raise WrongMode("encrypted message refused: the account is in plain mode")


def nonce_entry(keys: Keys, scope: str, query: Mapping[str, str], body: bytes) -> tuple[str, str]:
    """(Redis key of the request's timestamp and nonce, digest of its raw body). Call after the
    signature check: both parameters are then known to have their checked shapes."""
    key = f"{keys.p}:nonce:{scope}:{query['timestamp']}:{query['nonce']}"
    return key, hashlib.sha256(body).hexdigest()
