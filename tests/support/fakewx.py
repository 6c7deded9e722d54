"""A fake WeChat / WeCom HTTP API on 127.0.0.1 for the tests (set as wechat.api_base/oauth_base).

It records every call and can inject faults per path: an errcode (40001, 45009, …), an HTTP
status (500), or a delay (to provoke client timeouts). OAuth codes look like "code-<openid>".
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

XSS_NICK = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


class _Server(ThreadingHTTPServer):
    """The standard threading server with a listen queue for bursts: its default of 5 overflowed when
    two processes sent 50 calls at once, and the dropped connections surfaced as ReadError."""

    request_queue_size = 256


@dataclass
class Fault:
    errcode: int | None = None
    status: int | None = None
    delay_s: float = 0.0
    touser: str | None = None  # only a call whose JSON body is addressed to this openid takes it


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    t: float
    fault: str | None = None  # set when the call was answered with an injected fault (not handled)


@dataclass
class FakeWeChat:
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    tokens_issued: int = 0
    refusing: set[str] = field(default_factory=set)  # openids whose subscribe messages WeChat refuses (43101)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    outage_until: float = 0.0  # time.time() until which calls to `outage_paths` fail (see `outage`)
    outage_paths: tuple[str, ...] = ()
    outage_delay_s: float = 0.0
    outage_calls: int = 0
    host: str = "127.0.0.1"  # the address to listen on (a test network's gateway address, say)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_port}"

    def start(self) -> None:
        fake = self

        class Handler(_Handler):
            owner = fake

        self.server = _Server((self.host, 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def inject(self, path: str, *faults: Fault) -> None:
        """Queue faults for the next calls to `path` (consumed one per call)."""
        with self.lock:
            self.faults.setdefault(path, []).extend(faults)

    def outage(self, paths: tuple[str, ...], duration_s: float, delay_s: float) -> None:
        """For `duration_s`, every call to a path starting with one of `paths` fails: alternately
        after `delay_s` with HTTP 504 (the caller's timeout, if shorter, fires first) and at once
        with HTTP 503. Nothing is delivered meanwhile."""
        with self.lock:
            self.outage_paths, self.outage_delay_s = paths, delay_s
            self.outage_until = time.time() + duration_s

    def next_fault(self, path: str, body: Any = None) -> Fault | None:
        with self.lock:
            if path.startswith(self.outage_paths or ("\0",)) and time.time() < self.outage_until:
                self.outage_calls += 1
                slow = self.outage_calls % 2 == 1
                return Fault(status=504 if slow else 503, delay_s=self.outage_delay_s if slow else 0.0)
            queue = self.faults.get(path) or []
            touser = body.get("touser") if isinstance(body, dict) else None
            for i, fault in enumerate(queue):
                if fault.touser is None or fault.touser == touser:
                    return queue.pop(i)
            return None

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def calls_to(self, prefix: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path.startswith(prefix)]

    def new_token(self) -> str:
        with self.lock:
            self.tokens_issued += 1
            return f"tok-{self.tokens_issued}"


class _Handler(BaseHTTPRequestHandler):
    owner: FakeWeChat

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, obj: Any, status: int = 200, ctype: str = "application/json") -> None:
        body = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first (its timeout)
            pass

    def _begin(self, body: Any) -> tuple[str, dict[str, str], bool]:
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        call = Call(self.command, u.path, q, body, time.time())
        fault = self.owner.next_fault(u.path, body)
        call.fault = None if fault is None else repr(fault)
        self.owner.record(call)
        if fault is None:
            return u.path, q, False
        if fault.delay_s:
            time.sleep(fault.delay_s)
        if fault.status:
            self._send({"errcode": -1, "errmsg": "system error"}, status=fault.status)
            return u.path, q, True
        if fault.errcode is not None:
            self._send({"errcode": fault.errcode, "errmsg": f"injected {fault.errcode}"})
            return u.path, q, True
        return u.path, q, False

    def do_GET(self) -> None:
        path, q, done = self._begin(None)
        if done:
            return
        if path in ("/cgi-bin/token", "/cgi-bin/gettoken"):
            return self._send({"access_token": self.owner.new_token(), "expires_in": 7200, "errcode": 0})
        if path == "/sns/oauth2/access_token":
            code = q.get("code", "")
            if not code.startswith("code-"):
                return self._send({"errcode": 40029, "errmsg": "invalid code"})
            return self._send({"access_token": "sns-" + code[5:], "expires_in": 7200, "refresh_token": "r",
                               "openid": code[5:], "scope": "snsapi_userinfo"})
        if path == "/sns/userinfo":
            openid = q.get("openid", "")
            nick = XSS_NICK if "xss" in openid else "昵称" + openid[-4:]
            return self._send({"openid": openid, "nickname": nick, "headimgurl": f"{self._base()}/avatar/{openid}.png"})
        if path == "/connect/oauth2/authorize":
            return self._authorize(q)
        if path == "/cgi-bin/auth/getuserinfo":  # WeCom web login: code-<userid> -> that member
            code = q.get("code", "")
            if not code.startswith("code-"):
                return self._send({"errcode": 40029, "errmsg": "invalid code"})
            return self._send({"errcode": 0, "errmsg": "ok", "userid": code[5:], "user_ticket": "ticket-" + code[5:]})
        if path == "/cgi-bin/ticket/getticket":
            return self._send({"errcode": 0, "errmsg": "ok", "ticket": "jsapi-ticket", "expires_in": 7200})
        if path.startswith(("/avatar/", "/thumb/")):
            return self._send(_PNG, ctype="image/png")
        return self._send({"errcode": 0, "errmsg": "ok"})

    def _base(self) -> str:
        return f"http://{self.owner.host}:{self.server.server_port}"

    def _authorize(self, q: dict[str, str]) -> None:
        cookies = dict(kv.strip().split("=", 1) for kv in (self.headers.get("Cookie") or "").split(";") if "=" in kv)
        who = cookies.get("wxuser", "oanonymous")
        sep = "&" if "?" in q["redirect_uri"] else "?"
        self.send_response(302)
        self.send_header("Location", q["redirect_uri"] + sep + urlencode({"code": "code-" + who,
                                                                          "state": q.get("state", "")}))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            body: Any = json.loads(raw or b"{}")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path, _q, done = self._begin(body)
        if done:
            return
        if path == "/cgi-bin/stable_token":
            return self._send({"access_token": self.owner.new_token(), "expires_in": 7200})
        if path == "/cgi-bin/qrcode/create":
            return self._send({"ticket": "qr-ticket", "expire_seconds": 2592000, "url": "http://weixin.qq.com/q/x"})
        if path == "/cgi-bin/message/subscribe/bizsend":
            return self._bizsend(body)
        if path.endswith("/send"):
            return self._send({"errcode": 0, "errmsg": "ok", "msgid": len(self.owner.calls)})
        return self._send({"errcode": 0, "errmsg": "ok"})


    def _bizsend(self, body: Any) -> None:
        """订阅通知 (subscribe/bizsend): touser, template_id and data {keyword: {"value": text}} are
        required (47003 otherwise, as WeChat answers); a user in `refusing` gets 43101."""
        data = body.get("data") if isinstance(body, dict) else None
        if not (isinstance(data, dict) and data and body.get("touser") and body.get("template_id")
                and all(isinstance(v, dict) and isinstance(v.get("value"), str) for v in data.values())):
            return self._send({"errcode": 47003, "errmsg": "argument invalid! data.value is empty"})
        if body["touser"] in self.owner.refusing:
            return self._send({"errcode": 43101, "errmsg": "user refuse to accept the msg"})
        return self._send({"errcode": 0, "errmsg": "ok"})


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


_PNG = _png()


if __name__ == "__main__":  # python -m tests.support.fakewx [PORT]: a stand-in WeChat for local walk-throughs
    import sys

    fake = FakeWeChat()
    fake.server = _Server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 9999),
                                      type("H", (_Handler,), {"owner": fake}))
    print(f"fake WeChat on {fake.url}", flush=True)
    fake.server.serve_forever()
