"""Pure payment rules: yuan → fen, the pay notice XML (including hostile bodies), config matching."""

from __future__ import annotations

import ast
import contextlib
import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.money import yuan
from models.payment_rules import (
    CONFIG_OFFERS,
    MAX_BODY_BYTES,
    InvalidAmount,
    OfferKind,
    PayConfig,
    PayNotice,
    PayNoticeError,
    PayNoticeForbiddenXml,
    PayNoticeMalformed,
    PayNoticeMissingField,
    PayNoticeTooLarge,
    match_pay_config,
    parse_pay_request,
    yuan_to_fen,
)

FORBIDDEN_IMPORTS = {"tortoise", "redis", "sanic", "httpx", "aiohttp", "requests", "socket"}


def test_module_is_pure() -> None:
    path = Path(__file__).resolve().parents[1] / "models" / "payment_rules.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    roots |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not roots & FORBIDDEN_IMPORTS


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0.01", 1),
        ("19.90", 1990),
        ("19.9", 1990),
        ("0", 0),
        ("0.00", 0),
        ("100", 10000),
        (" 5.5\n", 550),
        ("007.10", 710),
        ("999999999999.99", 99_999_999_999_999),
    ],
)
def test_yuan_to_fen(text: str, fen: int) -> None:
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "1e3",
        "1E3",
        "-1",
        "-0.01",
        "+1",
        "0.001",
        "19.999",
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        "",
        "   ",
        "1.",
        ".5",
        "1,000",
        "1_000",
        "0x10",
        "1.2.3",
        "1 000",
        "１２",
        "٣",
        "¥10",
        "10元",
        "1000000000000",
        "None",
    ],
)
def test_yuan_to_fen_rejects(text: str) -> None:
    with pytest.raises(InvalidAmount):
        yuan_to_fen(text)
    assert issubclass(InvalidAmount, ValueError)


def test_yuan_to_fen_rejects_floats() -> None:
    with pytest.raises(TypeError):
        yuan_to_fen(19.9)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_fen_round_trip(fen: int) -> None:
    assert yuan_to_fen(yuan(fen)) == fen


# --- pay notice XML --------------------------------------------------------------------------

FIELDS = {
    "OrderNo": "ORD20261122001",
    "PayId": "PAY9",
    "BankTradeDate": "2026-11-22 10:00:00",
    "PayAmount": "19.90",
    "PayResult": "2",
    "ErrCode": "",
    "UserCode": "oUser123",
    "ProductCode": "P01",
}
EXPECTED = PayNotice(
    order_no="ORD20261122001",
    pay_id="PAY9",
    bank_trade_date="2026-11-22 10:00:00",
    amount_fen=1990,
    success=True,
    err_code="",
    user_code="oUser123",
    product_code="P01",
)


def notice_xml(fields: dict[str, str] | None = None, *, drop: str = "", prolog: str = "") -> str:
    items = fields if fields is not None else FIELDS
    inner = "".join(f"<{tag}>{value}</{tag}>" for tag, value in items.items() if tag != drop)
    return f"{prolog}<Package><Request>{inner}</Request></Package>"


@pytest.mark.parametrize(
    "body",
    [
        notice_xml(),
        notice_xml().encode(),
        notice_xml(prolog='<?xml version="1.0" encoding="UTF-8"?>\n'),
        quote_plus(notice_xml()),
        quote_plus(notice_xml()).encode(),
        quote(notice_xml()).encode(),
        re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(notice_xml())),  # %3c…
        "  \n" + notice_xml() + "\n",
    ],
)
def test_parse_plain_and_url_encoded(body: str | bytes) -> None:
    assert parse_pay_request(body) == EXPECTED


def test_parse_gbk_body() -> None:
    xml = notice_xml({**FIELDS, "UserCode": "张三"}, prolog='<?xml version="1.0" encoding="GBK"?>')
    for body in (xml.encode("gbk"), quote_plus(xml.encode("gbk")).encode()):
        assert parse_pay_request(body).user_code == "张三"


