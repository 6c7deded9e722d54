"""`bot.wechat.dispatch`: a routed handler run under WeChat's passive-reply deadline — rendered in time,
handed over when late, inline handlers in the caller's task, failures logged, stragglers drained.
Messages, fixtures and the sample router come from tests/support/routerkit.py."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.wechat.crypto import parse_xml_fields
from bot.wechat.dispatch import BackgroundTasks, dispatch
from bot.wechat.messages import ReplyLike, TextReply, WxMessage
from bot.wechat.router import Router, inline
from tests.support.routerkit import NOW, build_router, load, text


@pytest.mark.asyncio
async def test_dispatch_renders_a_fast_reply() -> None:
    xml = await dispatch(build_router(), load("text_hongbao.xml"), None, now=NOW)
    assert parse_xml_fields(xml)["Content"] == "packets"


@pytest.mark.asyncio
async def test_inline_handlers_run_in_the_callers_task_and_others_in_their_own() -> None:
    r, ran_in = Router(), {}

    @r.text("fixed")
    @inline
    async def fixed(msg: WxMessage, ctx: Any) -> ReplyLike:
        ran_in["fixed"] = asyncio.current_task()
        return TextReply("fixed reply")

    @r.text("slow")
    async def slow(msg: WxMessage, ctx: Any) -> ReplyLike:
        ran_in["slow"] = asyncio.current_task()
        return TextReply("slow reply")

    assert parse_xml_fields(await dispatch(r, text("fixed"), None, now=NOW))["Content"] == "fixed reply"
    assert parse_xml_fields(await dispatch(r, text("slow"), None, now=NOW))["Content"] == "slow reply"
    assert ran_in["fixed"] is asyncio.current_task() and ran_in["slow"] is not asyncio.current_task()
    with pytest.raises(TypeError):
        inline(lambda m, c: None)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_dispatch_without_handler_is_success() -> None:
    assert await dispatch(Router(), text("x"), None, now=NOW) == "success"


@pytest.mark.asyncio
async def test_dispatch_propagates_handler_errors_within_deadline() -> None:
    r = Router()

    @r.default
    async def broken(msg: WxMessage, ctx: Any) -> ReplyLike:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await dispatch(r, text("x"), None, now=NOW)


@pytest.mark.asyncio
async def test_dispatch_past_deadline_answers_success_and_hands_over_task() -> None:
    r, release = Router(), asyncio.Event()

    @r.text("红包")
    async def slow(msg: WxMessage, ctx: Any) -> ReplyLike:
        await release.wait()
        return TextReply("late packets")

    handed: list[tuple[WxMessage, asyncio.Task[ReplyLike]]] = []
    msg = load("text_hongbao.xml")
    reply = await dispatch(r, msg, None, now=NOW, deadline_s=0.05,
                           on_late=lambda m, t: handed.append((m, t)))
    assert reply == "success"
    assert len(handed) == 1 and handed[0][0] is msg and not handed[0][1].done()
    assert len(r.background) == 1
    release.set()
    assert await handed[0][1] == TextReply("late packets")
    await asyncio.sleep(0)
    assert len(r.background) == 0


@pytest.mark.asyncio
async def test_late_failures_and_callback_failures_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    r = Router()

    @r.default
    async def slow_then_fail(msg: WxMessage, ctx: Any) -> ReplyLike:
        await asyncio.sleep(0.1)
        raise RuntimeError("late boom")

    def bad_callback(msg: WxMessage, task: asyncio.Task[ReplyLike]) -> None:
        raise LookupError("callback boom")

    with caplog.at_level(logging.WARNING, logger="bot.wechat.dispatch"):
        assert await dispatch(r, text("x"), None, now=NOW, deadline_s=0.01,
                              on_late=bad_callback) == "success"
        await r.background.drain(timeout_s=2)
    messages = [rec.getMessage() for rec in caplog.records]
    assert any("late callback failed" in m for m in messages)
    failed = [rec for rec in caplog.records if "failed" in rec.getMessage() and rec.exc_info]
    assert any(isinstance(rec.exc_info[1], RuntimeError) for rec in failed if rec.exc_info)


@pytest.mark.asyncio
async def test_cancelled_dispatch_keeps_the_handler_referenced() -> None:
    r, release = Router(), asyncio.Event()

    @r.default
    async def slow(msg: WxMessage, ctx: Any) -> ReplyLike:
        await release.wait()
        return "done"

    outer = asyncio.create_task(dispatch(r, text("x"), None, now=NOW, deadline_s=10))
    await asyncio.sleep(0.01)
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
    assert len(r.background) == 1
    release.set()
    await r.background.drain(timeout_s=1)
    assert len(r.background) == 0


@pytest.mark.asyncio
async def test_drain_cancels_stragglers() -> None:
    keeper = BackgroundTasks()
    task = asyncio.create_task(asyncio.sleep(60))
    keeper.keep(task)
    await keeper.drain(timeout_s=0.01)
    assert task.cancelled() and len(keeper) == 0
