"""In-process view tests of `/wechat/mp` and `/wechat/work` (SQLite file + real Redis db 12), where a
handler is slowed down or the config differs: late replies, a failing handler's claim, closed doors,
Redis down. The HTTP edge of the real service is tests/test_callbacks.py."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.web import metrics
from bot.wechat.callbacks import reply_text
from bot.wechat.messages import Article, NewsReply, TextReply
from handlers.admin import wecom as wx_admin
from handlers.redpacket import messages as wx_redpacket
from tests.support import fakewx
from tests.support.config import make_config
from tests.support.wxclient import (
    fixture_xml,
    post_signed,
    unique_msg_id,
    work_server,
)

# ---- in-process view tests (SQLite file, real Redis db 12) -----------------------------------


def _counted(outcome: str) -> float:
    """This process's count of `/wechat/mp` deliveries with `outcome` (the in-process app's metrics)."""
    return float(metrics.metrics().callbacks.labels("wxmp", outcome)._value.get())  # noqa: SLF001


def _settle(client: Any, seconds: float) -> None:
    """Let the in-process server's loop run (late handlers, their sends)."""
    client._loop.run_until_complete(asyncio.sleep(seconds))  # noqa: SLF001


def test_late_reply_answers_success_in_time_then_sends_a_customer_service_message(
        local_app: Any, fake_wechat: fakewx.FakeWeChat, monkeypatch: pytest.MonkeyPatch) -> None:
    client, mp = local_app(wechat={"reply_deadline_s": 0.1, "api_base": fake_wechat.url})

    async def slow_packets(openid: str, now: Any, limit: int = 5) -> list[Any]:
        await asyncio.sleep(1.2)  # well past the deadline, and past the answer even on a loaded machine
        return []

    monkeypatch.setattr(wx_redpacket, "live_packets", slow_packets)
    late_before = _counted("late")
    started = time.perf_counter()
    response = post_signed(client, mp, fixture_xml("text_hongbao.xml", FromUserName="o-late", MsgId=unique_msg_id()))
    assert (response.status, response.text) == (200, "success")
    assert _counted("late") == late_before + 1
    assert time.perf_counter() - started < 1.0  # answered before the handler was done
    assert fake_wechat.calls_to("/cgi-bin/message/custom/send") == []
    _settle(client, 1.6)
    [sent] = fake_wechat.calls_to("/cgi-bin/message/custom/send")
    assert sent.body == {"touser": "o-late", "msgtype": "text", "text": {"content": wx_redpacket.NO_PACKETS_TEXT}}
    assert sent.query["access_token"].startswith("tok-")


def test_late_wecom_reply_goes_out_as_an_app_message(local_app: Any, fake_wechat: fakewx.FakeWeChat,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = local_app(wechat={"reply_deadline_s": 0.1}, wecom={"api_base": fake_wechat.url})
    work = work_server("", make_config())
    real_stats = wx_admin.campaign_stats

    async def slow_stats(tz: Any, now: Any) -> Any:
        await asyncio.sleep(0.5)
        return await real_stats(tz, now)

    monkeypatch.setattr(wx_admin, "campaign_stats", slow_stats)
    params, body = work.signed(fixture_xml("wecom_text_stats.xml", FromUserName="boss", MsgId=unique_msg_id()))
    _, response = client.post("/wechat/work", params=params, content=body)
    assert (response.status, response.text) == (200, "")
    _settle(client, 1.0)
    [sent] = fake_wechat.calls_to("/cgi-bin/message/send")
    assert sent.body["touser"] == "boss" and sent.body["agentid"] == 1000005
    assert sent.body["text"]["content"].startswith("活动数据（")


def test_a_failing_handler_releases_its_claim_so_the_retry_runs(local_app: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    client, mp = local_app()

    async def broken(openid: str, now: Any, limit: int = 5) -> list[Any]:
        raise RuntimeError("database went away")

    xml = fixture_xml("text_hongbao.xml", FromUserName="o-retry", MsgId=unique_msg_id())
    failed_before = _counted("failed")
    with monkeypatch.context() as m:
        m.setattr(wx_redpacket, "live_packets", broken)
        failed = post_signed(client, mp, xml)
    assert failed.status == 500 and failed.json["error"] == "internal"
    assert _counted("failed") == failed_before + 1
    retried = post_signed(client, mp, xml)
    assert retried.status == 200 and wx_redpacket.NO_PACKETS_TEXT in retried.text


def test_plain_only_account_refuses_safe_mode_and_wecom_without_key_is_closed(local_app: Any) -> None:
    client, mp = local_app(wechat={"encoding_aes_key": ""}, wecom={"encoding_aes_key": ""})
    xml = fixture_xml("text_help.xml", MsgId=unique_msg_id())
    assert post_signed(client, mp, xml).status == 200
    refused = post_signed(client, mp, xml, aes=True)
    assert (refused.status, refused.json["error"]) == (400, "malformed_query")
    _, closed = client.post("/wechat/work", params={"msg_signature": "x", "timestamp": "1", "nonce": "n"},
                            content=b"<xml/>")
    assert closed.status == 404


def test_redis_down_still_answers(local_app: Any) -> None:
    """Redis is an accelerator: without it deliveries are not deduplicated, but still answered."""
    client, mp = local_app(redis={"url": "redis://127.0.0.1:1/0", "prefix": "fxdown"})
    xml = fixture_xml("text_help.xml", MsgId=unique_msg_id())
    for _ in range(2):
        response = post_signed(client, mp, xml)
        assert response.status == 200 and wx_redpacket.HELP_TEXT.splitlines()[0] in response.text


def test_a_late_news_reply_becomes_a_text_with_links() -> None:
    news = NewsReply((Article("红包还差1.00元", "https://x/p/tok", "还剩3小时"),))
    assert reply_text(news) == '红包还差1.00元\n还剩3小时\n<a href="https://x/p/tok">点击查看</a>'
    assert (reply_text(None), reply_text("hi"), reply_text(TextReply("好"))) == ("", "hi", "好")
