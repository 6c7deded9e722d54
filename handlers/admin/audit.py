"""The audit log's one writer: `audit_scope`, a transaction that ends with the change's audit row.

    async with audit_scope(actor, "admin.add_blacklist", target="o-123") as scope:
        ...change things (the ORM uses this transaction: tortoise binds it to the task)...
        scope.record(before=..., after=...)

The row is inserted in the same transaction as the change, just before it commits; an exception
rolls back both. `scope.unchanged()` says the request changed nothing (a refusal answered with a
redirect, an idempotent repeat) and then no row is written. Admin HTTP routes get a scope without
asking: handlers/admin/audit_routes.py wraps every admin write route; WeCom commands open one directly.
Reads (`audit_entries`, `audit_query`) serve the admin page, the API and the CSV export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from bot.clock import utcnow
from models.audit import AuditEntry

TOKEN_ACTOR = "token"  # who a change made with the shared admin token is recorded as
MAX_STATE_CHARS = 20_000  # a before/after larger than this is stored as a note, not in full
AUDIT_PAGE_MAX = 500


class Role:
    VIEWER, OPERATOR, OWNER = "viewer", "operator", "owner"


class Channel:
    API, PAGE, WECOM = "api", "page", "wecom"


@dataclass(frozen=True)
class Actor:
    who: str
    role: str
    channel: str
    ip: str = ""


@dataclass
class AuditScope:
    actor: Actor
    action: str
    target: str = ""
    request_id: str = ""
    before: Any = None
    after: Any = None
    recorded: set[str] = field(default_factory=set)
    skip: bool = False

    def record(self, **state: Any) -> None:
        """Set any of `target`, `before`, `after` (JSON-able; None means "did not exist")."""
        for name, value in state.items():
            if name not in ("target", "before", "after"):
                raise TypeError(f"unknown audit field {name!r}")
            setattr(self, name, value)
            self.recorded.add(name)

    def unchanged(self) -> None:
        """Nothing changed: write no row (the transaction still commits whatever did happen)."""
        self.skip = True

    def row(self, now: dt.datetime) -> dict[str, Any]:
        return {"created_at": now, "actor": self.actor.who[:64], "role": self.actor.role[:16],
                "channel": self.actor.channel[:8], "ip": self.actor.ip[:45], "action": self.action[:64],
                "target": str(self.target)[:128], "before": bounded(self.before), "after": bounded(self.after),
                "request_id": self.request_id[:64]}


def bounded(state: Any) -> Any:
    """`state` as stored: JSON-able values as they are, oversized ones replaced by a note."""
    text = json.dumps(state, ensure_ascii=False, default=str)
    if len(text) > MAX_STATE_CHARS:
        return {"truncated": True, "chars": len(text), "head": text[:1000]}
    return json.loads(text)


@asynccontextmanager
async def audit_scope(actor: Actor, action: str, target: str = "", request_id: str = "") -> AsyncIterator[AuditScope]:
    """A transaction for one admin change; its audit row is written inside it, last."""
    async with in_transaction():
        scope = AuditScope(actor, action, target, request_id)
        yield scope
        if not scope.skip:
            await AuditEntry.create(**scope.row(utcnow()))


# ---- reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""  # a prefix: "lottery_admin." matches every lottery admin change
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_query(f: AuditFilter) -> QuerySet[AuditEntry]:
    q = AuditEntry.all()
    if f.actor:
        q = q.filter(actor=f.actor)
    if f.action:
        q = q.filter(action__startswith=f.action)
    if f.since:
        q = q.filter(created_at__gte=f.since)
    if f.until:
        q = q.filter(created_at__lt=f.until)
    return q


def entry_json(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": e.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"), "actor": e.actor,
            "role": e.role, "channel": e.channel, "ip": e.ip, "action": e.action, "target": e.target,
            "before": e.before, "after": e.after, "request_id": e.request_id}


async def audit_entries(f: AuditFilter, limit: int = 50) -> list[dict[str, Any]]:
    """The newest matching entries first (at most AUDIT_PAGE_MAX)."""
    rows = await audit_query(f).order_by("-id").limit(max(1, min(limit, AUDIT_PAGE_MAX)))
    return [entry_json(e) for e in rows]


async def audit_actions() -> list[str]:
    """Every action recorded so far (for the page's filter)."""
    actions: list[str] = await AuditEntry.all().distinct().values_list("action", flat=True)  # type: ignore[assignment]
    return sorted(actions)
