"""One page engine (bot/web/pages.py): every page is a Jinja2 template of one environment, every
page's Content-Security-Policy is built in one place; the after-payment pages render escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.web.pages import WEB_DIR, add_filters, content_security_policy, templates
from handlers.lottery import pages as lottery
from models.money import yuan

ROOT = Path(__file__).resolve().parents[1]
EVIL = '"><img src=x onerror=alert(1)>'
SOURCES = sorted(p for d in ("bot", "handlers") for p in (ROOT / d).rglob("*.py"))


def _where(pattern: str) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in SOURCES if re.search(pattern, p.read_text(encoding="utf-8"))]


def test_one_environment_one_csp_builder_no_second_engine() -> None:
    assert _where(r"\bEnvironment\(") == ["bot/web/pages.py"]
    assert _where(r"default-src") == ["bot/web/pages.py"]
    assert _where(r"string import Template|\bTemplate\(") == []
    assert not (WEB_DIR / "lottery").exists()


def test_csp() -> None:
    h5 = content_security_policy()
    assert h5 == ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
                  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    admin = content_security_policy(remote_images=False, image_urls=["http://a.example/x.png"])
    assert "img-src 'self' data:;" in admin and "https:" not in admin and "http:" not in admin
    assert "script-src 'self' https://res.wx.qq.com;" in content_security_policy(True)


def test_a_filter_is_registered_once() -> None:
    add_filters(yuan=yuan)  # the features register the same function: fine
    with pytest.raises(ValueError, match="yuan"):
        add_filters(yuan=lambda fen: str(fen))
    assert templates().filters["yuan"] is yuan


def _coupon(**kw: object) -> dict[str, object]:
    return {"id": 7, "type": "amount", "value": 500, "threshold": 2000, "name": "满20减5" + EVIL,
            "valid_until": "2026-12-31T00:00:00+08:00", "status": "unused", **kw}


def test_pay_page_escapes_and_carries_the_headers() -> None:
    offer = {"kind": "coupon", "templates": [_coupon()]}
    r = lottery.page("pay", "支付结果", amount_fen=-5, order_no="ORD" + EVIL, offer=offer,
                     coupons=[lottery.coupon_view(_coupon(status=""), False)], state="支付成功", state_class="ok")
    text = r.body.decode()
    assert "<img src=x" not in text and 'data-claim="ORD&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in text
    assert "¥-0.05" in text and "满20.00元可用" in text and "data-share" not in text
    assert r.headers["Content-Security-Policy"] == content_security_policy()
    assert (r.headers["X-Frame-Options"], r.headers["Cache-Control"]) == ("DENY", "no-store")


def test_coupons_page_rows_tabs_and_empty() -> None:
    rows = [lottery.coupon_view(_coupon(), True), lottery.coupon_view(_coupon(id=8, type="discount", value=85,
                                                                            threshold=0, status="used"), True)]
    text = lottery.page("coupons", "我的优惠券", tabs=lottery.TABS, current="used", coupons=rows).body.decode()
    assert '<a href="/me/coupons?status=used" class=on>已使用</a>' in text
    assert text.count("data-share=") == 1 and "8.5折" in text and "无门槛" in text and "这里还没有优惠券" not in text
    empty = lottery.page("coupons", "我的优惠券", tabs=lottery.TABS, current="", coupons=[]).body.decode()
    assert '<a href="/me/coupons" class=on>全部</a>' in empty and "这里还没有优惠券" in empty


def test_prizes_page() -> None:
    won = {"image_url": "https://img.example/a.png", "name": "杯子" + EVIL, "time": "2026-12-04T10:00:00+08:00",
           "description": "", "how_to_redeem": "到门店 <b>", "status": "shipped"}
    text = lottery.page("prizes", "我的奖品", prizes=[lottery.prize_view(won)]).body.decode()
    assert "<img src=x" not in text and "兑换方式：到门店 &lt;b&gt;" in text and "已发货" in text
    assert "2026-12-04<" in text and "还没有奖品" not in text
