"""handlers/redpacket/jssdk.py: the JS-SDK signature (WeChat's published example), which URLs may be signed,
and — against the real service on PostgreSQL with the fake WeChat — the share config endpoint and
the packet's parametric QR code, created once per packet even under concurrent requests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest

from handlers.redpacket.jssdk import jssdk_signature, signable_url
from tests.support import fakewx
from tests.support.service import Service, login

REDIS_DB = 14


def test_signature_matches_wechats_published_example() -> None:
    # JS-SDK doc, appendix 1 ("签名算法") worked example
    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    assert jssdk_signature(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value") \
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://fx.example.com/h5/p/abc?x=1&y=%E4%B8%AD#/help", "https://fx.example.com/h5/p/abc?x=1&y=%E4%B8%AD"),
    ("https://FX.example.com/h5", "https://FX.example.com/h5"),
    ("https://fx.example.com/h5/", "https://fx.example.com/h5/"),
    ("https://fx.example.com/h5x/p", None),  # a sibling path, not under /h5
    ("https://fx.example.com/", None),
    ("http://fx.example.com/h5/p", None),  # another scheme
    ("https://fx.example.com.evil.cn/h5/p", None),
    ("https://fx.example.com@evil.cn/h5/p", None),
    ("https://evil.cn/h5/p#https://fx.example.com/h5", None),
    ("https://fx.example.com:8443/h5/p", None),
    ("https://fx.example.com/h5/p\nx", None),
    ("", None),
    ("https://fx.example.com/h5/" + "a" * 3000, None),
])
def test_only_pages_under_public_url_are_signed(url: str, expected: str | None) -> None:
    assert signable_url(url, "https://fx.example.com/h5") == expected


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=REDIS_DB)
    yield s
    s.stop()


def test_share_config_is_signed_without_the_fragment(svc: Service, fake: fakewx.FakeWeChat) -> None:
    page = f"{svc.base}/p/tok?from=timeline#/help"
    bodies = [httpx.get(svc.base + "/api/wechat/jssdk", params={"url": page}, timeout=10).json() for _ in range(3)]
    for b in bodies:
        assert set(b) == {"appId", "timestamp", "nonceStr", "signature"} and b["appId"] == "wxtest0000000001"
        assert b["signature"] == jssdk_signature("jsapi-ticket", b["nonceStr"], b["timestamp"], page.split("#", 1)[0])
    assert len({b["nonceStr"] for b in bodies}) == 3
    assert len(fake.calls_to("/cgi-bin/ticket/getticket")) == 1  # cached in Redis


@pytest.mark.parametrize("url", ["https://evil.cn/p/x", "", "javascript:alert(1)"])
def test_foreign_urls_are_refused(svc: Service, url: str) -> None:
    r = httpx.get(svc.base + "/api/wechat/jssdk", params={"url": url}, timeout=10)
    assert r.status_code == 400 and r.json()["error"] == "invalid_body"


def test_qr_code_is_created_once_per_packet(svc: Service, fake: fakewx.FakeWeChat) -> None:
    owner = "o-qr-" + uuid.uuid4().hex[:8]
    packet = svc.order_event(openid=owner).json()["packet"]
    token = login(svc.base, owner).post(f"/api/packets/{packet['id']}/share").json()["share_token"]

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=svc.base, timeout=20) as c:
            return await asyncio.gather(*[c.get(f"/api/share/{token}/qrcode") for _ in range(12)])

    answers = asyncio.run(burst())
    assert {r.status_code for r in answers} == {200}
    assert {r.json()["ticket"] for r in answers} == {"qr-ticket"}
    assert answers[0].json()["image_url"] == "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=qr-ticket"
    creates = [c for c in fake.calls_to("/cgi-bin/qrcode/create")
               if c.body["action_info"]["scene"]["scene_str"] == token]
    assert len(creates) == 1
    assert creates[0].body["action_name"] == "QR_STR_SCENE" and 4 * 3600 < creates[0].body["expire_seconds"] <= 5 * 3600
    assert httpx.get(f"{svc.base}/api/share/no-such-token/qrcode", timeout=10).status_code == 404
