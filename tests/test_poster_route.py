"""`GET /api/share/{token}/poster.png` against the real service: PNG, ETag, 304, rebuilt when the
packet changes, 404, and placeholders when the avatar is slow or the thumbnail is oversized."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import redis
from PIL import Image

from bot.keys import POSTER_CURRENT_TTL_S, POSTER_DEGRADED_TTL_S
from handlers.redpacket.poster import etag_matches, poster_moment
from imaging.decode import MAX_IMAGE_BYTES
from imaging.poster import AVATAR_SIDE, AVATAR_XY, CANVAS_SIZE, GOLD, PALE, THUMB_XY, countdown_text
from tests.support import fakewx
from tests.support.pagekit import expire, help_once, shared_packet, uid
from tests.support.service import Service

REDIS_DB = 9
ETAG_RE = re.compile(r'^"p\d+-v\d+-(t\d+s(600|60)|end)(-d)?"$')
NOW = dt.datetime(2026, 3, 1, 12, 3, 20, tzinfo=dt.UTC)


class _BigImages(BaseHTTPRequestHandler):
    """Bodies over the poster's size cap: one declared by Content-Length, one streamed without it."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        chunk = b"\x89PNG\r\n\x1a\n" + b"\0" * 65_528
        total = MAX_IMAGE_BYTES * 4
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        if self.path.startswith("/declared"):
            self.send_header("Content-Length", str(total))
        self.end_headers()
        try:
            for _ in range(total // len(chunk)):
                self.wfile.write(chunk)
        except OSError:  # the client stopped reading at its cap
            pass


@pytest.fixture(scope="module")
def big() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _BigImages)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=REDIS_DB)
    yield s
    s.stop()


def test_moment_buckets_never_overstate_time_left() -> None:
    expire = NOW + dt.timedelta(hours=3, minutes=12, seconds=30)
    m = poster_moment(True, expire, NOW)
    assert m.label == f"t{int(NOW.timestamp()) // 600 * 600}s600" and m.render_now == dt.datetime(
        2026, 3, 1, 12, 10, tzinfo=dt.UTC)
    assert countdown_text(expire, m.render_now) == "还剩 3小时5分"  # truly 3h12m30s left: never shows more
    assert poster_moment(True, expire, NOW + dt.timedelta(minutes=6)).label == m.label  # same bucket
    near = NOW + dt.timedelta(minutes=30)
    m2 = poster_moment(True, near, NOW)
    assert m2.label.endswith("s60") and m2.render_now == dt.datetime(2026, 3, 1, 12, 4, tzinfo=dt.UTC)
    last = poster_moment(True, NOW + dt.timedelta(seconds=20), NOW)
    assert last.render_now == NOW + dt.timedelta(seconds=20)  # capped at expire_time: "已结束"
    end = poster_moment(False, expire, NOW)
    assert end.label == "end" and end.render_now == expire


def test_etag_matching() -> None:
    tag = '"p1-v2-end"'
    assert etag_matches(tag, tag) and etag_matches(f'W/{tag}', tag) and etag_matches(f'"x", {tag}', tag)
    assert etag_matches("*", tag)
    assert not etag_matches(None, tag) and not etag_matches('"p1-v1-end"', tag) and not etag_matches("", tag)


def _png(r: httpx.Response) -> Image.Image:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(r.content))
    image.load()
    return image.convert("RGB")


