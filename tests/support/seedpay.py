"""The payment gateway's own notifications (../shared/fixtures/seed-pay-notify-*.txt), byte for byte.

Tests may swap the order number (each file's is unique) and nothing else."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from handlers.payments.orders import PaymentOrderIn
from models.payment_rules import PayNotice
from tests.support.paykit import (
    WINDOW,
    admin_client,
    uid,
)
from tests.support.service import Service

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
TOKEN = "tok_" + "k3Yq9ZpW7vLx2RnT5sBc8HdF"  # >= 24 URL-safe characters
NONE_ONLY = [{"name": "谢谢参与", "kind": "none", "weight": 1}]


def seed_order_no() -> str:
    return uid("s").replace("-", "")  # the seed's order numbers are plain alphanumerics


def setup_lottery(s: Service, product: str = "SEED", min_amount: int = 1) -> int:
    with admin_client(s) as admin:
        act = admin.post("/admin/api/activities", json={
            "name": "支付抽奖", **WINDOW, "frequency": 0, "win_limit": 0, "prizes": NONE_ONLY}).json()
        r = admin.post("/admin/api/pay-configs", json={"product_code": product, "min_amount": min_amount,
                                                       "kind": "lottery", "activity_id": act["id"], **WINDOW})
        assert r.status_code == 200, r.text
    return int(act["id"])


def seed_notice(order_no: str, *, amount_fen: int = 1, success: bool = True,
                paid: str = "2026-11-22 09:30:00") -> PayNotice:
    """What the gateway sends: no UserCode, no ProductCode."""
    return PayNotice(order_no=order_no, pay_id="FD" + order_no if success else "", bank_trade_date=paid if success
                     else "", amount_fen=amount_fen, success=success, err_code="" if success else "E51",
                     user_code="", product_code="")


def order_in(order_no: str, openid: str | None = None, amount_fen: int = 1) -> PaymentOrderIn:
    return PaymentOrderIn(order_no=order_no, openid=openid or uid(), product_code="P1", amount_fen=amount_fen)
