"""Admins sign in as themselves through WeCom (the fake's OAuth2 authorize + /cgi-bin/auth/getuserinfo):
roles from `wecom.admins` (viewer reads, operator changes, owner-only routes), CSRF, sign-out,
expiry, refusals — over HTTP and in headless Chromium (a viewer's change refused; an owner's change
made and found in the audit log under their userid)."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sanic import Blueprint, Sanic, json

from bot.web.admin_api import requires_role
from handlers.admin import audit_routes
from handlers.admin.audit import Role
from handlers.admin.page import ADMIN_TTL_S
from tests.support import fakewx
from tests.support.adminkit import ADMINS, CHROMIUM, CHROMIUM_ARGS, csrf_of, wecom_sign_in
from tests.support.config import ROOT
from tests.support.paykit import admin_client
from tests.support.service import Phone, Service

ARTIFACTS = os.path.join(ROOT, "test-artifacts")


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=9, wecom={"oauth_base": fake.url, "admins": ADMINS})
    yield s
    s.stop()


def listed(svc: Service, openid: str) -> bool:
    with admin_client(svc) as api:
        return openid in [e["openid"] for e in api.get("/admin/api/blacklist").json()["entries"]]


def audit_of(svc: Service, action: str) -> list[dict[str, Any]]:
    with admin_client(svc) as api:
        return api.get("/admin/api/audit", params={"action": action, "limit": 500}).json()["entries"]


def test_each_role_signs_in_and_only_operators_and_owners_change(svc: Service) -> None:
    for userid, role in ADMINS.items():
        c, r = wecom_sign_in(svc, userid)
        assert r.status_code == 200 and 'http-equiv="refresh"' in r.text
        cookie = r.headers["set-cookie"]
        assert "fx_admin=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        page = c.get("/admin").text
        assert f'data-role="{role}"' in page and userid in page
        openid = f"o-{role}-{uuid.uuid4().hex[:6]}"
        r = c.post("/admin/blacklist", data={"openid": openid, "csrf": csrf_of(page)})
        if role == "viewer":  # refused with a page saying why, and the viewer's forms are disabled
            assert r.status_code == 403 and "只读账号（viewer）不能修改" in r.text and not listed(svc, openid)
            assert re.search(r'id="blacklist-add">\s*<fieldset disabled', page)
        else:
            assert r.headers["location"] == "/admin?m=added" and listed(svc, openid)
            (row,) = [e for e in audit_of(svc, "admin_page.blacklist_add") if e["target"] == f"openid={openid}"]
            assert (row["actor"], row["role"], row["channel"]) == (userid, role, "page")
        assert c.post("/admin/blacklist", data={"openid": openid + "x"}).headers["location"] == "/admin?m=expired"
        c.post("/admin/logout", data={"csrf": csrf_of(page)})  # signed out: the form again
        assert 'id="wecom-login"' in c.get("/admin").text
        c.close()


def test_strangers_bad_states_and_stale_cookies_get_nothing(svc: Service, fake: fakewx.FakeWeChat) -> None:
    c, r = wecom_sign_in(svc, "intruder")
    assert r.status_code == 403 and "没有管理权限" in r.text and "fx_admin=" not in r.headers.get("set-cookie", "")
    c.close()
    with Phone(base_url=svc.base, timeout=30, follow_redirects=False) as c:
        c.get("/admin/wecom/login")
        r = c.get("/admin/wecom/callback", params={"code": "code-boss1", "state": "forged"})
        assert r.status_code == 400 and "fx_admin=" not in r.headers.get("set-cookie", "")
    r = httpx.get(f"{svc.base}/admin/wecom/callback", params={"code": "code-boss1", "state": "x"}, timeout=30)
    assert r.status_code == 400  # no state cookie at all (a link planted elsewhere)
    fake.inject("/cgi-bin/auth/getuserinfo", fakewx.Fault(errcode=40029))
    c, r = wecom_sign_in(svc, "boss1")
    assert r.status_code == 503 and "fx_admin=" not in r.headers.get("set-cookie", "")
    c.close()

    class Old(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - ADMIN_TTL_S - 60

    key = svc.config["server"]["secret_key"]
    expired = URLSafeTimedSerializer(key, salt="fx-admin", signer=Old).dumps({"u": "boss1", "n": "abc"})
    fresh = URLSafeTimedSerializer(key, salt="fx-admin").dumps({"u": "boss1", "n": "abc"})
    removed = URLSafeTimedSerializer(key, salt="fx-admin").dumps({"u": "fired-admin", "n": "abc"})
    for cookie, signed_in in ((expired, False), (removed, False), (fresh, True)):
        with httpx.Client(base_url=svc.base, timeout=30, cookies={"fx_admin": cookie}) as c:
            assert ('data-role="owner"' in c.get("/admin").text) is signed_in


def test_the_bearer_token_stays_for_machines_and_roles_guard_new_routes(svc: Service) -> None:
    with admin_client(svc) as api:
        assert api.post("/admin/api/blacklist", json={"openid": "o-machine-1"}).status_code in (200, 201)
    app = Sanic("rolecheck" + uuid.uuid4().hex[:6])
    bp = Blueprint("settings_admin", url_prefix="/admin/api/settings")

    @bp.put("")
    @requires_role(Role.OWNER)
    async def change_settings(request: Any) -> Any:
        return json({})

    app.blueprint(bp)
    audit_routes.install(app)
    handler = next(r.handler for r in app.router.routes if r.name.endswith("change_settings"))
    assert [audit_routes.allowed(role, handler) for role in ("viewer", "operator", "owner")] == [False, False, True]
    assert audit_routes.allowed("operator", lambda: None) and not audit_routes.allowed("viewer", lambda: None)


# ---- in Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing: run scripts/install_browser.sh")
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def sign_in_in_chromium(browser: Any, svc: Service, fake: fakewx.FakeWeChat, userid: str) -> tuple[Any, Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    ctx.add_cookies([{"name": "wxuser", "value": userid, "url": fake.url}])  # who is signed in to WeCom
    page = ctx.new_page()
    page.goto(f"{svc.base}/admin")
    page.click("#wecom-login")
    page.wait_for_selector("#who")
    assert page.inner_text("#who") == f"{userid}（{ADMINS[userid]}）"
    return ctx, page


def blacklist_from_the_page(page: Any, openid: str) -> str:
    """Add `openid` with the page's form; a viewer's disabled form is posted as it stands (the server refuses)."""
    if page.locator("#blacklist-add input[name=openid]").is_disabled():
        csrf = page.get_attribute("#blacklist-add input[name=csrf]", "value")
        r = page.request.post(page.url.split("/admin")[0] + "/admin/blacklist",
                              form={"openid": openid, "csrf": csrf}, max_redirects=0)
        assert r.status == 403
        flash = re.search(r'id="flash"[^>]*>([^<]*)<', r.text())
        assert flash
        return flash.group(1)
    page.fill("#blacklist-add input[name=openid]", openid)
    page.click("#blacklist-add button[type=submit]")
    page.wait_for_selector("#flash")
    return str(page.inner_text("#flash"))


@pytest.mark.slow
def test_viewer_and_owner_in_chromium(browser: Any, svc: Service, fake: fakewx.FakeWeChat) -> None:
    ctx, page = sign_in_in_chromium(browser, svc, fake, "viewer1")
    openid = f"o-ui-{uuid.uuid4().hex[:6]}"
    assert blacklist_from_the_page(page, openid) == "没有权限：只读账号（viewer）不能修改"
    assert not listed(svc, openid)
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-wecom-viewer.png"), full_page=True)
    ctx.close()
    ctx, page = sign_in_in_chromium(browser, svc, fake, "boss1")
    assert blacklist_from_the_page(page, openid) == "已加入黑名单" and listed(svc, openid)
    page.goto(f"{svc.base}/admin?actor=boss1&action=admin_page.blacklist_add")
    row = page.locator("#audit-log tr[data-action='admin_page.blacklist_add']").first
    text = row.inner_text()
    assert "boss1" in text and "owner" in text and openid in text and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", text)
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-wecom-owner-audit.png"), full_page=True)
    page.click("header form button")  # sign out
    page.wait_for_selector("#wecom-login")
    ctx.close()


def test_wecom_commands_follow_the_roles(svc: Service) -> None:
    from tests.support.wxclient import fixture_xml, unique_msg_id, work_server

    work = work_server(svc.base, svc.config)
    for userid, answer in (("viewer1", "你的账号只能查看数据"), ("op1", "已拉黑")):
        openid = f"o-wc-{uuid.uuid4().hex[:6]}"
        xml = fixture_xml("wecom_text_block.xml", Content=f"block {openid}", MsgId=unique_msg_id(),
                          FromUserName=userid)
        assert work.send(xml).fields["Content"].startswith(answer)
        assert listed(svc, openid) is (userid == "op1")
    stats = fixture_xml("wecom_text_stats.xml", MsgId=unique_msg_id(), FromUserName="viewer1")
    assert work.send(stats).fields["Content"].startswith("活动数据")  # viewers read
