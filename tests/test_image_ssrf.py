"""The poster's image fetch (handlers/redpacket/imagefetch.py) from an attacker's view: a thumbnail or avatar URL
pointing inside our network (SSRF), a name that resolves differently on a second lookup (DNS
rebinding), and a compressed body that inflates a thousandfold (decompression bomb).

Real listeners on 127.0.0.1 record every connection they accept; the image cache is the real Redis.
"""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import ssl
import threading
import tracemalloc
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from bot.keys import Keys
from handlers.redpacket.imagefetch import FetchLimits, ImageSource
from tests.support import dbs, fakewx
from tests.support.pagekit import shared_packet
from tests.support.service import Service

REDIS_DB = 13
PNG = b"\x89PNG\r\n\x1a\n" + b"img" * 10
BOMB_INFLATED_BYTES = 50 * 1024 * 1024


def double_gzip_bomb() -> bytes:
    """50 MiB of zeros, gzipped twice (a few hundred bytes), built without holding the 50 MiB."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    zero = bytes(1024 * 1024)
    once = b"".join(inner.compress(zero) for _ in range(BOMB_INFLATED_BYTES // len(zero))) + inner.flush()
    return gzip.compress(once, 9)


class Recorder(ThreadingHTTPServer):
    """An HTTP listener on 127.0.0.1 that records every accepted connection and every request."""

    daemon_threads = True

    def __init__(self, body: bytes = PNG, headers: dict[str, str] | None = None):
        self.connections: list[Any] = []
        self.requests: list[dict[str, str]] = []
        self.body, self.extra_headers = body, headers or {}
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections.append(client_address)
        return True

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append({k.lower(): v for k, v in self.headers.items()} | {":path": self.path})
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        for k, v in self.server.extra_headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)


@pytest.fixture
def listener() -> Iterator[Recorder]:
    srv = Recorder()
    yield srv
    srv.close()


@pytest.fixture
async def blobs() -> AsyncIterator[tuple[Any, Keys]]:
    client = aioredis.from_url(f"{dbs.REDIS}/{REDIS_DB}")
    keys = Keys("t" + uuid.uuid4().hex[:10])
    yield client, keys
    async for k in client.scan_iter(match=f"{keys.p}:*", count=500):
        await client.delete(k)
    await client.aclose()


def internal_urls(port: int) -> list[str]:
    return [f"http://127.0.0.1:{port}/a.png", f"http://localhost:{port}/b.png", f"http://0.0.0.0:{port}/c.png",
            f"http://2130706433:{port}/d.png", f"http://127.1:{port}/e.png", f"http://[::ffff:127.0.0.1]:{port}/f.png",
            f"http://0x7f000001:{port}/g.png", f"http://LOCALHOST.:{port}/h.png"]


async def test_internal_addresses_are_never_connected_to(listener: Recorder, blobs: tuple[Any, Keys]) -> None:
    """Attack (SSRF): an order event's `goods_thumbnail_url` (or an avatar URL) naming loopback —
    by address, by name, in decimal, hex or shortened form, or v4-mapped IPv6 — used to be fetched
    by the poster renderer from inside our network. Now nothing connects to the listener and the
    poster gets no image (a placeholder)."""
    redis, keys = blobs
    async with httpx.AsyncClient() as http:
        source = ImageSource(http, redis, keys, FetchLimits(timeout_s=5))
        for url in internal_urls(listener.port):
            assert (await source.get(url)).data is None, url
    assert listener.connections == []


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254", "0.0.0.0",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.0.8", "192.88.99.1", "198.18.0.1",
    "192.0.2.1",
    "::1", "::", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::7f00:1",
    "64:ff9b::808:808", "64:ff9b:1::1", "2002:7f00:1::1", "2002:a00:1::1", "fe80::1", "fec0::1", "fc00::1",
    "fd12:3456::1", "ff02::1", "ff0e::1", "2001:db8::1", "2001::1", "100::1"])
def test_non_public_addresses(address: str) -> None:
    """The address rules: every loopback, private, carrier-NAT, link-local (cloud metadata),
    multicast, reserved, documentation, NAT64, 6to4-of-private, Teredo and site-local address is
    refused — the cases where Python's `is_global` alone says yes are among them."""
    from bot.infra.netguard import is_public

    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                                     "2002:808:808::1", "2400:3200::1"])
def test_public_addresses(address: str) -> None:
    from bot.infra.netguard import is_public

    assert is_public(ipaddress.ip_address(address))


async def test_the_checked_address_is_the_one_connected_to(listener: Recorder, blobs: tuple[Any, Keys]) -> None:
    """Attack (DNS rebinding): a name that resolves to a public address when checked and to
    127.0.0.1 when the HTTP client resolves it again. Here the check's resolver says
    `localhost` is the public 1.2.3.4 (no route to it in a test box), while the system resolver
    says 127.0.0.1: a second lookup would reach the listener. Nothing does."""
    redis, keys = blobs
    lookups: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["1.2.3.4"]

    async with httpx.AsyncClient() as http:
        source = ImageSource(http, redis, keys, FetchLimits(timeout_s=1), resolver=rebinding)
        assert (await source.get(f"http://localhost:{listener.port}/x.png")).data is None
    assert lookups == ["localhost"] and listener.connections == []