def test_failed_payment() -> None:
    notice = parse_pay_request(
        notice_xml({**FIELDS, "PayResult": "3", "PayId": "", "BankTradeDate": "", "ErrCode": "E51"})
    )
    assert notice.success is False and notice.err_code == "E51" and notice.pay_id == ""


def test_err_code_is_optional() -> None:
    assert parse_pay_request(notice_xml(drop="ErrCode")) == EXPECTED


OPTIONAL_TAGS = ("ErrCode", "UserCode", "ProductCode")


@pytest.mark.parametrize("tag", OPTIONAL_TAGS[1:])
def test_payer_and_product_are_optional(tag: str) -> None:
    attr = {"UserCode": "user_code", "ProductCode": "product_code"}[tag]
    assert parse_pay_request(notice_xml(drop=tag)) == replace(EXPECTED, **{attr: ""})
    assert parse_pay_request(notice_xml({**FIELDS, tag: " "})) == replace(EXPECTED, **{attr: ""})


@pytest.mark.parametrize("tag", [t for t in FIELDS if t not in OPTIONAL_TAGS])
def test_missing_field(tag: str) -> None:
    with pytest.raises(PayNoticeMissingField, match=tag):
        parse_pay_request(notice_xml(drop=tag))


@pytest.mark.parametrize("tag", ["OrderNo", "PayAmount", "PayResult", "PayId", "BankTradeDate"])
def test_empty_required_field(tag: str) -> None:
    with pytest.raises(PayNoticeMissingField, match=tag):
        parse_pay_request(notice_xml({**FIELDS, tag: "  "}))


@pytest.mark.parametrize(
    "body",
    [
        notice_xml({**FIELDS, "PayAmount": "19.999"}),
        notice_xml({**FIELDS, "PayAmount": "-1"}),
        notice_xml({**FIELDS, "PayAmount": "1e3"}),
        notice_xml({**FIELDS, "OrderNo": "X" * 129}),
        notice_xml().replace("<PayId>", "<OrderNo>2</OrderNo><PayId>"),  # duplicated OrderNo
        notice_xml().replace("Package", "Pkg"),
        notice_xml().replace("</Package>", "<Request/></Package>"),
        notice_xml()[:-5],
        b"\x00\xff\xfe\x89PNG\r\n\x1a\n garbage",
        "",
        "%3C",
        "not xml at all",
        b'<?xml version="1.0" encoding="x-bogus"?><Package/>',
    ],
)
def test_malformed(body: str | bytes) -> None:
    with pytest.raises(PayNoticeMalformed):
        parse_pay_request(body)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]><Package><Request><OrderNo>&lol9;</OrderNo></Request></Package>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + notice_xml(
    {**FIELDS, "UserCode": "&xxe;"}
)


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.encode(),
        quote_plus(BILLION_LAUGHS),
        XXE,
        '<!DOCTYPE p SYSTEM "http://evil.example/p.dtd">' + notice_xml(),
        '<!DOCTYPE p [<!ENTITY % ext SYSTEM "http://evil.example/x"> %ext;]>' + notice_xml(),
        "<!DOCTYPE Package>" + notice_xml(),
    ],
)
def test_doctype_bombs_and_xxe_are_forbidden(body: str | bytes) -> None:
    with pytest.raises(PayNoticeForbiddenXml):
        parse_pay_request(body)


