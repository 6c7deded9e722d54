"""What a feature declares, and the one place the declarations are put together.

A feature (handlers/<name>/feature.py) is data: its blueprints, its WeChat message routers, the
hooks that make its per-process objects, its deployment-wide periodic jobs, what its outbox events
say when delivered, its database gauges and its RabbitMQ consumer. `bot/` runs what features
declare and never imports one; `main.py` lists them (FEATURES) and hands them to `create_app`,
`run_worker` and the demo.

`compose(features)` checks the declarations together (names unique, a notice kind or periodic job
claimed once) and builds the two message roots; a composition is made once per process for a
given tuple of features and reused (tests build many apps in one process).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sanic import Blueprint, Sanic

from bot.jobs.notices import NoticeSpec
from bot.settings import Settings
from bot.wechat.router import Router

Hook = Callable[[Any], Awaitable[None]]  # async (ctx) -> None; ctx is app.ctx in serve, the worker's deps else
Gauge = Callable[[], Awaitable[Iterable[str]]]  # Prometheus text lines, read when /metrics is scraped


@dataclass(frozen=True)
class PeriodicJob:
    """A loop run once per deployment (a Redis lease, bot/jobs/periodic.py) every `interval(settings)` s."""

    name: str
    interval: Callable[[Settings], float]
    run: Callable[[Any, dt.datetime], Awaitable[Any]]  # async (ctx, now) -> anything (ignored by the loop)


@dataclass(frozen=True)
class QueueConsumer:
    """Events from RabbitMQ (`orders.amqp_url`): `parse` turns a body into an event (raising
    pydantic's ValidationError for a bad one: dead-lettered), `handle(ctx)` gives the use case."""

    parse: Callable[[bytes], Any]
    handle: Callable[[Any], Callable[[Any], Awaitable[Any]]]


@dataclass(frozen=True)
class Feature:
    name: str
    blueprints: Sequence[Blueprint] = ()
    mp_router: Router | None = None  # Official Account messages (`/wechat/mp`)
    work_router: Router | None = None  # WeCom messages (`/wechat/work`)
    start: Hook | None = None  # after the shared resources (db, redis, http) exist; serve and worker
    stop: Hook | None = None  # before they close
    install: Callable[[Sanic], None] | None = None  # once every blueprint is registered (route wrappers)
    periodic: Sequence[PeriodicJob] = ()
    notices: Mapping[str, NoticeSpec] = field(default_factory=dict)  # outbox kind -> what it says
    gauges: Sequence[Gauge] = ()
    consumer: QueueConsumer | None = None


@dataclass(frozen=True)
class Composition:
    features: tuple[Feature, ...]
    mp_router: Router
    work_router: Router
    notices: Mapping[str, NoticeSpec]
    periodic: tuple[PeriodicJob, ...]
    gauges: tuple[Gauge, ...]
    consumer: QueueConsumer | None


class CompositionError(ValueError):
    """Two features claim the same name, notice kind, periodic job or queue."""


def _unique(kind: str, names: Iterable[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise CompositionError(f"{kind} {n!r} is declared twice")
        seen.add(n)


_composed: dict[tuple[int, ...], Composition] = {}


def compose(features: Sequence[Feature]) -> Composition:
    """The features put together, in their order (which is also message precedence)."""
    key = tuple(id(f) for f in features)
    if key in _composed:
        return _composed[key]
    fs = tuple(features)
    _unique("feature", (f.name for f in fs))
    _unique("notice kind", (k for f in fs for k in f.notices))
    _unique("periodic job", (j.name for f in fs for j in f.periodic))
    consumers = [f.consumer for f in fs if f.consumer is not None]
    if len(consumers) > 1:
        raise CompositionError("more than one feature consumes the order queue")
    mp = Router.root_of("mp", [f.mp_router for f in fs if f.mp_router is not None])
    work = Router.root_of("work", [f.work_router for f in fs if f.work_router is not None])
    composed = Composition(fs, mp, work, {k: v for f in fs for k, v in f.notices.items()},
                           tuple(j for f in fs for j in f.periodic), tuple(g for f in fs for g in f.gauges),
                           consumers[0] if consumers else None)
    _composed[key] = composed
    return composed
