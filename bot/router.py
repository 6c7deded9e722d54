"""An async WeChat/WeCom message router, in the shape of aiogram and WeRoBot.

Each feature module owns a ``Router`` and registers ``async def h(msg, ctx)``
handlers with decorators; one composition point ``include``s them into a
root router. ``dispatch`` runs the first matching handler under WeChat's
deadline and renders its reply.

Resolution order: the router's own routes in registration order, then each
included router (depth first, in include order); if nothing matches, the
first ``default`` found in that same order (own default first).

WeChat waits 5 s and then retries (接收普通消息 / 被动回复用户消息):
https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
A reply that misses the deadline can go out as a customer-service message:
https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from bot.wxmessages import SUCCESS, ReplyLike, WxMessage, dedupe_key
from bot.wxreplies import render_reply

logger = logging.getLogger(__name__)

Handler = Callable[[WxMessage, Any], Awaitable[ReplyLike]]
Filter = Callable[[WxMessage], bool]
LateCallback = Callable[[WxMessage, "asyncio.Task[ReplyLike]"], None]
H = TypeVar("H", bound=Handler)

DEFAULT_DEADLINE_S = 4.0


INLINE_ATTR = "__fission_inline__"


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


class BackgroundTasks:
    """Strong references to running tasks until they finish.

    asyncio keeps only weak references to tasks; an unreferenced task can be
    garbage collected mid-flight. Failures are logged, never dropped.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            logger.warning("background task %s was cancelled", task.get_name())
        elif (exc := task.exception()) is not None:
            logger.error("background task %s failed", task.get_name(), exc_info=exc)

    async def drain(self, timeout_s: float) -> None:
        """Wait for kept tasks; cancel those still running after ``timeout_s``."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


async def dispatch(
    router: Router,
    msg: WxMessage,
    ctx: Any,
    *,
    now: datetime,
    deadline_s: float = DEFAULT_DEADLINE_S,
    on_late: LateCallback | None = None,
) -> str:
    """Run the handler for ``msg``; return passive-reply XML or ``success``.

    Within ``deadline_s`` the handler's result is rendered (an exception it
    raises propagates to the caller's error boundary). Past it, ``success``
    is returned at once; the still-running task is kept in
    ``router.background`` and handed to ``on_late(msg, task)`` so the caller
    can send the result later (e.g. as a customer-service message).
    """
    handler = router.resolve(msg)
    if handler is None:
        return SUCCESS
    if getattr(handler, INLINE_ATTR, False):
        return render_reply(await handler(msg, ctx), msg, now)
    task: asyncio.Task[ReplyLike] = asyncio.create_task(_call(handler, msg, ctx))
    try:
        await _until_done(task, deadline_s)
    finally:
        if not task.done():  # deadline passed, or we were cancelled
            task.set_name(f"wx-handler {dedupe_key(msg)}")
            router.background.keep(task)
    if task.done():
        return render_reply(task.result(), msg, now)
    _hand_over(on_late, msg, task)
    return SUCCESS


async def _until_done(task: asyncio.Task[Any], seconds: float) -> None:
    """Wait until `task` is done or `seconds` have passed, whichever is first: `asyncio.wait` for
    one task without its sets and extra callbacks, half its cost (11 vs 22 µs on uvloop, 2 cores)."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    task.add_done_callback(wake)
    timer = loop.call_later(seconds, wake)
    try:
        await waiter
    finally:
        timer.cancel()
        task.remove_done_callback(wake)


async def _call(handler: Handler, msg: WxMessage, ctx: Any) -> ReplyLike:
    return await handler(msg, ctx)


def _hand_over(on_late: LateCallback | None, msg: WxMessage, task: asyncio.Task[ReplyLike]) -> None:
    if on_late is None:
        logger.warning("handler for %s missed the deadline; no late callback", dedupe_key(msg))
        return
    try:
        on_late(msg, task)
    except Exception:
        # WeChat must still get its answer; the task itself stays referenced.
        logger.exception("late callback failed for %s", dedupe_key(msg))
