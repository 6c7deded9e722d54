"""Pure payment rules (SPEC §2): yuan → fen, the pay notice XML, BankTradeDate, which pay config applies.

No I/O: `now` is a parameter. Imports no tortoise, redis, sanic or httpx.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from urllib.parse import unquote_to_bytes
from xml.etree.ElementTree import Element, ParseError

import defusedxml  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped, unused-ignore]

MAX_BODY_BYTES = 64 * 1024
MAX_FIELD_CHARS = 128
PAY_RESULT_SUCCESS = "2"

# ASCII digits only (\d would accept e.g. Arabic-Indic digits, which Decimal happily parses).
_YUAN = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?", re.ASCII)

# Expat decodes only these itself; any other declared encoding (GBK, GB18030…) is decoded here.
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "utf-16"})
_DECLARED_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")

# PayNotice attribute → XML tag under Package/Request.
_TAGS = {
    "order_no": "OrderNo",
    "pay_id": "PayId",
    "bank_trade_date": "BankTradeDate",
    "amount": "PayAmount",
    "pay_result": "PayResult",
    "err_code": "ErrCode",
    "user_code": "UserCode",
    "product_code": "ProductCode",
}
_ALWAYS_FILLED = ("order_no", "amount", "pay_result")
_FILLED_ON_SUCCESS = ("pay_id", "bank_trade_date")
# ErrCode, UserCode and ProductCode are optional: the seed's gateway names no payer and no product
# (they come from the registered payment order; when a gateway sends them they are checked against it).
BANK_TRADE_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_TRADE_SKEW = timedelta(hours=24)


class InvalidAmount(ValueError):
    """Not a non-negative yuan amount with at most two decimals."""


class PayNoticeError(ValueError):
    """The body is not an acceptable payment notice (the HTTP edge answers 400)."""


class PayNoticeTooLarge(PayNoticeError):
    """The body exceeds MAX_BODY_BYTES."""


class PayNoticeForbiddenXml(PayNoticeError):
    """A DOCTYPE, entity declaration or external reference (XML bomb / XXE attempt)."""


class PayNoticeMalformed(PayNoticeError):
    """Not well-formed XML, wrong structure, duplicated or oversize field, bad amount."""


class PayNoticeMissingField(PayNoticeError):
    """A required field is absent or empty."""


def yuan_to_fen(text: str) -> int:
    """Exact fen for a yuan decimal string: "0.01" → 1, "19.90" → 1990, "3" → 300.

    Accepts ASCII digits with at most two decimals, surrounding whitespace ignored. Rejects
    negatives, signs, exponents, NaN/inf, more than 2 decimals, > 12 integer digits and anything
    else with InvalidAmount; a non-str (e.g. a float) raises TypeError.
    """
    if not isinstance(text, str):
        raise TypeError(f"amount must be a str, got {type(text).__name__}")
    stripped = text.strip()
    if _YUAN.fullmatch(stripped) is None:
        raise InvalidAmount(f"not a yuan amount: {text[:32]!r}")
    return int(Decimal(stripped).scaleb(2))


@dataclass(frozen=True, slots=True)
class PayNotice:
    """One payment notification. `success` is PayResult == "2"; `user_code` is the payer openid and
    `product_code` the product, both "" when the gateway does not send them (the seed's does not)."""

    order_no: str
    pay_id: str
    bank_trade_date: str
    amount_fen: int
    success: bool
    err_code: str
    user_code: str
    product_code: str


def parse_pay_request(body: bytes | str) -> PayNotice:
    """Parse a `<Package><Request>…</Request></Package>` body, plain or URL-encoded.

    Raises a PayNoticeError subclass: TooLarge above MAX_BODY_BYTES (checked before parsing),
    ForbiddenXml on any DOCTYPE (so bombs and XXE fail before expansion), Malformed on bad XML,
    structure, amount or a field over MAX_FIELD_CHARS, MissingField when a required field is
    absent or empty (PayId and BankTradeDate are required only on success; ErrCode is optional).
    """
    request = _request_element(_unwrap(body))
    values = {attr: _field(request, attr) for attr in _TAGS}
    success = values["pay_result"] == PAY_RESULT_SUCCESS
    required = _ALWAYS_FILLED + (_FILLED_ON_SUCCESS if success else ())
    for attr in required:
        if not values[attr]:
            raise PayNoticeMissingField(f"{_TAGS[attr]} is missing or empty")
    try:
        amount_fen = yuan_to_fen(values["amount"])
    except InvalidAmount as exc:
        raise PayNoticeMalformed(f"PayAmount: {exc}") from exc
    return PayNotice(
        order_no=values["order_no"],
        pay_id=values["pay_id"],
        bank_trade_date=values["bank_trade_date"],
        amount_fen=amount_fen,
        success=success,
        err_code=values["err_code"],
        user_code=values["user_code"],
        product_code=values["product_code"],
    )


def _unwrap(body: bytes | str) -> bytes | str:
    """The XML document: size-checked, surrounding whitespace dropped, URL-decoded unless it is
    plain XML already (starts with '<' or a UTF-8 BOM once stripped).

    The seed's gateway sends `%20%3CPackage%3E…`: an encoded space first, so whitespace is
    dropped again after decoding.
    """
    if len(body) > MAX_BODY_BYTES:  # chars <= bytes, so this bounds the encode below
        raise PayNoticeTooLarge(f"body over {MAX_BODY_BYTES} bytes")
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if len(raw) > MAX_BODY_BYTES:
        raise PayNoticeTooLarge(f"body over {MAX_BODY_BYTES} bytes")
    raw = raw.strip()
    if not raw.startswith((b"<", b"\xef\xbb\xbf")):
        # Form encoding: '+' is a space; the decoded bytes keep their own encoding declaration.
        raw = unquote_to_bytes(raw.replace(b"+", b" ")).strip()
    elif isinstance(body, str):
        return body.strip()
    return _decode_foreign(raw)


def _decode_foreign(raw: bytes) -> bytes | str:
    """Decode bytes declared in an encoding expat lacks (e.g. GBK); the parser reads str as-is."""
    declared = _DECLARED_ENCODING.match(raw)
    if declared is None or declared.group(1).decode().lower() in _EXPAT_ENCODINGS:
        return raw
    try:
        return raw.decode(declared.group(1).decode())
    except (LookupError, UnicodeDecodeError) as exc:
        raise PayNoticeMalformed(f"cannot decode the declared encoding: {exc}") from exc


def _request_element(document: bytes | str) -> Element:
    try:
        root: Element = fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise PayNoticeForbiddenXml(f"forbidden XML construct: {type(exc).__name__}") from exc
    except (ParseError, ValueError, UnicodeError) as exc:
        raise PayNoticeMalformed(f"not well-formed XML: {exc}") from exc
    if root.tag != "Package":
        raise PayNoticeMalformed(f"root element must be Package, got {root.tag[:32]!r}")
    requests = root.findall("Request")
    if len(requests) != 1:
        raise PayNoticeMalformed("Package must hold exactly one Request")
    return requests[0]


def _field(request: Element, attr: str) -> str:
    tag = _TAGS[attr]
    found = request.findall(tag)
    if len(found) > 1:
        raise PayNoticeMalformed(f"{tag} appears {len(found)} times")
    if not found:
        return ""  # whether it may be missing is the caller's rule (_ALWAYS_FILLED, _FILLED_ON_SUCCESS)
    text = (found[0].text or "").strip()
    if len(text) > MAX_FIELD_CHARS:
        raise PayNoticeMalformed(f"{tag} longer than {MAX_FIELD_CHARS} characters")
    return text


def parse_bank_trade_date(text: str, tz: tzinfo) -> datetime | None:
    """BankTradeDate ("2018-01-08 17:44:18", wall clock in `tz`) as an aware UTC time; None when
    empty or in another form (the caller then judges the payment on its receipt time)."""
    try:
        local = datetime.strptime(text.strip(), BANK_TRADE_DATE_FORMAT)
    except ValueError:
        return None
    return local.replace(tzinfo=tz).astimezone(UTC)


def judged_time(paid_at: datetime | None, received_at: datetime) -> tuple[datetime, bool]:
    """The time a payment's offer is judged on: when it was paid, unless that is unknown or more
    than MAX_TRADE_SKEW away from its receipt (a wrong gateway clock) — then the receipt time.
    Returns (time, whether the payment time was set aside)."""
    if paid_at is None or abs(paid_at - received_at) > MAX_TRADE_SKEW:
        return received_at, paid_at is not None
    return paid_at, False


class OfferKind(StrEnum):
    """What a payment earns, by its wire string: a pay config offers LOTTERY or COUPON (CONFIG_OFFERS);
    a settled payment records the one it got, or NONE."""

    LOTTERY = "lottery"
    COUPON = "coupon"
    NONE = "none"


CONFIG_OFFERS = (OfferKind.LOTTERY, OfferKind.COUPON)


@dataclass(frozen=True, slots=True)
class PayConfig:
    """A pay activity config (支付活动配置): open for start_time <= now < end_time."""

    id: int
    product_code: str
    min_amount_fen: int
    kind: OfferKind  # one of CONFIG_OFFERS
    start_time: datetime
    end_time: datetime
    activity_id: int | None = None
    coupon_template_ids: tuple[int, ...] = ()


def match_pay_config(configs: Iterable[PayConfig], notice: PayNotice, now: datetime) -> PayConfig | None:
    """The config a payment earns, or None (also for a failed payment).

    Candidates: same product code, amount_fen >= min_amount_fen, window open at `now`. Among them
    the highest min_amount_fen wins (the most specific tier), then the lowest id.
    """
    if not notice.success:
        return None
    candidates = [
        c
        for c in configs
        if c.product_code == notice.product_code
        and notice.amount_fen >= c.min_amount_fen
        and c.start_time <= now < c.end_time
    ]
    return min(candidates, key=lambda c: (-c.min_amount_fen, c.id), default=None)
