"""Packets in every state a help page shows, made through the real service (plus one SQL update
for expiry, which the service only ever reaches by waiting hours)."""

from __future__ import annotations

import re
import subprocess
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.service import Phone, Service, login

STATE_RE = re.compile(r'<body[^>]*\bdata-state="([a-z_]+)"')


@dataclass
class Shared:
    """A shared packet: its PACKET json, share token, order number and the owner's logged-in phone."""

    packet: dict[str, Any]
    token: str
    order_no: str
    owner_openid: str
    owner: Phone


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def shared_packet(svc: Service, owner_openid: str | None = None, **fields: Any) -> Shared:
    """Issue a packet for a fresh order and share it as its owner."""
    owner_openid = owner_openid or uid("o-owner")
    order_no = uuid.uuid4().hex[:18]
    r = svc.order_event(openid=owner_openid, order_no=order_no, **fields)
    assert r.status_code == 200, r.text
    packet = r.json()["packet"]
    owner = login(svc.base, owner_openid)
    shared = owner.post(f"/api/packets/{packet['id']}/share")
    assert shared.status_code == 200, shared.text
    return Shared(packet, shared.json()["share_token"], order_no, owner_openid, owner)


def tiny_packet(svc: Service, owner_openid: str | None = None) -> Shared:
    """A 10-fen packet: the first new-user help splits it out."""
    return shared_packet(svc, owner_openid, cashback=5, paid_amount=1000, coupon_price=1000)


def expire(svc: Service, packet_id: int) -> None:
    """Move expire_time into the past (expiry takes effect at expire_time, sweeper or not)."""
    subprocess.run(["psql", svc.db_url, "-qc",
                    f"UPDATE red_packets SET expire_time = now() - interval '1 minute' WHERE id = {int(packet_id)}"],
                   check=True, capture_output=True)


def refund(svc: Service, s: Shared) -> None:
    r = svc.order_event(type="refunded", order_no=s.order_no, openid=s.owner_openid)
    assert r.status_code == 200, r.text


def help_once(svc: Service, token: str, openid: str | None = None) -> tuple[Phone, httpx.Response]:
    phone = login(svc.base, openid or uid("o-helper"))
    return phone, phone.post(f"/api/share/{token}/help")


def page_state(html: str) -> str:
    m = STATE_RE.search(html)
    assert m, "no data-state on the page body"
    return m.group(1)
