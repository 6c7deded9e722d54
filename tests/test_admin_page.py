"""The admin page and the dead-letter API: login with the admin token into a
signed HttpOnly SameSite=Strict cookie, CSRF-checked form posts, the live funnel matching the
stats API, the burn chart, blacklist add/remove, dead letters retried and then delivered — over
HTTP and in headless Chromium (Playwright, Debian's /usr/bin/chromium), screenshots in
test-artifacts/."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from handlers.admin.chart import burn_svg, cumulative, funnel_steps, nice_ceiling
from tests.support import fakewx
from tests.support.adminkit import (
    ARTIFACTS,
    csrf_of,
    dead_letter,
    until,
)
from tests.support.pagekit import help_once, shared_packet
from tests.support.service import Phone, Service, login

REDIS_DB = 4


# ---- pure pieces ------------------------------------------------------------------------------


def test_funnel_steps_convert_step_by_step() -> None:
    steps = funnel_steps({"issued": 200, "shared": 100, "helped": 50, "split_out": 0})
    assert [(s.key, s.count) for s in steps] == [("issued", 200), ("shared", 100), ("helped", 50), ("split_out", 0)]
    assert [s.of_previous for s in steps] == [None, 0.5, 0.5, 0.0]
    assert [s.of_first for s in steps] == [1.0, 0.5, 0.25, 0.0]
    assert all(s.of_first == 0 for s in funnel_steps({}))


def test_burn_chart_draws_up_to_now_with_the_budget_line() -> None:
    hourly = [0] * 24
    hourly[1], hourly[3] = 1200, 300
    svg = burn_svg(hourly, 5000, now_hour=4)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    points = re.search(r'class="burn" points="([^"]+)"', svg)
    assert points and len(points.group(1).split()) == 1 + 5  # origin + hours 0..4
    assert svg.count('class="bar"') == 2 and 'class="budget"' in svg and "¥15.00" in svg
    assert 'class="budget"' not in burn_svg(hourly, 0, now_hour=4)
    assert cumulative([1, 2, 3]) == [1, 3, 6]
    assert [nice_ceiling(v) for v in (1, 99, 101, 220.01, 2600, 4999)] == [1, 100, 200, 250, 5000, 5000]


# ---- over HTTP --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=REDIS_DB, outbox={"poll_interval_s": 0.2},
                alerts={"daily_budget_fen": 400})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def api(svc: Service) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=svc.base, timeout=30,
                      headers={"Authorization": f"Bearer {svc.config['admin']['token']}"}) as c:
        yield c


@contextmanager
def admin_session(svc: Service) -> Iterator[Phone]:
    with Phone(base_url=svc.base, timeout=30, follow_redirects=False) as c:
        r = c.post("/admin/login", data={"token": svc.config["admin"]["token"]})
        assert r.status_code == 303 and r.headers["location"] == "/admin"
        yield c


def outbox_status(svc: Service, outbox_id: int) -> str:
    return subprocess.run(["psql", svc.db_url, "-tAc", f"SELECT status FROM outbox WHERE id = {outbox_id}"],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_login_sets_a_strict_httponly_cookie_and_wrong_tokens_get_nothing(svc: Service) -> None:
    with httpx.Client(base_url=svc.base, timeout=30, follow_redirects=False) as anon:
        r = anon.get("/admin")
        assert r.status_code == 200 and 'action="/admin/login"' in r.text and "漏斗" not in r.text
        assert "default-src 'none'" in r.headers["content-security-policy"]
        r = anon.post("/admin/login", data={"token": "wrong-token-000"})
        assert r.status_code == 401 and "令牌错误" in r.text and "set-cookie" not in r.headers
        assert anon.get("/admin/live").status_code == 401
    r = httpx.post(f"{svc.base}/admin/login", data={"token": svc.config["admin"]["token"]}, timeout=30)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("fx_admin=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/admin" in cookie and svc.config["admin"]["token"] not in cookie


def test_a_cookie_signed_with_another_key_is_not_a_session(svc: Service) -> None:
    forged = URLSafeTimedSerializer("some-other-secret-0123456789", salt="fx-admin").dumps({"t": "x", "n": "y"})
    with httpx.Client(base_url=svc.base, timeout=30, cookies={"fx_admin": forged}) as c:
        assert 'action="/admin/login"' in c.get("/admin").text
        assert c.get("/admin/live").status_code == 401


def test_dashboard_funnel_matches_the_stats_api(svc: Service, api: httpx.Client) -> None:
    owner = f"oap-{uuid.uuid4().hex[:8]}"
    packet = svc.order_event(openid=owner).json()["packet"]
    phone = login(svc.base, owner)
    phone.post(f"/api/packets/{packet['id']}/share")
    phone.close()
    with admin_session(svc) as c:
        page = c.get("/admin").text
        stats = api.get("/admin/api/stats").json()
        for step, n in stats["funnel"].items():
            assert re.search(rf'data-step="{step}">.*?data-count="{n}"', page, re.S), step
        assert "<svg" in page and 'class="burn"' in page and 'class="budget"' in page
        live = c.get("/admin/live")
        assert live.status_code == 200 and 'id="funnel"' in live.text and "<html" not in live.text


def test_blacklist_posts_need_the_form_token(svc: Service, api: httpx.Client) -> None:
    openid = f"oap-bl-{uuid.uuid4().hex[:8]}"
    listed = lambda: openid in [e["openid"] for e in api.get("/admin/api/blacklist").json()["entries"]]  # noqa: E731
    with admin_session(svc) as c:
        csrf = csrf_of(c.get("/admin").text)
        r = c.post("/admin/blacklist", data={"openid": openid})  # the cookie alone is not enough
        assert r.headers["location"] == "/admin?m=expired" and not listed()
        r = c.post("/admin/blacklist", data={"openid": openid, "reason": "刷单", "csrf": csrf})
        assert r.headers["location"] == "/admin?m=added" and listed()
        assert "已加入黑名单" in c.get("/admin?m=added").text
        r = c.post("/admin/blacklist", data={"openid": "<script>", "csrf": csrf})
        assert r.headers["location"] == "/admin?m=bad_openid"
        r = c.post("/admin/blacklist/remove", data={"openid": openid, "csrf": csrf})
        assert r.headers["location"] == "/admin?m=removed" and not listed()
    with httpx.Client(base_url=svc.base, timeout=30) as anon:  # no cookie: a forged form changes nothing
        anon.post("/admin/blacklist", data={"openid": openid, "csrf": csrf})
    assert not listed()


def test_dead_letter_api_retry(svc: Service, api: httpx.Client, fake: fakewx.FakeWeChat) -> None:
    dead_id = dead_letter(svc, api, fake)
    assert httpx.post(f"{svc.base}/admin/api/outbox/{dead_id}/retry", timeout=30).status_code == 401
    assert api.post("/admin/api/outbox/999999999/retry").status_code == 404
    r = api.post(f"/admin/api/outbox/{dead_id}/retry")
    assert r.status_code == 200 and r.json() == {"id": dead_id, "status": "pending", "retried": True}
    until(lambda: outbox_status(svc, dead_id) == "sent")  # delivered this time
    r = api.post(f"/admin/api/outbox/{dead_id}/retry")
    assert r.status_code == 409 and r.json()["error"] == "bad_transition"


# ---- in Chromium ------------------------------------------------------------------------------


def log_in_and_watch_the_funnel(page: Any, svc: Service, api: httpx.Client) -> None:
    page.goto(f"{svc.base}/admin")
    page.fill("#token", svc.config["admin"]["token"])
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#funnel")
    issued = api.get("/admin/api/stats").json()["funnel"]["issued"]
    assert page.inner_text('#funnel [data-step="issued"] .step-count') == str(issued)
    assert page.locator("#burn svg polyline.burn").count() == 1
    page.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)
    svc.order_event(openid=f"oap-{uuid.uuid4().hex[:8]}")  # the live section refreshes in place
    page.dispatch_event("#live", "admin:refresh")
    expect = pytest.importorskip("playwright.sync_api").expect  # polls without eval: our CSP forbids it
    expect(page.locator('#funnel [data-step="issued"] .step-count')).to_have_text(str(issued + 1))


def add_and_remove_a_blacklist_entry(page: Any) -> None:
    openid = f"oap-ui-{uuid.uuid4().hex[:8]}"
    page.fill("#blacklist-add input[name=openid]", openid)
    page.fill("#blacklist-add input[name=reason]", "羊毛党")
    page.click("#blacklist-add button[type=submit]")
    page.wait_for_selector(f'#blacklist tr[data-openid="{openid}"]')
    assert page.inner_text("#flash") == "已加入黑名单"
    page.screenshot(path=str(ARTIFACTS / "admin-blacklisted.png"), full_page=True)
    page.click(f'#blacklist tr[data-openid="{openid}"] button')
    page.wait_for_selector("#flash")
    assert page.inner_text("#flash") == "已移出黑名单"
    assert page.locator(f'#blacklist tr[data-openid="{openid}"]').count() == 0


@pytest.mark.slow
def test_admin_in_chromium(browser: Any, svc: Service, api: httpx.Client, fake: fakewx.FakeWeChat) -> None:
    dead_id = dead_letter(svc, api, fake)
    shared = shared_packet(svc)
    for _ in range(3):  # some spend today: the burn chart has a line
        assert help_once(svc, shared.token)[1].status_code == 200
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page, problems = ctx.new_page(), []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in_and_watch_the_funnel(page, svc, api)
    add_and_remove_a_blacklist_entry(page)
    page.click(f'#dead-letters tr[data-outbox-id="{dead_id}"] button')
    page.wait_for_selector("#flash")
    assert page.inner_text("#flash") == "已重新排队发送"
    assert page.locator(f'#dead-letters tr[data-outbox-id="{dead_id}"]').count() == 0
    until(lambda: outbox_status(svc, dead_id) == "sent")
    page.screenshot(path=str(ARTIFACTS / "admin-retried.png"), full_page=True)
    assert problems == []  # no script error, no CSP violation
    ctx.close()
