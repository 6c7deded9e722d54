"""A phone in a headless browser (playwright): a logged-in context with WeChat's JS-SDK stubbed."""

from __future__ import annotations

from typing import Any

from tests.support import fakewx
from tests.support.adminkit import ARTIFACTS
from tests.support.service import Service

VIEWPORT = {"width": 375, "height": 812}
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Mobile/15E148")
TIMEOUT_MS = 15_000
WX_STUB = """
window.__wx = {config: null, shared: null, timeline: null};
window.wx = {
  config: function (c) { window.__wx.config = c; },
  ready: function (f) { setTimeout(f, 0); },
  error: function () {},
  updateAppMessageShareData: function (d) { window.__wx.shared = d; },
  updateTimelineShareData: function (d) { window.__wx.timeline = d; }
};
"""


class Phone:
    """One person's phone: a browser context logged in to the fake WeChat as `openid`."""

    def __init__(self, browser: Any, fake: fakewx.FakeWeChat, openid: str, wx_stub: bool = False):
        self.ctx = browser.new_context(viewport=VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True,
                                       user_agent=PHONE_UA, locale="zh-CN")
        self.ctx.set_default_timeout(TIMEOUT_MS)
        self.ctx.add_cookies([{"name": "wxuser", "value": openid, "url": fake.url}])
        if wx_stub:
            self.ctx.add_init_script(WX_STUB)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = self.ctx.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, svc: Service, path: str) -> Any:
        """Open a page of ours; without a session this goes through OAuth and lands back on `path`."""
        self.page.goto(svc.base + path)
        self.page.wait_for_load_state("networkidle")
        assert self.page.url.split("#")[0] == svc.base + path  # WeChat's #wechat_redirect may stay on
        return self.page

    def state(self) -> str:
        return str(self.page.get_attribute("body", "data-state"))

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.ctx.close()
