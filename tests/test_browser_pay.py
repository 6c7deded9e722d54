"""The pay result page in a real browser: a registered order whose notification is not in yet
shows 支付结果确认中 and polls; when the gateway's notification arrives the page shows the draw."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import fakewx
from tests.support.browserkit import Phone
from tests.support.paykit import post_token, register_order, uid
from tests.support.seedpay import TOKEN, seed_body, setup_lottery
from tests.support.service import Service

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def svc(fake: fakewx.FakeWeChat) -> Iterator[Service]:
    s = Service(fake.url, workers=1, redis_db=9, payments={"notify_token": TOKEN})
    setup_lottery(s)
    yield s
    s.stop()


def test_pending_page_polls_until_the_payment_is_confirmed(browser: Any, svc: Service,  # noqa: F811
                                                           fake: fakewx.FakeWeChat) -> None:
    openid, order = uid(), uid("b").replace("-", "")
    assert register_order(svc, order, openid, product="SEED", amount_fen=1).status_code == 201
    phone = Phone(browser, fake, openid)
    page = phone.open(svc, f"/pay/{order}")
    assert "支付结果确认中" in page.inner_text("body")
    assert post_token(svc, seed_body(order_no=order)).status_code == 200
    page.wait_for_selector("text=翻牌抽奖")  # the poll saw the offer and the page reloaded
    assert "支付成功" in page.inner_text("body") and page.inner_text("#chances") == "1"
    assert phone.errors == [] and phone.dialogs == []
    phone.close()
