"""The admin API rate-limited per client IP and per admin token (bot/web/protection.py, `ratelimit.admin`),
on the real service (2 processes sharing the counters in Redis). Client IPs come from
X-Forwarded-For through one trusted proxy, as behind nginx."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import fakewx
from tests.support.service import Service

PER_IP, PER_TOKEN = 5, 8


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    service = Service(fake.url, workers=2, redis_db=13, server={"proxies_count": 1}, ratelimit={
        "exempt_networks": [], "admin": {"per_ip": {"limit": PER_IP, "window_s": 600},
                                         "per_user": {"limit": PER_TOKEN, "window_s": 600}}})
    yield service
    service.stop()


def get(svc: Service, ip: str, token: str) -> httpx.Response:
    return httpx.get(f"{svc.base}/admin/api/blacklist", timeout=10,
                     headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": ip})


def test_token_guessing_from_one_ip_is_cut_off(svc: Service) -> None:
    """Attack: guess the admin token from one address as fast as the server answers. After the
    per-IP allowance every try is refused 429 with Retry-After — the right token too, from there —
    while another address is served."""
    codes = [get(svc, "203.0.113.7", f"guess-{i:08d}").status_code for i in range(PER_IP + 3)]
    assert codes == [401] * PER_IP + [429] * 3
    refused = get(svc, "203.0.113.7", svc.config["admin"]["token"])
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert get(svc, "203.0.113.8", svc.config["admin"]["token"]).status_code == 200


def test_guessing_with_head_is_cut_off_as_with_get(svc: Service) -> None:
    """Attack: HEAD runs the GET's handler and tells 401 from 200 just as well, so guessing with
    HEAD must spend the same allowance (its twin route was unlimited when policy moved to the routes)."""
    def head(ip: str, token: str) -> httpx.Response:
        return httpx.head(f"{svc.base}/admin/api/blacklist", timeout=10,
                          headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": ip})

    codes = [head("203.0.113.9", f"guess-{i:08d}").status_code for i in range(PER_IP + 3)]
    assert codes == [401] * PER_IP + [429] * 3
    assert head("203.0.113.10", svc.config["admin"]["token"]).status_code == 200


def test_one_token_from_many_ips_is_limited_as_one(svc: Service) -> None:
    """A leaked admin token (or a runaway script) spread over many addresses, each under its own
    allowance: the token's own window refuses it past its limit, on every address; wrong tokens
    from those addresses make no token counter (they are refused 401, not 429)."""
    token = svc.config["admin"]["token"]
    codes = [get(svc, f"198.51.100.{i}", token).status_code for i in range(PER_TOKEN + 2)]
    served = codes.count(200)  # the other test may have spent some of the token's window
    assert codes == [200] * served + [429] * (len(codes) - served) and served <= PER_TOKEN
    assert get(svc, "198.51.100.99", "not-the-token-0000").status_code == 401
