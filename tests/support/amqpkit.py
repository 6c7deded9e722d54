"""The order-events broker (RabbitMQ) the tests use, and an order event with realistic defaults."""

from __future__ import annotations

import os
import uuid
from typing import Any

AMQP_URL = os.environ.get("FISSION_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/")


def event(**kw: Any) -> dict[str, Any]:
    return {"event_id": uuid.uuid4().hex, "type": "confirmed", "order_no": uuid.uuid4().hex[:18],
            "openid": "o-" + uuid.uuid4().hex[:8], "goods_name": "保温杯", "paid_amount": 20000,
            "coupon_price": 20000, "cashback": 2500, **kw}
