"""`/wechat/mp` and `/wechat/work` through the HTTP edge of the real service (2 processes,
PostgreSQL, Redis): URL checks, plain and safe mode, every message and event the red-packet and
admin routers handle, duplicate deliveries, refusals (signature, time, hostile XML) that change
nothing. The in-process view tests (a slowed handler, another config) are in
tests/test_callbacks_inprocess.py."""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import redis

from handlers.admin import wecom as wx_admin
from handlers.redpacket import messages as wx_redpacket
from tests.support import fakewx
from tests.support.service import Service, login
from tests.support.wxclient import (
    MpServer,
    WorkServer,
    fixture_bytes,
    fixture_xml,
    mp_server,
    unique_msg_id,
    work_server,
)

_times = itertools.count(1_700_100_000 + random.randrange(10**6) * 100)


def create_time() -> int:
    return next(_times)


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    service = Service(fake.url, workers=2, redis_db=11)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def mp(svc: Service) -> MpServer:
    return mp_server(svc.base, svc.config)


@pytest.fixture(scope="module")
def work(svc: Service) -> WorkServer:
    return work_server(svc.base, svc.config)


@pytest.fixture(scope="module")
def admin(svc: Service) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=svc.base, timeout=30,
                      headers={"Authorization": f"Bearer {svc.config['admin']['token']}"}) as c:
        yield c


def issue(svc: Service, owner: str, **fields: Any) -> dict[str, Any]:
    packet = svc.order_event(openid=owner, **fields).json()["packet"]
    assert packet is not None
    return packet


def share(svc: Service, owner: str, packet_id: int) -> str:
    """The owner logs in (so the fake OAuth gives a nickname) and shares; returns the token."""
    phone = login(svc.base, owner)
    try:
        return str(phone.post(f"/api/packets/{packet_id}/share").json()["share_token"])
    finally:
        phone.close()


def snapshot(svc: Service, admin: httpx.Client) -> tuple[Any, ...]:
    """What a refused request must leave untouched: dedupe claims, blacklist, funnel."""
    r = redis.Redis.from_url(svc.redis_url, decode_responses=True)
    try:
        claims = sorted(r.scan_iter(f"{svc.config['redis']['prefix']}:dedupe:*", count=1000))
    finally:
        r.close()
    stats = admin.get("/admin/api/stats").json()
    return claims, admin.get("/admin/api/blacklist").json(), stats["funnel"], stats["helps"]


# ---- URL verification ----------------------------------------------------------------------


def test_mp_url_check(mp: MpServer) -> None:
    ok = mp.url_check()
    assert (ok.status_code, ok.text) == (200, "echo-123")
    assert mp.url_check(signature="0" * 40).status_code == 403
    stale = mp.url_check(ts=str(int(time.time()) - 301))
    assert stale.status_code == 403 and stale.json()["error"] == "stale_timestamp"


def test_work_url_check_decrypts_echostr(work: WorkServer) -> None:
    ok = work.url_check("1616140317555161061")
    assert (ok.status_code, ok.text) == (200, "1616140317555161061")
    bad = work.url_check("x", signature="0" * 40)
    assert bad.status_code == 403 and bad.json()["error"] == "bad_signature"
    assert work.url_check("x", ts=str(int(time.time()) - 301)).status_code == 403


# ---- red-packet messages -----------------------------------------------------------------


def test_hongbao_with_one_packet_is_a_news_reply_with_the_help_link(svc: Service, mp: MpServer) -> None:
    owner = "o-one-" + uuid.uuid4().hex[:8]
    p = issue(svc, owner, goods_name="保温杯 500ml")
    token = share(svc, owner, p["id"])
    reply = mp.send(fixture_xml("text_hongbao.xml", FromUserName=owner, MsgId=unique_msg_id()))
    f = reply.fields
    assert (reply.status, f["MsgType"], f["ToUserName"], f["FromUserName"]) == (200, "news", owner, "gh_fission")
    [article] = reply.articles
    assert article["Url"] == f"{svc.base}/p/{token}"
    assert article["Title"] == f"你的购物红包还差{p['amount'] // 100}.{p['amount'] % 100:02d}元拆完"
    assert "保温杯" in article["Description"]