def test_png_with_etag_and_304_on_revalidation(svc: Service, fake: fakewx.FakeWeChat) -> None:
    s = shared_packet(svc, goods_thumbnail_url=f"{fake.url}/thumb/cup.png")
    url = f"{svc.base}/api/share/{s.token}/poster.png"
    first = httpx.get(url, timeout=30)  # no session: WeChat fetches share images without cookies
    assert _png(first).size == CANVAS_SIZE
    etag = first.headers["etag"]
    assert ETAG_RE.match(etag) and not etag.endswith('-d"'), etag
    assert first.headers["cache-control"] == "public, no-cache"
    again = httpx.get(url)
    assert again.headers["etag"] == etag and again.content == first.content
    for asked in (etag, f"W/{etag}", f'"other", {etag}'):
        r = httpx.get(url, headers={"If-None-Match": asked})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    stale = httpx.get(url, headers={"If-None-Match": '"p1-v0-end"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag and stale.content == first.content


def test_rebuilt_after_a_help(svc: Service) -> None:
    s = shared_packet(svc)
    url = f"{svc.base}/api/share/{s.token}/poster.png"
    before = httpx.get(url, timeout=30)
    _, r = help_once(svc, s.token)
    assert r.status_code == 200, r.text
    time.sleep(POSTER_CURRENT_TTL_S + 0.1)  # the documented lag: the packet's head is re-read within a second
    after = httpx.get(url, headers={"If-None-Match": before.headers["etag"]}, timeout=30)
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert after.content != before.content
    assert httpx.get(url, headers={"If-None-Match": after.headers["etag"]}).status_code == 304


def test_expired_packet_has_one_final_poster(svc: Service) -> None:
    s = shared_packet(svc)
    expire(svc, s.packet["id"])
    r = httpx.get(f"{svc.base}/api/share/{s.token}/poster.png", timeout=30)
    assert _png(r).size == CANVAS_SIZE and r.headers["etag"].endswith('-end"')


def test_unknown_token_is_404(svc: Service) -> None:
    r = httpx.get(f"{svc.base}/api/share/{uid('nope')}/poster.png")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def _pixel_near(image: Image.Image, xy: tuple[int, int], rgb: tuple[int, int, int], tol: int = 6) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(image.getpixel(xy), rgb, strict=True))


def test_slow_avatar_falls_back_to_placeholder_then_recovers(svc: Service, fake: fakewx.FakeWeChat) -> None:
    owner = uid("o-slow")
    s = shared_packet(svc, owner)
    fake.inject(f"/avatar/{owner}.png", fakewx.Fault(delay_s=4))
    url = f"{svc.base}/api/share/{s.token}/poster.png"
    start = time.monotonic()
    r = httpx.get(url, timeout=30)
    assert time.monotonic() - start < 3.5  # bounded by the fetch timeout, not by the slow host
    image = _png(r)
    centre = (AVATAR_XY[0] + AVATAR_SIDE // 2, AVATAR_XY[1] + AVATAR_SIDE // 2)
    assert _pixel_near(image, centre, GOLD)  # the placeholder disc
    assert r.headers["etag"].endswith('-d"')  # degraded: kept only briefly, never confused with the real one
    assert httpx.get(url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    keys = _poster_keys(svc, s.token)
    assert len(keys) == 1 and 0 < _redis(svc).ttl(keys[0]) <= POSTER_DEGRADED_TTL_S
    _redis(svc).delete(*keys, f"{svc.config['redis']['prefix']}:pk:{{{s.token}}}:poster:current")  # as the TTLs will
    fresh = httpx.get(url, timeout=30)
    assert not fresh.headers["etag"].endswith('-d"')
    assert _pixel_near(_png(fresh), centre, (200, 30, 30))  # the fake's red avatar


def _redis(svc: Service) -> Any:
    return redis.Redis.from_url(svc.redis_url)


def _poster_keys(svc: Service, token: str) -> list[bytes]:
    return list(_redis(svc).scan_iter(match=f"{svc.config['redis']['prefix']}:pk:{{{token}}}:poster:v*"))


@pytest.mark.parametrize("path", ["/declared.png", "/streamed.png"])
def test_oversized_thumbnail_falls_back(svc: Service, big: str, path: str) -> None:
    s = shared_packet(svc, goods_thumbnail_url=big + path)
    r = httpx.get(f"{svc.base}/api/share/{s.token}/poster.png", timeout=30)
    image = _png(r)
    assert _pixel_near(image, (THUMB_XY[0] + 10, THUMB_XY[1] + 10), PALE)  # the grey placeholder
    assert not r.headers["etag"].endswith('-d"')  # oversized is final, not a transient failure
