"""Share tokens are case-exact on every backend, caches are keyed by the stored token, and poster
renders (cache misses) are rate-limited per client IP.

MySQL/MariaDB compare text case-insensitively by default: `AbC` finds the row of `abc`. For share
tokens that turned one token into 2^n spellings, each a fresh poster render and a fresh ~70 KB
Redis entry, unauthenticated and unthrottled.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from tortoise.backends.base import executor

from bot.infra import db as dbmod
from bot.infra import migrate
from bot.settings import DatabaseSettings
from models.coupon import CouponSource, UserCoupon
from models.coupon_rules import CouponKind
from models.redpacket import RedPacket
from models.user import User
from tests.support import dbs, fakewx
from tests.support.pagekit import shared_packet
from tests.support.service import Service

REDIS_DB = 7
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
MIXED = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_aBcD"  # 42 chars, as token_urlsafe spells them


def variants(token: str) -> list[str]:
    return [token.lower(), token.upper(), token.swapcase()]


async def _packet_with(token: str) -> RedPacket:
    from tests.support.storage import issue

    p = await issue(NOW)
    await RedPacket.filter(id=p.id).update(share_token=token)
    return p


async def _coupon_with(token: str) -> UserCoupon:
    from tests.support.paykit import template

    u = await User.ensure("o-" + uuid.uuid4().hex[:10])
    t = await template()
    return await UserCoupon.create(template=t, user=u, granted_to=u, source=CouponSource.LOTTERY,
                                   source_ref=uuid.uuid4().hex, name="满10减2", kind=CouponKind.AMOUNT, value=200,
                                   valid_from=NOW, valid_until=NOW + dt.timedelta(days=7), created_at=NOW,
                                   share_token=token)


async def _assert_case_exact() -> None:
    p = await _packet_with(MIXED)
    c = await _coupon_with(MIXED)
    assert (await RedPacket.get(share_token=MIXED)).id == p.id
    assert (await UserCoupon.get(share_token=MIXED)).id == c.id
    for other in variants(MIXED):
        assert await RedPacket.get_or_none(share_token=other) is None, other
        assert await UserCoupon.get_or_none(share_token=other) is None, other
        assert await RedPacket.filter(share_token__in=[other]).count() == 0, other
    twin = await _packet_with(MIXED.swapcase())  # a token differing only in case is another token
    assert twin.id != p.id


async def test_tokens_are_case_exact_on_a_generated_schema(orm: str) -> None:
    """Attack: `/api/share/abc…` for a packet whose token is `AbC…` (and `/api/coupons/claim/…` the
    same): on MariaDB the default collation found it. Every backend, schema made by the test
    fixture's schema generation, must treat a case variant as an unknown token."""
    await _assert_case_exact()


def test_tokens_are_case_exact_after_the_migrations(tmp_path: Path) -> None:
    """The same on a MariaDB schema built by `main.py migrate` (the committed migrations)."""
    url = dbs.create("mysql", str(tmp_path))
    try:
        asyncio.run(migrate.upgrade(DatabaseSettings(url=url)))

        async def check() -> None:
            executor.EXECUTOR_CACHE.clear()
            await dbmod.connect(DatabaseSettings(url=url))
            try:
                await _assert_case_exact()
            finally:
                await dbmod.close()

        asyncio.run(check())
    finally:
        dbs.drop(url)


@pytest.fixture(scope="module")
def maria(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, backend="mysql", workers=1, redis_db=REDIS_DB)
    yield s
    s.stop()


def test_case_variants_of_a_token_are_unknown_through_the_service(maria: Service) -> None:
    """Attack (cache amplification): asking for the poster of a real packet under case variants of
    its token, each variant a new render and a new Redis entry. On MariaDB now: 404 for every
    variant, and the only poster entries in Redis are under the stored token."""
    s = shared_packet(maria)
    assert httpx.get(f"{maria.base}/api/share/{s.token}/poster.png", timeout=30).status_code == 200
    token_variants = [v for v in variants(s.token) if v != s.token]
    assert token_variants
    for v in token_variants:
        assert httpx.get(f"{maria.base}/api/share/{v}/poster.png", timeout=30).status_code == 404, v
        assert httpx.get(f"{maria.base}/api/share/{v}", timeout=30).status_code == 404, v
    r = redis.Redis.from_url(maria.redis_url)
    keys = [k.decode() for k in r.scan_iter(match=f"{maria.config['redis']['prefix']}:pk:*poster*")]
    r.close()
    assert keys and all(f"{{{s.token}}}" in k for k in keys), keys


def test_poster_renders_are_rate_limited_per_ip(fake: fakewx.FakeWeChat) -> None:
    """Attack: one client asking for posters nobody has cached (unknown tokens, or many packets)
    makes each request a database read and possibly a render. Those misses are counted per client
    IP (`ratelimit.poster`); past the limit the answer is 429 with Retry-After, while another IP is
    not affected."""
    svc = Service(fake.url, workers=1, redis_db=REDIS_DB, ratelimit={"poster": {"per_ip": {"limit": 5}}})
    try:
        codes = [httpx.get(f"{svc.base}/api/share/{uuid.uuid4().hex}/poster.png", timeout=30).status_code
                 for _ in range(8)]
        assert codes[:5] == [404] * 5 and codes[5:] == [429] * 3, codes
        r = httpx.get(f"{svc.base}/api/share/{uuid.uuid4().hex}/poster.png", timeout=30)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=30) as other:
            assert other.get(f"{svc.base}/api/share/{uuid.uuid4().hex}/poster.png").status_code == 404
    finally:
        svc.stop()
