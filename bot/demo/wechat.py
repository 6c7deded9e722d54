"""A tiny stand-in for the WeChat / WeCom HTTP API on 127.0.0.1, for `python main.py demo` only.

It answers the calls Fission makes (stable_token / gettoken, OAuth code exchange and userinfo,
template and WeCom sends, JS-SDK ticket, QR codes) and serves small PNG avatars and thumbnails,
recording what was sent. It runs in a thread of its own (http.server), never in the event loop.
"""

from __future__ import annotations

import io
import json
import threading
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from PIL import Image

NICKNAMES = ("小红", "阿明", "婷婷", "大伟", "小雨", "老王", "芳芳", "晓东", "静静", "阿杰", "丽丽", "小龙")


def png(seed: str, side: int = 96) -> bytes:
    """A flat-colour square PNG whose colour follows `seed` (distinct avatars, stable across runs)."""
    h = zlib.crc32(seed.encode())
    buf = io.BytesIO()
    Image.new("RGB", (side, side), (80 + h % 160, 80 + (h >> 8) % 160, 80 + (h >> 16) % 160)).save(buf, "PNG")
    return buf.getvalue()


def nickname(openid: str) -> str:
    return NICKNAMES[zlib.crc32(openid.encode()) % len(NICKNAMES)] + openid[-3:]


class DemoWeChat:
    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()  # API path -> calls
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> None:
        owner = self

        class Handler(_Handler):
            fake = owner

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="demo-wechat", daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def count(self, path: str) -> None:
        with self.lock:
            self.sent[path] += 1


class _Handler(BaseHTTPRequestHandler):
    fake: DemoWeChat

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, body: bytes | dict[str, Any], ctype: str = "application/json") -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        self.fake.count(u.path)
        if u.path.startswith(("/avatar/", "/thumb/")):
            return self._send(png(u.path, 240 if u.path.startswith("/thumb/") else 96), "image/png")
        if u.path == "/sns/oauth2/access_token":
            openid = q.get("code", "")[len("code-"):]
            return self._send({"access_token": "sns", "expires_in": 7200, "openid": openid, "scope": "snsapi_userinfo"})
        if u.path == "/sns/userinfo":
            openid = q.get("openid", "")
            base = f"http://127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]  # an HTTPServer
            return self._send({"openid": openid, "nickname": nickname(openid),
                               "headimgurl": f"{base}/avatar/{openid}.png"})
        if u.path == "/cgi-bin/gettoken":
            return self._send({"errcode": 0, "access_token": "demo-wecom-token", "expires_in": 7200})
        if u.path == "/cgi-bin/ticket/getticket":
            return self._send({"errcode": 0, "ticket": "demo-ticket", "expires_in": 7200})
        return self._send({"errcode": 0, "errmsg": "ok"})

    def do_POST(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        path = urlparse(self.path).path
        self.fake.count(path)
        if path == "/cgi-bin/stable_token":
            return self._send({"access_token": "demo-mp-token", "expires_in": 7200})
        if path == "/cgi-bin/qrcode/create":
            return self._send({"ticket": "demo-qr", "expire_seconds": 2592000, "url": "http://weixin.qq.com/q/demo"})
        return self._send({"errcode": 0, "errmsg": "ok", "msgid": self.fake.sent[path]})
