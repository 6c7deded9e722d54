"""Spending the wallet (store credit, 购物红包) at checkout — server to server, signed by the order
system with `orders.secret` like the order webhook.

- `POST /api/wallet/debit` {openid, order_no, amount_fen}: one DEBIT ledger row (negative), keyed
  `debit:<order_no>` (unique): the same order again answers the same; the same order_no with another
  openid or amount → 409 conflict. The user's row is locked FOR UPDATE while the balance is summed
  and the debit written, so concurrent debits of one wallet are judged one after another and a
  wallet never goes below zero by a debit (409 insufficient_balance). A refund's reversal may still
  take a balance below zero (the owner spent what was later taken back); such a wallet pays nothing
  until credits bring it back above zero.
- `POST /api/wallet/debit/{order_no}/reverse`: the order was cancelled; one DEBIT_REVERSAL row
  (positive, `debit:<order_no>:reverse`) gives the amount back, once; unknown order → 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse
from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from bot.errors import ErrorCode, FissionError
from bot.infra import signing
from bot.web.policy import SERVER_MAX_BODY
from models.budget_rules import debit_refusal
from models.enums import LedgerKind
from models.ledger import LedgerEntry
from models.user import User

bp = Blueprint("wallet", url_prefix="/api/wallet")

ORDER_NO = r"^[A-Za-z0-9_.:-]+$"


class DebitIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    openid: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    order_no: str = Field(min_length=1, max_length=64, pattern=ORDER_NO)
    amount_fen: StrictInt = Field(gt=0, le=10**10)


def debit_ref(order_no: str) -> str:
    return f"debit:{order_no}"


async def balance_fen(user_id: int, conn: Any = None) -> int:
    q = LedgerEntry.filter(user_id=user_id)
    rows: list[Any] = await (q.using_db(conn) if conn else q).annotate(s=Sum("amount_fen")).values_list("s", flat=True)
    return int(rows[0] or 0) if rows else 0


def _same(entry: LedgerEntry, user_id: int, amount_fen: int) -> tuple[LedgerEntry, bool]:
    if int(entry.user_id) != user_id or -int(entry.amount_fen) != amount_fen:
        raise FissionError(ErrorCode.CONFLICT)
    return entry, True


async def debit(d: DebitIn, now: dt.datetime) -> tuple[LedgerEntry, bool]:
    """Debit the wallet once per order_no; (entry, duplicate)."""
    user = await User.get_or_none(openid=d.openid)
    known = await LedgerEntry.get_or_none(ref=debit_ref(d.order_no))
    if known is not None:
        return _same(known, user.id if user else -1, d.amount_fen)
    if user is None:  # never credited: nothing to spend
        raise FissionError(ErrorCode.INSUFFICIENT_BALANCE)
    try:
        async with in_transaction() as conn:
            # model objects: tortoise drops FOR UPDATE from .values() (PITFALLS.md)
            await User.filter(id=user.id).select_for_update().using_db(conn)
            refusal = debit_refusal(await balance_fen(user.id, conn), d.amount_fen)
            if refusal:
                raise FissionError(ErrorCode(refusal))
            entry = await LedgerEntry.create(user_id=user.id, amount_fen=-d.amount_fen, kind=LedgerKind.DEBIT,
                                             ref=debit_ref(d.order_no), created_at=now, using_db=conn)
    except IntegrityError:  # the same order_no debited concurrently
        return _same(await LedgerEntry.get(ref=debit_ref(d.order_no)), user.id, d.amount_fen)
    return entry, False


async def reverse_debit(order_no: str, now: dt.datetime) -> tuple[LedgerEntry, bool]:
    """Give a debit back once; (reversal entry, duplicate). 404 when the order was never debited."""
    original = await LedgerEntry.get_or_none(ref=debit_ref(order_no), kind=LedgerKind.DEBIT)
    if original is None:
        raise FissionError(ErrorCode.NOT_FOUND)
    ref = debit_ref(order_no) + ":reverse"
    try:
        entry = await LedgerEntry.create(user_id=original.user_id, amount_fen=-int(original.amount_fen),
                                         kind=LedgerKind.DEBIT_REVERSAL, ref=ref, created_at=now)
    except IntegrityError:
        return await LedgerEntry.get(ref=ref), True
    return entry, False


KIND_TEXT = {LedgerKind.HELP_OWNER: "好友帮拆到账", LedgerKind.HELP_HELPER: "帮好友拆红包", LedgerKind.REVERSAL:
             "订单退款，红包收回", LedgerKind.DEBIT: "下单抵扣", LedgerKind.DEBIT_REVERSAL: "订单取消，抵扣退回"}
PAGE_ENTRIES = 20


async def wallet_page(user_id: int) -> dict[str, Any]:
    """The /me page's wallet: signed balance, what can be spent, what is owed, the latest entries."""
    balance = await balance_fen(user_id)
    rows = await LedgerEntry.filter(user_id=user_id).order_by("-created_at", "-id").limit(PAGE_ENTRIES).values(
        "amount_fen", "kind", "created_at")
    return {"balance": balance, "spendable": max(balance, 0), "owed": max(-balance, 0),
            "entries": [{"amount": int(r["amount_fen"]), "text": KIND_TEXT.get(r["kind"], str(r["kind"])),
                         "time": r["created_at"]} for r in rows]}


async def _answer(order_no: str, entry: LedgerEntry, duplicate: bool) -> dict[str, Any]:
    user_id = int(entry.user_id)
    return {"order_no": order_no, "amount_fen": abs(int(entry.amount_fen)), "kind": str(entry.kind),
            "duplicate": duplicate, "balance": await balance_fen(user_id)}


@bp.post("/debit", ctx_body_limit=SERVER_MAX_BODY)
async def debit_route(request: Request) -> HTTPResponse:
    """Signed (orders.secret): 200 {"order_no", "amount_fen", "kind", "duplicate", "balance"};
    409 insufficient_balance | conflict; 401 bad signature."""
    signing.verify(request.headers.get(signing.HEADER), request.body, request.app.ctx.settings.orders.secret)
    try:
        d = DebitIn.model_validate_json(request.body or b"")
    except ValidationError as e:
        raise FissionError(ErrorCode.INVALID_BODY, "请求体需要 {\"openid\", \"order_no\", \"amount_fen\" > 0}") from e
    entry, duplicate = await debit(d, utcnow())
    return json(await _answer(d.order_no, entry, duplicate))


@bp.post("/debit/<order_no:str>/reverse", ctx_body_limit=SERVER_MAX_BODY)
async def reverse_route(request: Request, order_no: str) -> HTTPResponse:
    """Signed (orders.secret, over the raw body, which may be empty): the debit given back, once; 404 unknown."""
    signing.verify(request.headers.get(signing.HEADER), request.body, request.app.ctx.settings.orders.secret)
    if len(order_no) > 64:
        raise FissionError(ErrorCode.NOT_FOUND)
    entry, duplicate = await reverse_debit(order_no, utcnow())
    return json(await _answer(order_no, entry, duplicate))
