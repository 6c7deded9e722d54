"""Downgrade and replay of `/wechat/mp` and `/wechat/work` (bot/wechat/callback_guard.py), from an
attacker's side: requests are built with wechatpy as WeChat builds them (tests/support/wxclient.py), then
reused. The replay tests run against the real service (2 processes, PostgreSQL, Redis: the nonce
memory is shared by every process); the `wechat.mode` tests run in-process with their config."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bot.settings import SettingsError, load_settings
from handlers.redpacket import messages as wx_redpacket
from tests.support import fakewx
from tests.support.service import Service, login
from tests.support.wxclient import (
    MpServer,
    WorkServer,
    fixture_xml,
    mp_server,
    post_signed,
    sha1_sig,
    unique_msg_id,
    work_server,
)


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


def post(base: str, door: str, params: dict[str, str], body: bytes | str) -> httpx.Response:
    return httpx.post(f"{base}/wechat/{door}", params=params, content=body, timeout=10)


def shared_packet(svc: Service, owner: str) -> str:
    """`owner` holds a packet and has shared it; its share token."""
    packet = svc.order_event(openid=owner).json()["packet"]
    phone = login(svc.base, owner)
    try:
        return str(phone.post(f"/api/packets/{packet['id']}/share").json()["share_token"])
    finally:
        phone.close()


# ---- replay: a used (timestamp, nonce) with another body --------------------------------------


def test_a_leaked_plain_signature_cannot_carry_another_body(svc: Service, mp: MpServer) -> None:
    """Attack: a plain-mode signature covers (token, timestamp, nonce) only, not the body. Whoever
    saw one request's query (a log, a proxy, a URL check) re-posts it with `红包` from a victim's
    openid and reads the victim's share link — within the 5-minute window, on any process. Every
    such body is refused 403 `replayed_nonce`; the original body again is a retry (`success`)."""
    victim = "o-victim-" + uuid.uuid4().hex[:8]
    token = shared_packet(svc, victim)
    params, body = mp.signed(fixture_xml("text_help.xml", FromUserName="o-leak-" + uuid.uuid4().hex[:6],
                                         MsgId=unique_msg_id()))
    first = post(svc.base, "mp", params, body)
    assert first.status_code == 200 and wx_redpacket.HELP_TEXT.splitlines()[0] in first.text
    for _ in range(6):  # spread over both worker processes
        forged = fixture_xml("text_hongbao.xml", FromUserName=victim, MsgId=unique_msg_id())
        r = post(svc.base, "mp", params, forged)
        assert (r.status_code, r.json()["error"]) == (403, "replayed_nonce")
        assert token not in r.text
    again = post(svc.base, "mp", params, body)
    assert (again.status_code, again.text) == (200, "success")
    legit = mp.send(fixture_xml("text_hongbao.xml", FromUserName=victim, MsgId=unique_msg_id()))
    assert [a["Url"] for a in legit.articles] == [f"{svc.base}/p/{token}"]  # the victim is still served


def _restuffed(envelope: str) -> str:
    """The same signed ciphertext in another body: a field added beside <Encrypt>."""
    return envelope.replace("<xml>", "<xml><ToUserName><![CDATA[gh_other]]></ToUserName>", 1)


@pytest.mark.parametrize("door", ["mp", "work"])
def test_an_encrypted_envelope_reposted_in_another_body_is_refused(svc: Service, mp: MpServer, work: WorkServer,
                                                                   door: str) -> None:
    """Attack: a captured encrypted request (safe-mode Official Account, WeCom) re-posted under its
    own query with a different body around the same signed ciphertext. Refused 403; the very same
    bytes again are a retry and answered as a duplicate (`success` / WeCom's empty 200)."""
    xml = (fixture_xml("text_help.xml", MsgId=unique_msg_id()) if door == "mp"
           else fixture_xml("wecom_text_stats.xml", FromUserName="boss", MsgId=unique_msg_id()))
    params, body = mp.signed(xml, aes=True) if door == "mp" else work.signed(xml)
    assert post(svc.base, door, params, body).status_code == 200
    r = post(svc.base, door, params, _restuffed(str(body)))
    assert (r.status_code, r.json()["error"]) == (403, "replayed_nonce")
    again = post(svc.base, door, params, body)
    assert (again.status_code, again.text) == (200, "success" if door == "mp" else "")


def test_identical_retries_are_never_refused(svc: Service, mp: MpServer) -> None:
    """WeChat's own retries (fresh nonces) and a proxy's re-sent bytes (the same nonce and body),
    many at once on both processes: one is handled, the others are answered `success`, none 403."""
    xml = fixture_xml("text_help.xml", MsgId=unique_msg_id())
    same = mp.signed(xml)
    sends = [same] * 6 + [mp.signed(xml) for _ in range(6)]
    with ThreadPoolExecutor(len(sends)) as pool:
        answers = list(pool.map(lambda pb: post(svc.base, "mp", *pb), sends))
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    handled = [r for r in answers if r.text != "success"]
    assert len(handled) == 1 and wx_redpacket.HELP_TEXT.splitlines()[0] in handled[0].text


# ---- downgrade: wechat.mode ---------------------------------------------------------------------


def test_safe_mode_refuses_a_plain_post_signed_like_a_url_check(local_app: Any) -> None:  # noqa: F811
    """Attack: downgrade. With an EncodingAESKey the account sends only encrypted messages, yet a
    plain POST — whose signature is the very sha1(token, timestamp, nonce) every URL check (GET)
    carries — was accepted with any body. `wechat.mode: safe` refuses it 403 `wrong_mode`, whatever
    its signature; the encrypted message is served."""
    client, mp = local_app(wechat={"mode": "safe"})
    xml = fixture_xml("text_help.xml", MsgId=unique_msg_id())
    for how in ({}, {"signature": "0" * 40}):
        refused = post_signed(client, mp, xml, **how)
        assert (refused.status, refused.json["error"]) == (403, "wrong_mode")
    params, _ = mp.signed(xml)  # a URL check's query, sent as a message
    assert params["signature"] == sha1_sig(mp.token, params["timestamp"], params["nonce"])
    _, r = client.post("/wechat/mp", params=params, content=xml)
    assert r.status == 403
    served = post_signed(client, mp, xml, aes=True)
    assert served.status == 200 and "<Encrypt>" in served.text


def test_plain_mode_refuses_encrypted_posts(local_app: Any) -> None:  # noqa: F811
    """`plain` (the account sends plain messages only): an encrypted POST is refused 403 too. The
    default `compat` takes both (tests/test_callbacks.py sends both to a default service)."""
    plain, mp = local_app(wechat={"mode": "plain"})
    assert post_signed(plain, mp, fixture_xml("text_help.xml", MsgId=unique_msg_id())).status == 200
    refused = post_signed(plain, mp, fixture_xml("text_help.xml", MsgId=unique_msg_id()), aes=True)
    assert (refused.status, refused.json["error"]) == (403, "wrong_mode")


def test_safe_mode_without_a_key_does_not_start(tmp_path: Any) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("server: {secret_key: test-secret-key-0123456789}\n"
                   "wechat: {appid: wx1, secret: s, token: t, mode: safe}\n"
                   "wecom: {corpid: ww1, agentid: 1, secret: s, token: t}\n"
                   "orders: {secret: order-secret}\npayments: {secret: pay-secret}\nadmin: {token: admin-token-123}\n")
    with pytest.raises(SettingsError, match="mode safe needs encoding_aes_key"):
        load_settings(cfg, environ={})
