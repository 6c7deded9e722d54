"""Run the real service (`python main.py serve`) as a subprocess and talk to it like a phone does."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import yaml

from bot.infra.signing import sign
from tests.support import dbs
from tests.support.config import ROOT, make_config


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# Tests and benches drive the service from 127.0.0.1 at rates no phone reaches; rate limits are
# tested on purpose (tests/test_ratelimit.py), so by default loopback is exempt from them here.
LOOPBACK_EXEMPT = {"exempt_networks": ["127.0.0.0/8", "::1/128"]}


class Service:
    """One deployment: `workers` processes on a fresh database (PostgreSQL by default) and Redis db
    (or `redis_url`, e.g. a Redis Cluster's `redis+cluster://…`)."""

    def __init__(self, fake_url: str, *, backend: str = "postgres", workers: int = 2, redis_db: int = 5,
                 redpacket: dict[str, Any] | None = None, db_url: str | None = None, redis_url: str | None = None,
                 netns: str | None = None, host: str = "127.0.0.1", **sections: Any):
        self.tmp = tempfile.mkdtemp(prefix="fission-svc-")
        self.db_url = db_url or dbs.create(backend, self.tmp)
        self.owns_db = db_url is None
        self.redis_url = redis_url or f"{dbs.REDIS}/{redis_db}"
        # Production counts a Redis slower than 0.25 s as down and lets requests through; a loaded CI
        # machine can be that slow, and a limit test would then see its limit fail open. Here Redis
        # gets 2 s unless a test says otherwise (failing open is tested with Redis down or hung).
        sections["ratelimit"] = {"redis_timeout_s": 2, **sections.get("ratelimit", LOOPBACK_EXEMPT)}
        self.port = free_port()
        self.netns = netns  # run in this network namespace, listening on `host` (tests/support/netlab.py)
        self.base = f"http://{host}:{self.port}"
        own: dict[str, dict[str, Any]] = {
            "server": {"host": host, "port": self.port, "workers": workers, "public_url": self.base},
            "database": {"url": self.db_url}, "redis": {"url": self.redis_url, "prefix": "fx" + uuid.uuid4().hex[:6]},
            "wechat": {"api_base": fake_url, "oauth_base": fake_url}, "wecom": {"api_base": fake_url},
            "redpacket": redpacket or {}}
        for name, values in sections.items():  # a section given here adds to (or overrides) the ones above
            own[name] = {**own.get(name, {}), **values}
        cfg = make_config(**own)
        self.config = cfg
        self.cfg_path = os.path.join(self.tmp, "config.yaml")
        with open(self.cfg_path, "w") as f:
            yaml.safe_dump(json.loads(json.dumps(cfg, default=str)), f, allow_unicode=True)
        self.log_path = os.path.join(self.tmp, "service.log")
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        """`main.py serve`, which brings the schema up to date itself before its workers start (a
        separate `main.py migrate` first cost every service in the suite 1.3 s)."""
        netns = ["ip", "netns", "exec", self.netns] if self.netns else []
        self.proc = subprocess.Popen([*netns, sys.executable, "main.py", "serve", "--config", self.cfg_path], cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited {self.proc.returncode}: {self.tail()}")
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("service did not become healthy: " + self.tail())

    def tail(self) -> str:
        with open(self.log_path) as f:
            return f.read()[-3000:]

    def stop(self, drop: bool = True) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        if drop and self.owns_db:
            dbs.drop_later(self.db_url)  # in the background: the next test need not wait for it

    def order_event_request(self, **fields: Any) -> httpx.Request:
        """A signed order-event request (API.md) with realistic defaults overridden by `fields`."""
        ev = {"event_id": uuid.uuid4().hex, "type": "confirmed", "order_no": uuid.uuid4().hex[:18],
              "openid": "o-" + uuid.uuid4().hex[:10], "goods_id": 42, "goods_name": "保温杯 500ml",
              "goods_thumbnail_url": "", "paid_amount": 20000, "coupon_price": 20000, "cashback": 2500}
        ev.update(fields)
        body = json.dumps(ev, ensure_ascii=False).encode()
        secret = self.config["orders"]["secret"]
        return httpx.Request("POST", self.base + "/api/orders/events", content=body,
                             headers={"X-Fission-Signature": sign(body, secret), "Content-Type": "application/json"})

    def order_event(self, **fields: Any) -> httpx.Response:
        with httpx.Client(timeout=30) as client:
            return client.send(self.order_event_request(**fields))


def _insecure_cookies(jar: Any) -> None:
    # Browsers send Secure cookies to http://127.0.0.1; http.cookiejar does not, so drop the flag locally.
    for ck in jar:
        ck.secure = False


class Phone(httpx.Client):
    def send(self, request: httpx.Request, **kw: Any) -> httpx.Response:
        r = super().send(request, **kw)
        _insecure_cookies(self.cookies.jar)
        return r


class AsyncPhone(httpx.AsyncClient):
    async def send(self, request: httpx.Request, **kw: Any) -> httpx.Response:
        r = await super().send(request, **kw)
        _insecure_cookies(self.cookies.jar)
        return r


def _state_of(location: str) -> str:
    return parse_qs(urlparse(location.split("#")[0]).query)["state"][0]


def login(base: str, openid: str) -> Phone:
    c = Phone(base_url=base, timeout=30, follow_redirects=False)
    r = c.get("/oauth/login", params={"next": "/me"})
    r = c.get("/oauth/callback", params={"code": "code-" + openid, "state": _state_of(r.headers["location"])})
    assert r.status_code == 302, (r.status_code, r.text)
    return c


async def alogin(base: str, openid: str, limits: httpx.Limits | None = None) -> AsyncPhone:
    c = AsyncPhone(base_url=base, timeout=60, follow_redirects=False, limits=limits or httpx.Limits())
    r = await c.get("/oauth/login", params={"next": "/me"})
    r = await c.get("/oauth/callback", params={"code": "code-" + openid, "state": _state_of(r.headers["location"])})
    assert r.status_code == 302, (r.status_code, r.text)
    return c