async def test_the_name_is_never_looked_up_again(listener: Recorder, blobs: tuple[Any, Keys]) -> None:
    """The other side of pinning: a name only the check's resolver knows (`.invalid` never resolves
    in DNS) is fetched from the address that resolver gave — the HTTP client makes no lookup of its own."""
    redis, keys = blobs

    async def private_zone(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host == "images.fission.invalid" else []

    async with httpx.AsyncClient() as http:
        source = ImageSource(http, redis, keys, allow_hosts=["images.fission.invalid"], resolver=private_zone)
        assert (await source.get(f"http://images.fission.invalid:{listener.port}/p.png")).data == PNG
    assert listener.requests[0]["host"] == f"images.fission.invalid:{listener.port}"


async def test_allowed_host_is_fetched_with_its_own_host_header(listener: Recorder, blobs: tuple[Any, Keys]) -> None:
    """`images.allow_hosts` lets an internal CDN through; the request still goes to the resolved
    address with the original Host header, asks for `identity` and for images."""
    redis, keys = blobs
    async with httpx.AsyncClient() as http:
        source = ImageSource(http, redis, keys, allow_hosts=["LocalHost"])
        assert (await source.get(f"http://localhost:{listener.port}/ok.png")).data == PNG
    (req,) = listener.requests
    assert req["host"] == f"localhost:{listener.port}" and req["accept-encoding"] == "identity"


async def test_redirects_are_not_followed(listener: Recorder, blobs: tuple[Any, Keys]) -> None:
    """Attack: an allowed (or public) image host answering 302 to an internal address. The redirect
    is not followed."""
    inner = Recorder()
    redis, keys = blobs
    try:
        async with httpx.AsyncClient(follow_redirects=True) as http:  # even a client that would follow
            source = ImageSource(http, redis, keys, allow_hosts=["127.0.0.1"])
            to = f"http://127.0.0.1:{inner.port}/secret"
            assert (await source.get(f"http://127.0.0.1:{listener.port}/redirect?to={to}")).data is None
        assert inner.connections == []
    finally:
        inner.close()


async def test_decompression_bomb_is_refused_unread(blobs: tuple[Any, Keys]) -> None:
    """Attack (decompression bomb): an image URL answering `Content-Encoding: gzip, gzip` with
    50 MiB of zeros compressed twice — a few hundred bytes on the wire — used to be inflated in one
    call inside the event loop before the 2 MiB cap was checked. Now the fetch asks for `identity`,
    refuses the encoded body, and never holds more than a few MiB."""
    bomb = double_gzip_bomb()
    assert len(bomb) < 100_000
    srv = Recorder(bomb, {"Content-Encoding": "gzip, gzip"})
    redis, keys = blobs
    try:
        async with httpx.AsyncClient() as http:
            source = ImageSource(http, redis, keys, FetchLimits(timeout_s=30), allow_hosts=["127.0.0.1"])
            tracemalloc.start()
            try:
                fetched = await source.get(f"http://127.0.0.1:{srv.port}/bomb.png")
                _now, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        assert fetched.data is None and not fetched.degraded
        assert peak < 8 * 1024 * 1024, f"peak {peak} bytes while fetching"
        assert srv.requests[0]["accept-encoding"] == "identity"
    finally:
        srv.close()


def _self_signed(tmp: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


async def test_https_is_pinned_with_sni_and_the_certificate_checked_for_the_name(
        tmp_path: Path, blobs: tuple[Any, Keys]) -> None:
    """Pinning must not weaken TLS: connecting to the checked address, the client still sends the
    original name as SNI and checks the certificate against that name (not the address)."""
    cert, key = _self_signed(tmp_path, "img.example.test")
    srv = Recorder()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    seen_sni: list[str | None] = []
    server_ctx.sni_callback = lambda _sock, name, _ctx: seen_sni.append(name)  # type: ignore[assignment,misc]
    srv.socket = server_ctx.wrap_socket(srv.socket, server_side=True)
    redis, keys = blobs

    async def to_loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    try:
        client_ctx = ssl.create_default_context(cafile=str(cert))
        async with httpx.AsyncClient(verify=client_ctx) as http:
            source = ImageSource(http, redis, keys, allow_hosts=["img.example.test"], resolver=to_loopback)
            assert (await source.get(f"https://img.example.test:{srv.port}/a.png")).data == PNG
        assert seen_sni == ["img.example.test"]
        assert srv.requests[0]["host"] == f"img.example.test:{srv.port}"
    finally:
        srv.close()


def test_the_service_renders_a_placeholder_and_never_connects(fake: fakewx.FakeWeChat, listener: Recorder) -> None:
    """Attack (SSRF through the real service): a signed order event whose `goods_thumbnail_url` is a
    listener on 127.0.0.1; anyone who knows the share token then asks for the poster. With no
    `images.allow_hosts`, the poster is still drawn (placeholder) and the listener sees nothing."""
    svc = Service(fake.url, workers=1, redis_db=REDIS_DB, images={"allow_hosts": []})
    try:
        s = shared_packet(svc, goods_thumbnail_url=f"http://127.0.0.1:{listener.port}/thumb.png")
        r = httpx.get(f"{svc.base}/api/share/{s.token}/poster.png", timeout=30)
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
        assert listener.connections == []
    finally:
        svc.stop()
