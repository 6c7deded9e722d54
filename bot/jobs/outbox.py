"""Writing to the durable outbox inside the caller's transaction (delivery is the worker's job)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from bot.infra import logs
from bot.infra.db import insert_rows
from models.enums import OutboxStatus
from models.outbox import OutboxMessage


def outbox_row(key: str, kind: str, payload: dict[str, Any], now: dt.datetime) -> OutboxMessage:
    """An unsaved outbox row; `key` is a deterministic business key (the dedupe id). The payload
    carries the current request id (`request_id`), which the worker logs when it delivers."""
    return OutboxMessage(key=key, kind=kind, payload=logs.tag_payload(payload), status=OutboxStatus.PENDING,
                         attempts=0, next_attempt_at=now, created_at=now)


def outbox_values(key: str, kind: str, payload: dict[str, Any], now: dt.datetime, *,
                  request_id: str | None = None) -> dict[str, Any]:
    """The same row as plain values, for `insert_values` on hot paths (no model object); `request_id`
    for work done on behalf of a request outside its context (a help batch)."""
    return {"key": key, "kind": kind, "payload": logs.tag_payload(payload, request_id),
            "status": OutboxStatus.PENDING, "attempts": 0,
            "next_attempt_at": now, "last_error": None, "created_at": now, "sent_at": None}


async def insert_values(conn: BaseDBAsyncClient, rows: list[dict[str, Any]]) -> None:
    await insert_rows(conn, OutboxMessage, rows)


async def add(conn: BaseDBAsyncClient, key: str, kind: str, payload: dict[str, Any], now: dt.datetime) -> None:
    """Insert one event in the caller's transaction."""
    await outbox_row(key, kind, payload, now).save(using_db=conn)
