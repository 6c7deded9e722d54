"""An async WeChat/WeCom message router, in the shape of aiogram and WeRoBot.

Each feature module owns a ``Router`` and registers ``async def h(msg, ctx)``
handlers with decorators; one composition point ``include``s them into a
root router. ``bot.wechat.dispatch.dispatch`` runs the first matching handler under
WeChat's deadline and renders its reply.

Resolution order: the router's own routes in registration order, then each
included router (depth first, in include order); if nothing matches, the
first ``default`` found in that same order (own default first).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from bot.settings import Settings
from bot.wechat.dispatch import INLINE_ATTR, BackgroundTasks, Handler
from bot.wechat.messages import WxMessage

Filter = Callable[[WxMessage], bool]


class Epochs(Protocol):
    """Voids a user's web sessions (bot/web/session_epochs.py `SessionEpochs`)."""

    async def bump(self, openid: str) -> None: ...


@dataclass(frozen=True)
class MessageContext:
    """What a message handler may use: the settings, the request's single `now`, and the users'
    session epochs (to void a blacklisted user's sessions; None where there are none: tests)."""

    settings: Settings
    now: datetime
    epochs: Epochs | None = None

H = TypeVar("H", bound=Handler)


def inline(handler: H) -> H:
    """Mark a handler that does no I/O (a fixed or computed reply): `dispatch` awaits it in the
    request's own task, without a task of its own and a deadline — nothing in it can be slow, and
    a task per message was ~5% of a worker's CPU on such replies. Put it under the route decorator."""
    _require_async(handler)
    setattr(handler, INLINE_ATTR, True)
    return handler


def _require_async(handler: object) -> None:
    if not inspect.iscoroutinefunction(handler):
        raise TypeError(f"{handler!r} must be an async def")


def _flatten(items: Iterable[str | Iterable[str]]) -> frozenset[str]:
    out: set[str] = set()
    for item in items:
        out.update([item] if isinstance(item, str) else item)
    if not out:
        raise ValueError("a filter needs at least one value")
    return frozenset(out)


# ---- filters ------------------------------------------------------------


@dataclass(frozen=True)
class TextIs:
    """Text message whose stripped content is exactly one of ``words``."""

    words: frozenset[str]

    def __call__(self, msg: WxMessage) -> bool:
        return msg.type == "text" and msg.content.strip() in self.words


@dataclass(frozen=True)
class TextContains:
    """Text message containing any of ``parts``."""

    parts: frozenset[str]

    def __call__(self, msg: WxMessage) -> bool:
        return msg.type == "text" and any(p in msg.content for p in self.parts)


@dataclass(frozen=True)
class TextMatches:
    """Text message whose stripped content fully matches ``pattern``."""

    pattern: re.Pattern[str]

    def __call__(self, msg: WxMessage) -> bool:
        return msg.type == "text" and self.pattern.fullmatch(msg.content.strip()) is not None


@dataclass(frozen=True)
class EventIs:
    """Event whose Event is one of ``names`` (case-insensitive)."""

    names: frozenset[str]

    def __call__(self, msg: WxMessage) -> bool:
        return msg.is_event and msg.event in self.names


@dataclass(frozen=True)
class ClickIs:
    """Menu CLICK event whose EventKey is one of ``keys`` (exact)."""

    keys: frozenset[str]

    def __call__(self, msg: WxMessage) -> bool:
        return msg.is_event and msg.event == "click" and msg.event_key in self.keys


@dataclass(frozen=True)
class TypeIs:
    """Message whose MsgType is one of ``types`` (image, voice, location...)."""

    types: frozenset[str]

    def __call__(self, msg: WxMessage) -> bool:
        return msg.type in self.types


@dataclass(frozen=True)
class Route:
    filter: Filter
    handler: Handler


# ---- router -------------------------------------------------------------


class Router:
    """Handlers for one feature; compose routers with :meth:`include`.

    The root router also holds ``background``: references to handler tasks
    that outlived the deadline (drain it on shutdown).
    """

    def __init__(self, name: str = "root") -> None:
        self.name = name
        self._routes: list[Route] = []
        self._default: Handler | None = None
        self._children: list[Router] = []
        self._parent: Router | None = None
        self.background = BackgroundTasks()

    def __repr__(self) -> str:
        return f"Router({self.name!r})"

    def route(self, flt: Filter) -> Callable[[H], H]:
        """Register a handler under any ``Filter`` (a ``msg -> bool``)."""

        def register(handler: H) -> H:
            _require_async(handler)
            self._routes.append(Route(flt, handler))
            return handler

        return register

    def text(self, *words: str | Iterable[str]) -> Callable[[H], H]:
        """``@r.text("红包")``, ``@r.text(["红包", "hb"])``: exact keyword."""
        return self.route(TextIs(_flatten(words)))

    def text_contains(self, *parts: str | Iterable[str]) -> Callable[[H], H]:
        return self.route(TextContains(_flatten(parts)))

    def text_matches(self, pattern: str | re.Pattern[str]) -> Callable[[H], H]:
        return self.route(TextMatches(re.compile(pattern)))

    def event(self, *names: str | Iterable[str]) -> Callable[[H], H]:
        """``@r.event("subscribe")``, ``@r.event("SCAN")``: any case."""
        return self.route(EventIs(frozenset(n.lower() for n in _flatten(names))))

    def click(self, *keys: str | Iterable[str]) -> Callable[[H], H]:
        """``@r.click("MY_PACKETS")``: menu CLICK with that EventKey."""
        return self.route(ClickIs(_flatten(keys)))

    def msg_type(self, *types: str | Iterable[str]) -> Callable[[H], H]:
        return self.route(TypeIs(frozenset(t.lower() for t in _flatten(types))))

    def default(self, handler: H) -> H:
        """``@r.default``: runs when no route anywhere matched."""
        _require_async(handler)
        if self._default is not None:
            raise ValueError(f"{self!r} already has a default handler")
        self._default = handler
        return handler

    @classmethod
    def root_of(cls, name: str, routers: Iterable[Router]) -> Router:
        """A root over feature routers, in order, without becoming their parent: an app's
        composition (bot/feature.py) reads them, and a process may compose the same features more
        than once (tests build many apps); `include` keeps its one-parent rule for routers' own trees."""
        root = cls(name)
        root._children = list(routers)
        return root

    def include(self, other: Router) -> Router:
        """Attach ``other`` below this router; a router has one parent."""
        if other._parent is not None:
            raise ValueError(f"{other!r} is already included in {other._parent!r}")
        node: Router | None = self
        while node is not None:
            if node is other:
                raise ValueError("including this router would make a cycle")
            node = node._parent
        other._parent = self
        self._children.append(other)
        return other

    def _walk(self) -> Iterator[Router]:
        yield self
        for child in self._children:
            yield from child._walk()

    def resolve(self, msg: WxMessage) -> Handler | None:
        """The handler for ``msg`` (see the module docstring), or None."""
        for router in self._walk():
            for route in router._routes:
                if route.filter(msg):
                    return route.handler
        return next((r._default for r in self._walk() if r._default), None)
