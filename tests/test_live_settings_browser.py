"""Live settings on the admin page in headless Chromium, against a 2-process service: an owner
changes a setting, sees the new version on the page, the next help is decided with it, and the
change is in the audit log with its author. Screenshots under test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import fakewx
from tests.support.adminkit import ARTIFACTS
from tests.support.pagekit import help_once, shared_packet
from tests.support.service import Service

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=8)
    yield s
    s.stop()


def test_an_owner_changes_a_setting_and_the_next_help_uses_it(browser: Any, svc: Service) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    shared = shared_packet(svc)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page, problems = ctx.new_page(), []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{svc.base}/admin")
    page.fill("#token", svc.config["admin"]["token"])
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#live-settings")
    version = int(page.get_attribute("#live-settings", "data-version") or 0)
    field = '#settings-form input[name="redpacket.new_user_range"]'
    assert page.input_value(field) == "30,80"  # config.yaml's, version 1
    page.fill(field, "66,66")
    page.fill('#settings-form input[name="note"]', "浏览器里改的")
    page.click("#settings-form button[type=submit]")
    expect(page.locator("#flash")).to_have_text("设置已保存：新版本已生效")
    assert int(page.get_attribute("#live-settings", "data-version") or 0) == version + 1
    assert page.input_value(field) == "66,66"
    expect(page.locator(f'#settings-versions tr[data-version="{version + 1}"]')).to_contain_text("浏览器里改的")
    page.screenshot(path=str(ARTIFACTS / "admin-live-settings.png"), full_page=True)
    # the next help, whichever process answers it, is decided with the new version
    _phone, r = help_once(svc, shared.token)
    assert (r.status_code, r.json()["amount"], r.json()["settings_version"]) == (200, 66, version + 1)
    # and the change is in the audit log, by the owner who made it
    page.goto(f"{svc.base}/admin?action=admin_page.settings_change")
    row = page.locator('tr[data-action="admin_page.settings_change"]').first
    expect(row).to_contain_text("token")
    expect(row).to_contain_text("66")
    page.screenshot(path=str(ARTIFACTS / "admin-live-settings-audit.png"), full_page=True)
    assert problems == []  # no script error, no CSP violation
    ctx.close()
