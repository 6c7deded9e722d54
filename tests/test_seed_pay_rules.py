"""The gateway's literal notifications through the pure rules: every transport variant the
gateway may use parses to the same notice; BankTradeDate and the time a payment is judged on."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, unquote_to_bytes
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from models.payment_rules import judged_time, parse_bank_trade_date, parse_pay_request
from tests.support.config import make_settings
from tests.support.seedpay import LOCAL_COPY, SEED_FILES, SHARED_FIXTURES, seed_body

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("name", SEED_FILES)
def test_the_local_copy_is_the_seed_byte_for_byte(name: str) -> None:
    if not (SHARED_FIXTURES / name).exists():
        pytest.skip("no shared fixtures next to this checkout")
    assert (LOCAL_COPY / name).read_bytes() == (SHARED_FIXTURES / name).read_bytes()


@pytest.mark.parametrize("name", SEED_FILES)
def test_the_seed_body_parses(name: str) -> None:
    n = parse_pay_request(seed_body(name, "ORD42"))
    assert (n.order_no, n.amount_fen, n.success, n.err_code) == ("ORD42", 1, True, "")
    assert (n.bank_trade_date, n.user_code, n.product_code) == ("2018-01-08 17:44:18", "", "")
    assert n.pay_id.startswith("FD20")


def _plain() -> bytes:
    return unquote_to_bytes(seed_body())


VARIANTS = {
    "seed": lambda: seed_body(),
    "plain": _plain,
    "plain, surrounding whitespace": lambda: b"\r\n  " + _plain() + b" \n\t",
    "encoded whitespace at both ends": lambda: b"%0A%20" + seed_body().strip() + b"%20%0D%0A",
    "plus as space": lambda: seed_body().replace(b"%20", b"+"),
    "lower-case escapes": lambda: seed_body().replace(b"%3C", b"%3c").replace(b"%3E", b"%3e"),
    "xml declaration": lambda: b'<?xml version="1.0" encoding="UTF-8"?>\n' + _plain().strip(),
    "encoded xml declaration": lambda: quote('<?xml version="1.0"?>').encode() + seed_body(),
    "tags reordered, unknown tag": lambda: (
        b"<Package><Request><PayResult>2</PayResult><Extra>x</Extra><PayAmount>0.01</PayAmount>"
        b"<ErrCode/><BankTradeDate>2018-01-08 17:44:18</BankTradeDate><PayId>FD201800000000014763</PayId>"
        b"<OrderNo>202012291652510426</OrderNo></Request><Memo/></Package>"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_transport_variant_is_the_same_notice(variant: str) -> None:
    assert parse_pay_request(VARIANTS[variant]()) == parse_pay_request(seed_body())


def test_a_failed_notice_without_pay_id_or_date() -> None:
    n = parse_pay_request(b"<Package><Request><OrderNo>A1</OrderNo><PayAmount>0.01</PayAmount>"
                          b"<PayResult>3</PayResult><ErrCode>E51</ErrCode></Request></Package>")
    assert (n.success, n.err_code, n.pay_id, n.bank_trade_date) == (False, "E51", "", "")


def test_bank_trade_date_is_wall_clock_in_the_campaign_zone() -> None:
    assert parse_bank_trade_date("2018-01-08 17:44:18", SH) == dt.datetime(2018, 1, 8, 9, 44, 18, tzinfo=dt.UTC)
    assert parse_bank_trade_date(" 2026-11-22 00:30:00 ", SH) == dt.datetime(2026, 11, 21, 16, 30, tzinfo=dt.UTC)
    for bad in ("", "20261122", "2026-13-01 00:00:00", "2026-11-22T10:00:00", "yesterday"):
        assert parse_bank_trade_date(bad, SH) is None


def test_judged_on_payment_time_unless_unknown_or_skewed() -> None:
    received = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
    paid = received - dt.timedelta(hours=3)
    assert judged_time(paid, received) == (paid, False)
    assert judged_time(received - dt.timedelta(hours=24), received) == (received - dt.timedelta(hours=24), False)
    assert judged_time(received - dt.timedelta(hours=24, seconds=1), received) == (received, True)
    assert judged_time(received + dt.timedelta(days=2), received) == (received, True)
    assert judged_time(None, received) == (received, False)


@pytest.mark.parametrize(("section", "ok"), [
    ({"notify_token": ""}, True), ({"notify_token": "a" * 24}, True), ({"notify_token": "A-b_c.d~" * 3}, True),
    ({"notify_token": "a" * 23}, False), ({"notify_token": "a" * 23 + "/"}, False),
    ({"notify_token": "令牌" * 12}, False), ({"allow_from": ["10.0.0.0/8", "2001:db8::/32"]}, True),
    ({"allow_from": ["10.0.0.300/8"]}, False),
])
def test_payment_settings(section: dict[str, object], ok: bool) -> None:
    if ok:
        make_settings(payments=section)
    else:
        with pytest.raises(ValidationError):
            make_settings(payments=section)
