"""Server-to-server webhook signatures: `X-Fission-Signature: sha256=HEX`, HMAC-SHA256 of the raw body."""

from __future__ import annotations

import hashlib
import hmac

from bot.errors import ErrorCode, FissionError

HEADER = "X-Fission-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(header: str | None, body: bytes, secret: str) -> None:
    """Raise 401 bad_signature unless the header carries the body's HMAC (constant-time compare)."""
    if not header or not hmac.compare_digest(header.strip().lower().encode(), sign(body, secret).encode()):
        raise FissionError(ErrorCode.BAD_SIGNATURE)