def test_hongbao_from_many_owners_at_once_each_get_their_own(svc: Service, mp: MpServer) -> None:
    """Concurrent `红包` messages share reads (bot/infra/batching.py ReadBatcher): each reply still carries
    its sender's packet and no one else's, and an owner without packets gets the pointer."""
    owners = ["o-many-" + uuid.uuid4().hex[:8] for _ in range(40)]
    tokens = {o: share(svc, o, issue(svc, o)["id"]) for o in owners[:-1]}

    def ask(owner: str) -> Any:
        return mp.send(fixture_xml("text_hongbao.xml", FromUserName=owner, MsgId=unique_msg_id()))

    with ThreadPoolExecutor(len(owners)) as pool:
        replies = dict(zip(owners, pool.map(ask, owners), strict=True))
    for owner, token in tokens.items():
        [article] = replies[owner].articles
        assert article["Url"] == f"{svc.base}/p/{token}"
    assert replies[owners[-1]].fields["Content"] == wx_redpacket.NO_PACKETS_TEXT


def test_hongbao_in_safe_mode_is_answered_encrypted(svc: Service, mp: MpServer) -> None:
    owner = "o-aes-" + uuid.uuid4().hex[:8]
    token = share(svc, owner, issue(svc, owner)["id"])
    r = mp.post_raw(fixture_xml("text_hongbao.xml", FromUserName=owner, MsgId=unique_msg_id()), aes=True)
    assert r.status_code == 200 and "<Encrypt>" in r.text and token not in r.text  # nothing in clear
    inner = mp.open_reply(r.text, aes=True)  # wechatpy checks MsgSignature and the appid
    assert "<MsgType><![CDATA[news]]></MsgType>" in inner and f"{svc.base}/p/{token}" in inner


def test_hongbao_with_several_packets_lists_links_and_no_packets_points_the_way(svc: Service, mp: MpServer) -> None:
    owner = "o-many-" + uuid.uuid4().hex[:8]
    tokens = [share(svc, owner, issue(svc, owner)["id"]) for _ in range(2)]
    reply = mp.send(fixture_xml("text_hongbao.xml", FromUserName=owner, MsgId=unique_msg_id()))
    assert reply.fields["MsgType"] == "text"
    for token in tokens:
        assert f'<a href="{svc.base}/p/{token}">' in reply.fields["Content"]
    nobody = mp.send(fixture_xml("text_hongbao.xml", FromUserName="o-none-" + uuid.uuid4().hex[:6],
                                 MsgId=unique_msg_id()))
    assert nobody.fields["Content"] == wx_redpacket.NO_PACKETS_TEXT


def test_menu_click_my_packets(svc: Service, mp: MpServer) -> None:
    owner = "o-click-" + uuid.uuid4().hex[:8]
    token = share(svc, owner, issue(svc, owner)["id"])
    reply = mp.send(fixture_xml("event_click.xml", FromUserName=owner, CreateTime=create_time()), aes=True)
    assert [a["Url"] for a in reply.articles] == [f"{svc.base}/p/{token}"]


@pytest.mark.parametrize(("name", "key"), [("event_subscribe_qrscene.xml", "qrscene_{}"), ("event_scan.xml", "{}")])
def test_qr_event_with_share_token_replies_with_the_help_link(svc: Service, mp: MpServer, name: str,
                                                             key: str) -> None:
    owner = "o-qr-" + uuid.uuid4().hex[:8]
    token = share(svc, owner, issue(svc, owner)["id"])
    xml = fixture_xml(name, FromUserName="o-fan-" + uuid.uuid4().hex[:6], CreateTime=create_time(),
                      EventKey=key.format(token))
    reply = mp.send(xml)
    [article] = reply.articles
    assert article["Url"] == f"{svc.base}/p/{token}" and article["Title"] == f"昵称{owner[-4:]}邀请你帮拆红包"


def test_qr_event_for_unknown_or_ended_packet_explains(svc: Service, mp: MpServer) -> None:
    unknown = mp.send(fixture_xml("event_scan.xml", CreateTime=create_time(), EventKey="NoSuchToken_123"))
    assert unknown.fields["Content"] == wx_redpacket.UNKNOWN_TOKEN_TEXT
    owner, order_no = "o-refund-" + uuid.uuid4().hex[:8], "rf" + uuid.uuid4().hex[:14]
    token = share(svc, owner, issue(svc, owner, order_no=order_no)["id"])
    refund = svc.order_event(openid=owner, type="refunded", order_no=order_no)
    assert refund.json()["packet"]["status"] == "invalid"
    ended = mp.send(fixture_xml("event_scan.xml", CreateTime=create_time(), EventKey=token))
    assert ended.fields["Content"].startswith("这个红包已失效")