@pytest.mark.parametrize(
    "body",
    [
        notice_xml({**FIELDS, "ErrCode": " " * MAX_BODY_BYTES}),
        notice_xml({**FIELDS, "ErrCode": " " * MAX_BODY_BYTES}).encode(),
        quote_plus(notice_xml({**FIELDS, "ErrCode": "x" * MAX_BODY_BYTES})),
        "张" * (MAX_BODY_BYTES // 3 + 1),  # under the cap in characters, over it in UTF-8 bytes
        b"<" * (MAX_BODY_BYTES + 1),
    ],
    ids=["str", "bytes", "url-encoded", "multibyte", "garbage"],
)
def test_oversize_body(body: str | bytes) -> None:
    with pytest.raises(PayNoticeTooLarge):
        parse_pay_request(body)


def test_errors_are_value_errors() -> None:
    for cls in (PayNoticeTooLarge, PayNoticeForbiddenXml, PayNoticeMalformed, PayNoticeMissingField):
        assert issubclass(cls, PayNoticeError) and issubclass(cls, ValueError)


@given(st.one_of(st.binary(max_size=512), st.text(max_size=512)))
def test_fuzz_only_notice_errors(body: bytes | str) -> None:
    with contextlib.suppress(PayNoticeError):
        parse_pay_request(body)


@given(st.dictionaries(st.sampled_from(list(FIELDS)), st.text(max_size=20)))
def test_fuzz_field_values(overrides: dict[str, str]) -> None:
    body = notice_xml({**FIELDS, **overrides}).encode("utf-8", "surrogatepass")
    try:
        notice = parse_pay_request(quote_plus(body))
    except PayNoticeError:
        return
    assert notice.amount_fen >= 0 and notice.order_no


# --- pay config matching ---------------------------------------------------------------------

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def config(
    id_: int,
    min_amount_fen: int = 0,
    product_code: str = "P01",
    *,
    start: datetime = NOW - DAY,
    end: datetime = NOW + DAY,
) -> PayConfig:
    return PayConfig(
        id=id_,
        product_code=product_code,
        min_amount_fen=min_amount_fen,
        kind=OfferKind.LOTTERY,
        start_time=start,
        end_time=end,
        activity_id=7,
    )


@pytest.mark.parametrize(
    ("configs", "expected_id"),
    [
        ([], None),
        ([config(1, product_code="P02")], None),
        ([config(1, min_amount_fen=1991)], None),
        ([config(1, min_amount_fen=1990)], 1),  # amount >= min_amount
        ([config(1, start=NOW + timedelta(seconds=1))], None),
        ([config(1, start=NOW)], 1),  # start inclusive
        ([config(1, end=NOW)], None),  # end exclusive
        ([config(1, 100), config(2, 1000), config(3, 5000)], 2),  # highest qualifying tier
        ([config(5, 1000), config(2, 1000), config(9, 1000)], 2),  # then lowest id
        ([config(1, 100), config(2, 1000, product_code="P02")], 1),
    ],
)
def test_match_pay_config(configs: list[PayConfig], expected_id: int | None) -> None:
    matched = match_pay_config(configs, EXPECTED, NOW)
    assert (matched.id if matched else None) == expected_id


def test_failed_payment_matches_nothing() -> None:
    assert match_pay_config([config(1)], replace(EXPECTED, success=False), NOW) is None


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=3000)),
        max_size=12,
        unique_by=lambda t: t[0],
    ),
    st.randoms(),
)
def test_match_ignores_order(tiers: list[tuple[int, int]], rnd: random.Random) -> None:
    configs = [config(i, m) for i, m in tiers]
    first = match_pay_config(configs, EXPECTED, NOW)
    rnd.shuffle(configs)
    assert match_pay_config(configs, EXPECTED, NOW) == first
    if first is not None:
        assert all(
            c.min_amount_fen > EXPECTED.amount_fen or (c.min_amount_fen, -c.id) <= (first.min_amount_fen, -first.id)
            for c in configs
        )


def test_one_offer_enum_with_its_wire_strings() -> None:
    from models.payment import PayActivityConfig, PaymentNotification

    assert [k.value for k in OfferKind] == ["lottery", "coupon", "none"]
    assert [k.value for k in CONFIG_OFFERS] == ["lottery", "coupon"]
    fields = (PayActivityConfig._meta.fields_map["kind"], PaymentNotification._meta.fields_map["offer_kind"])
    assert {f.enum_type for f in fields} == {OfferKind}
