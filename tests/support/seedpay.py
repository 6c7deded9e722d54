"""The payment gateway's own notifications (../shared/fixtures/seed-pay-notify-*.txt), byte for byte.

Tests may swap the order number (each file's is unique) and nothing else."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

SHARED_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
LOCAL_COPY = Path(__file__).resolve().parents[1] / "fixtures" / "payments"  # the same bytes, for a checkout alone
SEED_FILES = ("seed-pay-notify-1.txt", "seed-pay-notify-2.txt")
SEED_ORDER_NOS = {"seed-pay-notify-1.txt": b"202012291652510426", "seed-pay-notify-2.txt": b"202102041657042356"}


def seed_body(name: str = SEED_FILES[0], order_no: str | None = None) -> bytes:
    """The fixture's bytes, with its OrderNo replaced by `order_no` (URL-encoded) when given."""
    source = SHARED_FIXTURES / name
    raw = (source if source.exists() else LOCAL_COPY / name).read_bytes()
    if order_no is None:
        return raw
    old = b"%3COrderNo%3E" + SEED_ORDER_NOS[name] + b"%3C%2FOrderNo%3E"  # not the PayId that embeds it
    assert raw.count(old) == 1
    return raw.replace(old, b"%3COrderNo%3E" + quote(order_no, safe="").encode() + b"%3C%2FOrderNo%3E")