def test_plain_subscribe_help_default_and_silent_events(mp: MpServer) -> None:
    welcome = mp.send(fixture_xml("event_subscribe.xml", CreateTime=create_time()))
    assert welcome.fields["Content"] == wx_redpacket.WELCOME_TEXT
    assert mp.send(fixture_xml("text_help.xml", MsgId=unique_msg_id())).fields["Content"] == wx_redpacket.HELP_TEXT
    hello = mp.send(fixture_xml("text_hello.xml", MsgId=unique_msg_id()), aes=True)
    assert hello.fields["Content"] == wx_redpacket.DEFAULT_TEXT
    image = mp.send(fixture_xml("image.xml", MsgId=unique_msg_id()))
    assert image.fields["Content"] == wx_redpacket.DEFAULT_TEXT
    for name in ("event_unsubscribe.xml", "event_scancode_push.xml"):
        quiet = mp.send(fixture_xml(name, CreateTime=create_time()), aes=True)
        assert (quiet.status, quiet.body) == (200, "success")


# ---- duplicate deliveries ------------------------------------------------------------------


def test_repeated_message_is_answered_once(mp: MpServer) -> None:
    xml = fixture_xml("text_help.xml", MsgId=unique_msg_id())
    assert mp.send(xml).fields["Content"] == wx_redpacket.HELP_TEXT
    for aes in (False, True):  # WeChat's retries carry new timestamps, nonces and signatures
        again = mp.send(xml, aes=aes)
        assert (again.status, again.body) == (200, "success")


def test_repeated_event_is_answered_once_but_distinct_events_in_one_second_are_not(mp: MpServer) -> None:
    ts, user = create_time(), "o-ev-" + uuid.uuid4().hex[:6]
    first = fixture_xml("event_scan.xml", FromUserName=user, CreateTime=ts, EventKey="NoSuchToken_1")
    other_key = fixture_xml("event_scan.xml", FromUserName=user, CreateTime=ts, EventKey="NoSuchToken_2")
    assert mp.send(first).fields["Content"] == wx_redpacket.UNKNOWN_TOKEN_TEXT
    assert mp.send(first).body == "success"
    assert mp.send(other_key).fields["Content"] == wx_redpacket.UNKNOWN_TOKEN_TEXT


def test_repeated_wecom_command_runs_nothing(work: WorkServer, admin: httpx.Client) -> None:
    target = "o-dup-" + uuid.uuid4().hex[:8]
    xml = fixture_xml("wecom_text_block.xml", Content=f"block {target}", MsgId=unique_msg_id())
    assert work.send(xml).fields["Content"] == f"已拉黑 {target}"
    assert admin.delete(f"/admin/api/blacklist/{target}").json()["removed"] is True
    again = work.send(xml)  # a retry of the same delivery must not block again
    assert (again.status, again.body) == (200, "")
    listed = [e["openid"] for e in admin.get("/admin/api/blacklist").json()["entries"]]
    assert target not in listed


# ---- refusals change nothing ---------------------------------------------------------------


def test_bad_signature_and_stale_or_future_timestamps_are_refused(svc: Service, mp: MpServer, work: WorkServer,
                                                                 admin: httpx.Client) -> None:
    before = snapshot(svc, admin)
    xml = fixture_xml("text_hongbao.xml", MsgId=unique_msg_id())
    for aes in (False, True):
        r = mp.post_raw(xml, aes=aes, signature="0" * 40)
        assert (r.status_code, r.json()["error"]) == (403, "bad_signature")
        for offset in (-400, 400):  # well past the 300 s window (its edges: test_wxcrypto)
            r = mp.post_raw(xml, aes=aes, ts=str(int(time.time()) + offset))
            assert (r.status_code, r.json()["error"]) == (403, "stale_timestamp")
    block = fixture_xml("wecom_text_block.xml", Content="block o-stale", MsgId=unique_msg_id())
    assert work.post_raw(block, ts=str(int(time.time()) - 301)).status_code == 403
    assert snapshot(svc, admin) == before


HOSTILE = ["hostile_billion_laughs.xml", "hostile_xxe_file.xml", "hostile_xxe_parameter.xml",
           "hostile_doctype_only.xml"]


def _hostile_bodies() -> list[tuple[str, bytes]]:
    garbage = random.Random(7).randbytes(4096)
    return [*((n, fixture_bytes(n)) for n in HOSTILE), ("binary", garbage), ("binary-utf16", "<xml>é</xml>".encode(
        "utf-16")), ("not-xml", b"hello"), ("empty", b""),
        ("admin-bomb", fixture_bytes("hostile_billion_laughs.xml").replace(b"o-attacker", b"boss").replace(
            b"<Content>&lol9;</Content>", b"<Content>block o-bomb&lol9;</Content>"))]


