"""Running a campaign from the admin page: activities with their prizes (weights, stock left, 保底),
coupon templates, pay configs and the pause switch created, edited and disabled with plain forms
(CSRF token, redirect after post) that call the JSON API's own use cases — over HTTP and in
headless Chromium, where an operator builds a campaign and a payment earns a draw from it, and a
viewer's change is refused. The payments → draws → wins → redeemed funnel and stock left per prize."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from handlers.admin.campaign_page import PRIZE_POOL_FORM, activity_data, config_data, template_data
from tests.support import fakewx
from tests.support.adminkit import ADMINS, CHROMIUM, CHROMIUM_ARGS, csrf_of, form_values, wecom_sign_in
from tests.support.config import ROOT
from tests.support.paykit import SH, WINDOW, admin_client, send_notice, uid
from tests.support.service import Phone, Service, login

ARTIFACTS = os.path.join(ROOT, "test-artifacts")
START, END = "2020-01-01T00:00", "2040-01-01T00:00"  # what a datetime-local input sends


# ---- forms → the API's JSON (pure) ------------------------------------------------------------


class Form(dict[str, Any]):
    """What Sanic's request.form offers the parsers: get (first value) and getlist."""

    def get(self, key: str, default: Any = None) -> Any:
        value = super().get(key, default)
        return value[0] if isinstance(value, list) else value

    def getlist(self, key: str) -> list[Any]:
        value = super().get(key, [])
        return value if isinstance(value, list) else [value]


def test_forms_become_the_apis_json() -> None:
    data = activity_data(Form({"name": " 双11 ", "start_time": START, "end_time": "2040-01-01T00:00:30",
                               "frequency": "1", "guarantee_after": "5", "enabled": "0", "type": "wheel",
                               "prizes-0-name": "台灯", "prizes-0-kind": "goods", "prizes-0-weight": "3",
                               "prizes-0-stock": "10", "prizes-1-id": "7", "prizes-1-name": "旧", "prizes-1-kind":
                               "none", "prizes-1-weight": "1", "prizes-1-remove": "1", "prizes-2-name": "",
                               "prizes-2-weight": "", "prizes-3-name": "券", "prizes-3-kind": "coupon",
                               "prizes-3-weight": "x", "prizes-3-coupon_template_id": "4"}), SH)
    assert data["start_time"] == "2020-01-01T00:00:00+08:00" and data["end_time"] == "2040-01-01T00:00:30+08:00"
    assert (data["frequency"], data["guarantee_after"], data["enabled"], data["type"]) == (1, 5, False, "wheel")
    assert data["prizes"] == [  # the blank row is no prize, the removed one is left out (retired)
        {"name": "台灯", "kind": "goods", "weight": 3, "stock": 10, "coupon_template_id": None},
        {"name": "券", "kind": "coupon", "weight": "x", "stock": None, "coupon_template_id": 4}]
    cfg = config_data(Form({"product_code": "P1", "kind": "coupon", "coupon_template_ids": ["3", "5"],
                            "start_time": START, "end_time": END}), SH)
    assert cfg["coupon_template_ids"] == [3, 5] and cfg["min_amount"] == 0 and "activity_id" not in cfg
    tpl = template_data(Form({"name": "满10减2", "type": "amount", "value": "200", "valid_days": "7", "stock": ""}),
                        SH, update=True)
    assert tpl == {"name": "满10减2", "type": "amount", "value": 200, "valid_days": 7, "stock": None}


# ---- over HTTP --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=9, wecom={"oauth_base": fake.url, "admins": ADMINS})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def api(svc: Service) -> Iterator[httpx.Client]:
    with admin_client(svc) as c:
        yield c


def signed_in(svc: Service, userid: str) -> tuple[Phone, str]:
    c, r = wecom_sign_in(svc, userid)
    assert r.status_code == 200
    return c, csrf_of(c.get("/admin").text)


def activity_form(name: str, **extra: str) -> dict[str, str]:
    return {"name": name, "start_time": START, "end_time": END, "frequency": "0", "guarantee_after": "0",
            "prizes-0-name": "台灯", "prizes-0-kind": "goods", "prizes-0-weight": "1", "prizes-0-stock": "2",
            "prizes-1-name": "谢谢参与", "prizes-1-kind": "none", "prizes-1-weight": "0", **extra}


def activities_named(api: httpx.Client, name: str) -> list[dict[str, Any]]:
    return [a for a in api.get("/admin/api/activities").json()["activities"] if a["name"] == name]


