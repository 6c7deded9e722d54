"""Admin-console helpers: the form token of a page, a dead letter made on purpose, a coupon template,
the Chromium the page tests drive."""

from __future__ import annotations

import re
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from tests.support import fakewx
from tests.support.config import ROOT
from tests.support.service import Phone, Service

ADMINS = {"viewer1": "viewer", "op1": "operator", "boss1": "owner"}  # wecom.admins of the sign-in tests

COUPON_TEMPLATE = {"name": "满10减2", "type": "amount", "value": 200, "threshold": 1000, "valid_days": 7, "stock": 50}
TEMPLATE_SEND = "/cgi-bin/message/template/send"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(ROOT) / "test-artifacts"


def csrf_of(page_html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{32})"', page_html)
    assert m, "no form token on the page"
    return m.group(1)


def until(predicate: Any, timeout_s: float = 20) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def dead_letter(svc: Service, api: httpx.Client, fake: fakewx.FakeWeChat) -> int:
    """A packet issued while WeChat refuses its template message for good (43101): a dead letter."""
    owner = f"oap-{uuid.uuid4().hex[:8]}"
    fake.inject(TEMPLATE_SEND, fakewx.Fault(errcode=43101, touser=owner))  # not another notice in flight
    packet = svc.order_event(openid=owner).json()["packet"]
    key = f"packet:{packet['id']}:issued"
    rows = until(lambda: [d for d in api.get("/admin/api/outbox/dead").json()["dead"] if d["key"] == key])
    assert "43101" in rows[0]["last_error"]
    return int(rows[0]["id"])


def wecom_sign_in(svc: Service, userid: str) -> tuple[Phone, httpx.Response]:
    """The browser's trip: /admin/wecom/login → WeCom authorize (state) → our callback with a code."""
    c = Phone(base_url=svc.base, timeout=30, follow_redirects=False)
    r = c.get("/admin/wecom/login")
    assert r.status_code == 302
    target = urlparse(r.headers["location"])
    q = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert target.path == "/connect/oauth2/authorize" and r.headers["location"].endswith("#wechat_redirect")
    assert (q["appid"], q["agentid"], q["scope"]) == (svc.config["wecom"]["corpid"], "1000005", "snsapi_base")
    assert q["redirect_uri"] == f"{svc.base}/admin/wecom/callback"
    return c, c.get("/admin/wecom/callback", params={"code": "code-" + userid, "state": q["state"]})


class _FormValues(HTMLParser):
    """What a browser submits from one <form id=…>: inputs (checkboxes and radios only when
    checked), each select's selected option (else its first), textareas."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.values[a["name"]] = a.get("value", "" if a.get("type") not in ("checkbox", "radio") else "on")
        elif tag == "select" and a.get("name"):
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.values[self.select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            self.values[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.values[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            self.values.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_values(page_html: str, form_id: str) -> dict[str, str]:
    """The fields the form `form_id` on the page would send, as filled in when served."""
    parser = _FormValues(form_id)
    parser.feed(page_html)
    assert parser.values, f"no form {form_id!r} on the page"
    return parser.values