def _every_door(mp: MpServer, work: WorkServer, body: bytes) -> list[httpx.Response]:
    """The body as a plain-mode message, as a safe-mode envelope, inside a valid safe-mode
    ciphertext, as a WeCom envelope and inside a valid WeCom ciphertext."""
    out = [mp.post_raw(body), mp.post_raw(body, aes=True, wrap=False), work.post_raw(body, encrypt=False)]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return out
    return [*out, mp.post_raw(text, aes=True), work.post_raw(text)]


@pytest.mark.parametrize(("label", "body"), _hostile_bodies(), ids=[n for n, _ in _hostile_bodies()])
def test_hostile_bodies_get_a_quick_4xx_and_change_nothing(  # noqa: PLR0913, PLR0917 - fixtures
        svc: Service, mp: MpServer, work: WorkServer, admin: httpx.Client, label: str, body: bytes) -> None:
    before = snapshot(svc, admin)
    for r in _every_door(mp, work, body):
        assert r.status_code == 400, (label, r.request.url, r.text)
        assert r.elapsed.total_seconds() < 1.0
        assert r.json()["error"] in ("malformed_xml", "decrypt_failed")
    assert snapshot(svc, admin) == before


@pytest.mark.parametrize("size", [100 * 1024, 3 * 1024 * 1024])
def test_oversized_bodies_are_refused_with_413(svc: Service, mp: MpServer, work: WorkServer, admin: httpx.Client,
                                               size: int) -> None:
    before = snapshot(svc, admin)
    body = b"<xml><Content>" + b"A" * size + b"</Content></xml>"
    for r in (mp.post_raw(body), mp.post_raw(body, aes=True, wrap=False), work.post_raw(body, encrypt=False)):
        assert r.status_code == 413 and r.elapsed.total_seconds() < 1.0
    assert snapshot(svc, admin) == before


# ---- WeCom admin commands ------------------------------------------------------------------


def test_wecom_stats_for_an_admin(svc: Service, work: WorkServer) -> None:
    issue(svc, "o-st-" + uuid.uuid4().hex[:8])
    reply = work.send(fixture_xml("wecom_text_stats.xml", FromUserName="boss", MsgId=unique_msg_id()))
    f = reply.fields
    assert (f["MsgType"], f["ToUserName"], f["FromUserName"], f["AgentID"]) == ("text", "boss", "wx5823bf96d3bd56c7",
                                                                              "1000002")
    assert f["Content"].startswith("活动数据（") and "发放 " in f["Content"] and "死信" in f["Content"]


def test_wecom_block_and_unblock_for_an_admin(work: WorkServer, admin: httpx.Client) -> None:
    target = "o-wb-" + uuid.uuid4().hex[:8]
    say = lambda name, content: work.send(fixture_xml(name, Content=content, MsgId=unique_msg_id()))  # noqa: E731
    assert say("wecom_text_block.xml", f"block {target}").fields["Content"] == f"已拉黑 {target}"
    assert say("wecom_text_block.xml", f"BLOCK {target}").fields["Content"] == f"{target} 已在黑名单中"
    entry = next(e for e in admin.get("/admin/api/blacklist").json()["entries"] if e["openid"] == target)
    assert entry["reason"] == "wecom:boss"
    assert say("wecom_text_unblock.xml", f"unblock {target}").fields["Content"] == f"已解除拉黑 {target}"
    assert say("wecom_text_unblock.xml", f"unblock {target}").fields["Content"] == f"{target} 不在黑名单中"
    assert say("wecom_text_block.xml", "block <script>").fields["Content"].startswith("openid 格式不正确")
    assert say("wecom_text_block.xml", "what now").fields["Content"].startswith("可用命令")


def test_wecom_commands_from_others_are_politely_refused(work: WorkServer, admin: httpx.Client) -> None:
    listed, fresh = "o-nb-" + uuid.uuid4().hex[:8], "o-nb-" + uuid.uuid4().hex[:8]
    admin.post("/admin/api/blacklist", json={"openid": listed})
    for content in (f"block {fresh}", f"unblock {listed}", "stats", "hello"):
        reply = work.send(fixture_xml("wecom_text_block.xml", FromUserName="intern", Content=content,
                                      MsgId=unique_msg_id()))
        assert reply.fields["Content"] == wx_admin.REFUSAL_TEXT
    entries = admin.get("/admin/api/blacklist", params={"limit": 500}).json()["entries"]
    assert listed in [e["openid"] for e in entries] and fresh not in [e["openid"] for e in entries]


def test_wecom_events_get_an_empty_answer(work: WorkServer) -> None:
    reply = work.send(fixture_xml("wecom_event_enter_agent.xml", CreateTime=create_time()))
    assert (reply.status, reply.body) == (200, "")
