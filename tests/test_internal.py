"""`/metrics` and `/docs` behind `server.internal_token` (bot/web/internal.py), on the real service
(2 processes): an outsider reads neither the campaign's counters nor the API map; the operator's
scraper with the Bearer token does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import fakewx
from tests.support.service import Service

TOKEN = "internal-token-for-tests-0123"
PATHS = ["/metrics", "/docs", "/docs/openapi.json", "/docs/ui/swagger-ui.css"]


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    service = Service(fake.url, workers=2, redis_db=12, server={"internal_token": TOKEN})
    yield service
    service.stop()


@pytest.mark.parametrize("path", PATHS)
def test_internal_pages_want_the_internal_token(svc: Service, path: str) -> None:
    """Attack: an anonymous visitor scrapes /metrics (traffic, budget burn, error rates, outbox
    backlog) and /docs (every route and its parameters). Without the token — none, a wrong one, the
    admin's, another scheme — 401 and nothing of the page; with it, the page."""
    with httpx.Client(base_url=svc.base, timeout=10) as c:
        for headers in ({}, {"Authorization": "Bearer wrong-token-000000000"},
                        {"Authorization": f"Bearer {svc.config['admin']['token']}"},
                        {"Authorization": f"Basic {TOKEN}"}):
            for _ in range(2):  # both processes
                r = c.get(path, headers=headers)
                assert r.status_code == 401, (path, headers, r.status_code)
                assert r.headers["www-authenticate"].startswith("Bearer")
                assert "fission_" not in r.text and "openapi" not in r.text
        ok = c.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200, (path, ok.text[:200])
    if path == "/metrics":
        assert "fission_http_requests_total" in ok.text or "fission_" in ok.text


def test_other_routes_do_not_want_it(svc: Service) -> None:
    with httpx.Client(base_url=svc.base, timeout=10) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/api/packets").status_code == 401  # its own session check, not the internal token
        assert c.get("/metricsx").status_code == 404