def audit_count(api: httpx.Client, action: str) -> int:
    rows = api.get("/admin/api/audit", params={"action": action, "limit": 500}).json()["entries"]
    return len([e for e in rows if e["action"] == action])


def test_an_operator_runs_the_campaign_with_forms(svc: Service, api: httpx.Client) -> None:
    c, csrf = signed_in(svc, "op1")
    name = "表单活动-" + uuid.uuid4().hex[:6]
    r = c.post("/admin/activities", data={**activity_form(name, guarantee_after="3"), "csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/admin?m=activity_created"
    (act,) = activities_named(api, name)
    assert act["guarantee_after"] == 3 and act["start_time"] == "2019-12-31T16:00:00Z"  # read in Asia/Shanghai
    lamp, thanks = act["prizes"]
    assert (lamp["name"], lamp["weight"], lamp["stock"], thanks["stock"]) == ("台灯", 1, 2, None)
    tpl = c.post("/admin/coupon-templates", data={"name": "满10减2", "type": "amount", "value": "200",
                                                  "threshold": "1000", "valid_days": "7", "stock": "50", "csrf": csrf})
    assert tpl.headers["location"] == "/admin?m=template_created"
    template = api.get("/admin/api/coupon-templates").json()["templates"][0]
    assert (template["value"], template["stock_left"]) == (200, 50)
    # edit: the lamp's stock left set to 9 and its weight to 4, 谢谢参与 retired, a coupon prize added
    edit = {"name": name, "start_time": START, "end_time": END, "frequency": "1", "guarantee_after": "3",
            "enabled": "1", "prizes-0-id": str(lamp["id"]), "prizes-0-name": "台灯", "prizes-0-kind": "goods",
            "prizes-0-weight": "4", "prizes-0-stock": "9", "prizes-1-id": str(thanks["id"]),
            "prizes-1-name": "谢谢参与", "prizes-1-kind": "none", "prizes-1-weight": "0", "prizes-1-remove": "1",
            "prizes-2-name": "优惠券", "prizes-2-kind": "coupon", "prizes-2-weight": "2",
            "prizes-2-coupon_template_id": str(template["id"]), "csrf": csrf}
    assert c.post(f"/admin/activities/{act['id']}", data=edit).headers["location"] == "/admin?m=activity_saved"
    (after,) = activities_named(api, name)
    assert [(p["name"], p["weight"], p["stock"]) for p in after["prizes"]] == [("台灯", 4, 9), ("优惠券", 2, None)]
    assert after["frequency"] == 1 and after["version"] > act["version"]
    product = "F" + uuid.uuid4().hex[:6]
    cfg = {"product_code": product, "min_amount": "100", "kind": "lottery", "activity_id": str(act["id"]),
           "chances": "2", "start_time": START, "end_time": END, "csrf": csrf}
    assert c.post("/admin/pay-configs", data=cfg).headers["location"] == "/admin?m=config_created"
    (config,) = [x for x in api.get("/admin/api/pay-configs").json()["pay_configs"] if x["product_code"] == product]
    assert (config["chances"], config["min_amount"], config["activity_id"]) == (2, 100, act["id"])
    assert c.post(f"/admin/pay-configs/{config['id']}", data={**cfg, "min_amount": "250"}).headers[
        "location"] == "/admin?m=config_saved"
    assert api.get(f"/admin/api/pay-configs/{config['id']}").json()["min_amount"] == 250
    page = c.get("/admin").text  # listed with stock left per prize
    assert re.search(rf'data-prize-id="{lamp["id"]}">台灯：4 · <span class="stock">9</span>', page)
    for path, code in ((f"/admin/pay-configs/{config['id']}/disable", "config_disabled"),
                       (f"/admin/coupon-templates/{template['id']}/disable", "template_disabled"),
                       (f"/admin/activities/{act['id']}/disable", "activity_disabled")):
        assert c.post(path, data={"csrf": csrf}).headers["location"] == f"/admin?m={code}"
    assert not api.get(f"/admin/api/activities/{act['id']}").json()["enabled"]
    assert not api.get(f"/admin/api/pay-configs/{config['id']}").json()["enabled"]
    assert not api.get(f"/admin/api/coupon-templates/{template['id']}").json()["enabled"]
    assert c.post("/admin/activities/999999999/disable", data={"csrf": csrf}).headers["location"] == "/admin?m=missing"
    c.close()


def test_pause_and_resume_from_the_page(svc: Service, api: httpx.Client) -> None:
    c, csrf = signed_in(svc, "op1")
    assert c.post("/admin/campaign/pause", data={"reason": "对账", "csrf": csrf}).headers["location"].endswith("paused")
    state = api.get("/admin/api/campaign").json()
    assert state["paused"] and state["reason"] == "对账" and 'id="resume-form"' in c.get("/admin").text
    assert c.post("/admin/campaign/resume", data={"csrf": csrf}).headers["location"].endswith("resumed")
    assert not api.get("/admin/api/campaign").json()["paused"]
    assert c.post("/admin/campaign/pause", data={"reason": "\x00夜间", "csrf": csrf}).status_code == 303
    assert api.get("/admin/api/campaign").json()["reason"] == "夜间"  # a NUL is dropped from the note, not a 500
    c.post("/admin/campaign/resume", data={"csrf": csrf})
    c.close()


WRITES = ("/admin/activities", "/admin/coupon-templates", "/admin/pay-configs", "/admin/campaign/pause")


def test_without_the_form_token_nothing_changes(svc: Service, api: httpx.Client) -> None:
    c, _ = signed_in(svc, "boss1")
    name = "无令牌-" + uuid.uuid4().hex[:6]
    for path in WRITES:
        r = c.post(path, data=activity_form(name))  # the cookie alone is not enough
        assert r.status_code == 303 and r.headers["location"] == "/admin?m=expired", path
        r = c.post(path, data={**activity_form(name), "csrf": "0" * 32})
        assert r.headers["location"] == "/admin?m=expired", path
    assert activities_named(api, name) == [] and not api.get("/admin/api/campaign").json()["paused"]
    c.close()


def test_a_viewer_reads_but_every_change_is_refused(svc: Service, api: httpx.Client) -> None:
    act = api.post("/admin/api/activities", json={"name": "只读看", **WINDOW, "frequency": 0,
                                                  "prizes": [{"name": "谢谢", "kind": "none", "weight": 1}]}).json()
    c, csrf = signed_in(svc, "viewer1")
    page = c.get("/admin").text
    assert f'data-activity-id="{act["id"]}"' in page  # reads
    assert re.search(r'id="activity-create">\s*<fieldset disabled', page)  # the forms are disabled
    name = "只读-" + uuid.uuid4().hex[:6]
    before = audit_count(api, "admin_page.activity_create")
    for path in (*WRITES, f"/admin/activities/{act['id']}", f"/admin/activities/{act['id']}/disable",
                 "/admin/campaign/resume", "/admin/pay-configs/1", "/admin/coupon-templates/1/disable"):
        r = c.post(path, data={**activity_form(name), "csrf": csrf})
        assert r.status_code == 403 and "只读账号（viewer）不能修改" in r.text, path
        assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert activities_named(api, name) == [] and api.get(f"/admin/api/activities/{act['id']}").json()["enabled"]
    assert audit_count(api, "admin_page.activity_create") == before
    c.close()


def test_bad_input_answers_400_with_every_problem_and_the_form_as_sent(svc: Service, api: httpx.Client) -> None:
    c, csrf = signed_in(svc, "op1")
    before = audit_count(api, "admin_page.activity_create")
    name = "<script>alert(1)</script>"
    bad = {**activity_form(name), "end_time": "2019-01-01T00:00", "frequency": "9", "prizes-0-weight": "lots",
           "prizes-2-name": "券", "prizes-2-kind": "coupon", "prizes-2-weight": "1", "csrf": csrf}
    r = c.post("/admin/activities", data=bad)
    assert r.status_code == 400 and "default-src 'none'" in r.headers["content-security-policy"]
    problems = re.findall(r"<li>(.*?)</li>", r.text.split('id="problems"')[1].split("</ul>")[0])
    assert problems == ["start_time must be before end_time",
                        "frequency must be 0 (unlimited), 1 (daily), 2 (weekly) or 3 (monthly)",
                        "prizes[0].weight must be an integer 0..1000000000000",
                        "prizes[2].coupon_template_id is required for a coupon prize"]
    assert "<script>alert" not in r.text and 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in r.text
    assert 'name="prizes-0-weight" value="lots"' in r.text and f'value="{csrf}"' in r.text  # filled in again
    assert activities_named(api, name) == [] and audit_count(api, "admin_page.activity_create") == before
    r = c.post("/admin/pay-configs", data={"product_code": "", "kind": "lottery", "activity_id": "999999999",
                                           "start_time": "soon", "end_time": END, "csrf": csrf})
    assert r.status_code == 400 and "product_code must be a non-empty string" in r.text
    assert "start_time must be an ISO-8601 datetime with a UTC offset" in r.text
    r = c.post("/admin/pay-configs", data={"product_code": "Q", "kind": "lottery", "activity_id": "999999999",
                                           "start_time": START, "end_time": END, "csrf": csrf})
    assert r.status_code == 400 and "activity 999999999 does not exist" in r.text  # the API's own checks
    r = c.post("/admin/pay-configs", data={"product_code": "P\x00", "kind": "coupon", "start_time": START,
                                           "end_time": END, "csrf": csrf})
    assert r.status_code == 400 and "product_code must not contain control characters" in r.text  # not a 500
    r = c.post("/admin/coupon-templates", data={"name": "折", "type": "discount", "value": "120", "csrf": csrf})
    assert r.status_code == 400 and "discount coupon" in r.text and "valid_days" in r.text
    c.close()


def test_a_form_over_its_body_limit_is_refused_unread(svc: Service, api: httpx.Client) -> None:
    c, csrf = signed_in(svc, "op1")
    name = "大表单-" + uuid.uuid4().hex[:6]
    rows = {f"prizes-{i}-description": "详" * 200 for i in range(200)}  # ~350 KiB urlencoded
    assert len(urlencode(rows)) > PRIZE_POOL_FORM
    r = c.post("/admin/activities", data={**activity_form(name), **rows, "csrf": csrf})
    assert r.status_code == 413 and activities_named(api, name) == []
    r = c.post("/admin/pay-configs", data={"product_code": "x" * 9000, "csrf": csrf})
    assert r.status_code == 413
    c.close()


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


def in_chromium(browser: Any, svc: Service, fake: fakewx.FakeWeChat, userid: str) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(15_000)
    ctx.add_cookies([{"name": "wxuser", "value": userid, "url": fake.url}])
    page, problems = ctx.new_page(), []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{svc.base}/admin")
    page.click("#wecom-login")
    page.wait_for_selector("#who")
    return ctx, page, problems


def open_details(page: Any, selector: str) -> None:
    if page.get_attribute(selector, "open") is None:  # open already when there is nothing listed yet
        page.click(f"{selector} summary")


def funnel_count(page: Any, step: str) -> int:
    return int(page.inner_text(f'#pay-funnel [data-step="{step}"] .step-count'))


@pytest.mark.slow
def test_an_operator_builds_a_campaign_in_chromium_and_a_payment_earns_a_draw(
        browser: Any, svc: Service, fake: fakewx.FakeWeChat, api: httpx.Client) -> None:
    ctx, page, problems = in_chromium(browser, svc, fake, "op1")
    name, product = "浏览器活动-" + uuid.uuid4().hex[:6], "UI" + uuid.uuid4().hex[:6]
    open_details(page, "#activity-new")
    form = "#activity-create"
    page.fill(f"{form} input[name=name]", name)
    page.select_option(f"{form} select[name=type]", "flip_card")
    page.fill(f"{form} input[name=start_time]", "2020-01-01T00:00:00")
    page.fill(f"{form} input[name=end_time]", "2040-01-01T00:00:00")
    page.fill(f"{form} input[name=guarantee_after]", "2")
    page.fill(f"{form} input[name=prizes-0-name]", "保温杯")
    page.select_option(f"{form} select[name=prizes-0-kind]", "goods")
    page.fill(f"{form} input[name=prizes-0-weight]", "1")
    page.fill(f"{form} input[name=prizes-0-stock]", "5")
    page.fill(f"{form} input[name=prizes-1-name]", "谢谢参与")
    page.select_option(f"{form} select[name=prizes-1-kind]", "none")
    page.fill(f"{form} input[name=prizes-1-weight]", "0")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#flash")
    assert page.inner_text("#flash") == "抽奖活动已创建"
    (act,) = activities_named(api, name)
    cup = act["prizes"][0]
    assert act["type"] == "flip_card" and act["guarantee_after"] == 2 and (cup["name"], cup["stock"]) == ("保温杯", 5)
    assert page.inner_text(f'li[data-prize-id="{cup["id"]}"] .stock') == "5"

    open_details(page, "#config-new")
    form = "#config-create"
    page.fill(f"{form} input[name=product_code]", product)
    page.fill(f"{form} input[name=min_amount]", "100")
    page.select_option(f"{form} select[name=kind]", "lottery")
    page.select_option(f"{form} select[name=activity_id]", str(act["id"]))
    page.fill(f"{form} input[name=start_time]", "2020-01-01T00:00:00")
    page.fill(f"{form} input[name=end_time]", "2040-01-01T00:00:00")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#flash")
    assert page.inner_text("#flash") == "支付活动配置已创建"
    assert page.locator("#config-list tr[data-config-id]", has_text=product).count() == 1
    payments, draws, wins = (funnel_count(page, s) for s in ("payments", "draws", "wins"))
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-campaign-created.png"), full_page=True)

    openid, order = uid(), uid("ord")  # the gateway's notification for a payment of that product
    assert send_notice(svc, order, openid, product=product, amount="19.90").status_code == 200
    with closing(login(svc.base, openid)) as phone:
        drawn = phone.post(f"/api/payments/{order}/draw")
        assert drawn.status_code == 200, drawn.text
        assert drawn.json()["prize"]["name"] == "保温杯"  # the only prize with weight
    page.goto(f"{svc.base}/admin")
    assert (funnel_count(page, "payments"), funnel_count(page, "draws"), funnel_count(page, "wins")) == (
        payments + 1, draws + 1, wins + 1)
    assert page.inner_text(f'li[data-prize-id="{cup["id"]}"] .stock') == "4"  # stock left per prize
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-campaign-after-draw.png"), full_page=True)
    assert problems == []  # no script error, no CSP violation
    ctx.close()


@pytest.mark.slow
def test_a_viewers_change_is_refused_in_chromium(browser: Any, svc: Service, fake: fakewx.FakeWeChat,
                                                 api: httpx.Client) -> None:
    ctx, page, problems = in_chromium(browser, svc, fake, "viewer1")
    open_details(page, "#activity-new")
    assert page.get_attribute("#activity-create fieldset", "disabled") is not None
    for field in ("input[name=name]", "select[name=type]", "input[name=prizes-0-weight]", "button[type=submit]"):
        assert page.locator(f"#activity-create {field}").is_disabled(), field  # through the fieldset
    csrf = page.get_attribute("#activity-create input[name=csrf]", "value")
    name = "viewer-" + uuid.uuid4().hex[:6]  # the server refuses too, whatever the page allows
    r = page.request.post(f"{svc.base}/admin/activities", form={**activity_form(name), "csrf": csrf},
                          max_redirects=0)
    assert r.status == 403 and "只读账号（viewer）不能修改" in r.text()
    assert activities_named(api, name) == []
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-campaign-viewer.png"), full_page=True)
    assert problems == []
    ctx.close()


def test_saving_an_activity_from_the_page_keeps_each_prizes_detail(svc: Service, api: httpx.Client) -> None:
    """奖品详情 (description, picture, how to redeem) set through the API survive an operator saving
    the activity's edit form as the page serves it — and can be changed there. Before, the form had
    no such fields, so saving it blanked every prize's detail."""
    name = "详情活动-" + uuid.uuid4().hex[:6]
    detail = {"description": "一盏护眼台灯", "image_url": "https://img.example.com/lamp.png",
              "how_to_redeem": "凭中奖页到门店领取"}
    act = api.post("/admin/api/activities", json={"name": name, **WINDOW, "frequency": 0, "prizes": [
        {"name": "台灯", "kind": "goods", "weight": 1, "stock": 5, **detail},
        {"name": "谢谢参与", "kind": "none", "weight": 3}]}).json()
    c, csrf = signed_in(svc, "op1")
    form = form_values(c.get("/admin").text, f"activity-edit-{act['id']}")
    assert form["csrf"] == csrf and form["prizes-0-description"] == detail["description"]
    form["prizes-0-weight"] = "2"  # the operator changes a weight and saves
    assert c.post(f"/admin/activities/{act['id']}", data=form).headers["location"] == "/admin?m=activity_saved"
    (after,) = activities_named(api, name)
    lamp, thanks = after["prizes"]
    assert lamp["weight"] == 2 and {k: lamp[k] for k in detail} == detail
    assert (thanks["description"], thanks["image_url"], thanks["how_to_redeem"]) == ("", "", "")
    form = form_values(c.get("/admin").text, f"activity-edit-{act['id']}")
    form.update({"prizes-1-description": "下次好运", "prizes-0-image_url": "javascript:alert(1)"})
    bad = c.post(f"/admin/activities/{act['id']}", data=form)  # refused whole: the picture is no http(s) URL
    assert bad.status_code == 400 and "image_url" in bad.text
    form["prizes-0-image_url"] = "/static/lamp.png"
    assert c.post(f"/admin/activities/{act['id']}", data=form).headers["location"] == "/admin?m=activity_saved"
    (after,) = activities_named(api, name)
    assert [(p["image_url"], p["description"]) for p in after["prizes"]] == [
        ("/static/lamp.png", detail["description"]), ("", "下次好运")]
    c.close()
