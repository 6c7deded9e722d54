"""The HTTP side of `python main.py demo`: what phones, the order system, the payment system and an
admin send to a running Fission, exactly as API.md describes it (bot/demo/run.py runs the campaign)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import httpx

from bot.clock import utcnow
from bot.infra.signing import sign
from bot.settings import Settings
from models.payment_rules import yuan_to_fen

WINDOW = {"start_time": "2020-01-01T00:00:00+08:00", "end_time": "2040-01-01T00:00:00+08:00"}


@dataclass
class Tally:
    """What happened, for the summary table."""

    helps: Counter[str] = field(default_factory=Counter)  # "accepted" or the refusal code
    draws: Counter[str] = field(default_factory=Counter)  # prize kind, or "none"
    packets: dict[int, dict[str, Any]] = field(default_factory=dict)
    coupons_claimed: int = 0
    refunded: int = 0
    expired: int = 0
    posters: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Phone:
    openid: str
    cookie: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"fx_session={self.cookie}"}


class Client:
    """One HTTP client for every actor; a phone is its session cookie, sent explicitly (the service
    marks cookies Secure, which a cookie jar would not send to http://127.0.0.1)."""

    def __init__(self, settings: Settings):
        self.s = settings
        self.http = httpx.AsyncClient(base_url=settings.server.public_url, timeout=60,
                                      limits=httpx.Limits(max_connections=64))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def login(self, openid: str) -> Phone:
        """WeChat OAuth as a phone does it: /oauth/login, the code, /oauth/callback."""
        r = await self.http.get("/oauth/login", params={"next": "/me"})
        state = parse_qs(urlparse(r.headers["location"].split("#")[0]).query)["state"][0]
        r = await self.http.get("/oauth/callback", params={"code": "code-" + openid, "state": state},
                                headers={"Cookie": f"fx_oauth={r.cookies['fx_oauth']}"})
        if r.status_code != 302:
            raise RuntimeError(f"login failed: {r.status_code} {r.text}")
        return Phone(openid, r.cookies["fx_session"])

    async def order_event(self, openid: str, order_no: str, kind: str = "confirmed", **fields: Any) -> dict[str, Any]:
        ev = {"event_id": uuid.uuid4().hex, "type": kind, "order_no": order_no, "openid": openid,
              "goods_id": 42, **fields}
        body = json.dumps(ev, ensure_ascii=False).encode()
        r = await self.http.post("/api/orders/events", content=body, headers={
            "X-Fission-Signature": sign(body, self.s.orders.secret), "Content-Type": "application/json"})
        r.raise_for_status()
        return dict(r.json())

    async def share(self, phone: Phone, packet_id: int) -> str:
        r = await self.http.post(f"/api/packets/{packet_id}/share", headers=phone.headers)
        r.raise_for_status()
        return str(r.json()["share_token"])

    async def help(self, phone: Phone, token: str) -> str:
        r = await self.http.post(f"/api/share/{token}/help", headers=phone.headers)
        return "accepted" if r.status_code == 200 else str(r.json().get("error"))

    async def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        r = await self.http.request(method, path, json=body,
                                    headers={"Authorization": f"Bearer {self.s.admin.token}"})
        r.raise_for_status()
        return dict(r.json())

    async def pay(self, openid: str, order_no: str, product: str, amount_yuan: str) -> None:
        """The mall registers the payment order, then the gateway notifies as it really does: the
        URL-encoded XML naming neither payer nor product, signed here (the token path is the other way)."""
        order = json.dumps({"order_no": order_no, "openid": openid, "product_code": product,
                            "amount_fen": yuan_to_fen(amount_yuan)}).encode()
        r = await self.http.post("/api/payments/orders", content=order, headers={
            "X-Fission-Signature": sign(order, self.s.payments.secret), "Content-Type": "application/json"})
        r.raise_for_status()
        paid_at = utcnow().astimezone(self.s.campaign.tz).strftime("%Y-%m-%d %H:%M:%S")
        xml = quote(f" <Package> <Request> <OrderNo>{order_no}</OrderNo> <PayId>PAY{order_no}</PayId> "
                    f"<BankTradeDate>{paid_at}</BankTradeDate> <PayAmount>{amount_yuan}</PayAmount> "
                    "<PayResult>2</PayResult> <ErrCode></ErrCode> </Request> </Package>").encode()
        r = await self.http.post("/api/payments/notify", content=xml, headers={
            "X-Fission-Signature": sign(xml, self.s.payments.secret),
            "Content-Type": "application/x-www-form-urlencoded"})
        r.raise_for_status()

    async def draw(self, phone: Phone, order_no: str) -> str | None:
        """The prize kind ("none" for no prize), or None when no chance is left."""
        r = await self.http.post(f"/api/payments/{order_no}/draw", headers=phone.headers)
        if r.status_code != 200:
            return None
        prize = r.json()["prize"]
        return str(prize["kind"]) if prize else "none"

    async def claim(self, phone: Phone, order_no: str) -> int:
        r = await self.http.post(f"/api/payments/{order_no}/claim", headers=phone.headers)
        r.raise_for_status()
        return len(r.json()["coupons"])

    async def poster(self, token: str) -> bytes:
        r = await self.http.get(f"/api/share/{token}/poster.png")
        r.raise_for_status()
        return r.content

    async def wait_for_outbox(self, not_yet_due: int = 0, timeout_s: float = 60) -> dict[str, int]:
        """Until every due outbox row is delivered (`not_yet_due` rows wait for a later time), or the timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            outbox = (await self.admin("GET", "/admin/api/stats"))["outbox"]
            if outbox["pending"] <= not_yet_due or loop.time() > deadline:
                return dict(outbox)
            await asyncio.sleep(0.3)


async def setup_lottery(client: Client) -> tuple[str, str]:
    """A coupon template, a lottery activity (coupon, goods, nothing) and two pay configs:
    (product code that earns draws, product code that earns coupons)."""
    tpl = await client.admin("POST", "/admin/api/coupon-templates", {
        "name": "满30减5", "type": "amount", "value": 500, "threshold": 3000, "valid_days": 30, "stock": 200})
    act = await client.admin("POST", "/admin/api/activities", {
        "name": "支付抽奖", **WINDOW, "frequency": 0, "win_limit": 0, "prizes": [
            {"name": "5元优惠券", "kind": "coupon", "weight": 5, "stock": 60, "coupon_template_id": tpl["id"]},
            {"name": "保温杯", "kind": "goods", "weight": 1, "stock": 3},
            {"name": "谢谢参与", "kind": "none", "weight": 4}]})
    await client.admin("POST", "/admin/api/pay-configs", {
        "product_code": "DEMO-LOTTERY", "min_amount": 100, "kind": "lottery", "activity_id": act["id"],
        "chances": 3, **WINDOW})
    await client.admin("POST", "/admin/api/pay-configs", {
        "product_code": "DEMO-COUPON", "min_amount": 100, "kind": "coupon", "coupon_template_ids": [tpl["id"]],
        **WINDOW})
    return "DEMO-LOTTERY", "DEMO-COUPON"
