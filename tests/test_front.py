"""The front door: a browser opening `/` gets a small HTML page with the ways in; a JSON client gets
the JSON 404 it always got (the in-process app, a migrated SQLite file, real Redis db 12)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sanic_testing.reusable import ReusableClient

from bot.infra import migrate
from main import build_app
from tests.support.config import make_settings
from tests.support.dbs import REDIS
from tests.support.service import free_port

CHROME_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                 "application/signed-exchange;v=b3;q=0.7")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = tmp_path_factory.mktemp("front") / "front.sqlite3"
    settings = make_settings(server={"port": free_port(), "public_url": "https://fx.example.com"},
                             database={"url": f"sqlite://{db}"},
                             redis={"url": f"{REDIS}/12", "prefix": "fxfd" + uuid.uuid4().hex[:6]})
    asyncio.run(migrate.upgrade(settings.database))
    c = ReusableClient(build_app(settings, name="front" + uuid.uuid4().hex[:8]), port=free_port())
    c.run()
    yield c
    c.stop()


def test_a_browser_gets_the_front_page_with_the_ways_in(client: Any) -> None:
    _, r = client.get("/", headers={"accept": CHROME_ACCEPT})
    assert r.status == 200 and r.headers["content-type"].startswith("text/html")
    links = re.findall(r'<a href="([^"]+)"', r.text)
    assert links == ["/admin", "/docs", "/healthz", "/readyz"]
    assert "https://fx.example.com" in r.text and "Asia/Shanghai" in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "<script" not in r.text
    assert r.headers["x-frame-options"] == "DENY"
    for href in links[1:]:  # every link leads somewhere
        _, linked = client.get(href)
        assert linked.status == 200, href


@pytest.mark.parametrize("accept", ["application/json", "*/*", None, "application/json, text/html;q=0.5",
                                    "text/html;q=0.5, application/json"])
def test_json_clients_keep_the_json_404(client: Any, accept: str | None) -> None:
    _, r = client.get("/", headers={"accept": accept} if accept else {})
    assert r.status == 404 and r.headers["content-type"] == "application/json"
    assert r.json == {"error": "not_found", "message": "不存在"}


def test_other_unknown_paths_stay_json_404_even_for_browsers(client: Any) -> None:
    _, r = client.get("/no-such-page", headers={"accept": CHROME_ACCEPT})
    assert r.status == 404 and r.json["error"] == "not_found"
