"""Outbound requests to URLs someone else chose (a goods thumbnail, an avatar) reach only the public
internet: no loopback, private, carrier-NAT, link-local (the cloud metadata service at
169.254.169.254), multicast, reserved or otherwise non-global address, in IPv4 or IPv6 — including
the IPv6 forms that carry an IPv4 address inside (v4-mapped, 6to4, NAT64).

`pin(url, allow_hosts)` resolves the host once, judges every address it resolves to, and answers
the request to make *to that address*: the URL with the address in place of the name, the Host
header, and the TLS server name (SNI, and the name the certificate is checked against) set to the
original name. No second lookup happens, so a name that resolves to a public address when checked
and to 127.0.0.1 a moment later (DNS rebinding) cannot move the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

# NAT64 prefixes (RFC 6052 well-known, RFC 8215 local-use): the gateway behind them is ours, not the internet
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# IANA special-purpose blocks that Python's tables (3.11) call global: 192.0.0.8 (dummy, RFC 7600) and
# the rest of the IETF protocol block, and the deprecated 6to4 relay anycast
NOT_GLOBAL_V4 = (ipaddress.ip_network("192.0.0.0/24"), ipaddress.ip_network("192.88.99.0/24"))
DEFAULT_PORTS = {"http": 80, "https": 443}


class Refused(Exception):
    """The URL names an address we do not connect to (or cannot be pinned)."""


def is_public(ip: IPAddress) -> bool:
    """Pure: may an outbound request connect to `ip`? Python's `is_global` alone is not enough:
    it is True for multicast, for site-local fec0::/10, for NAT64 and for 6to4 of a private IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if any(ip in net for net in NAT64) or ip.is_site_local:
            return False
        if ip.sixtofour is not None and not is_public(ip.sixtofour):
            return False
        if ip.teredo is not None:
            return False
    elif any(ip in net for net in NOT_GLOBAL_V4):
        return False
    flags = (ip.is_private, ip.is_loopback, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    return ip.is_global and not any(flags)


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver, off the event loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class Pinned:
    """A request to one checked address: send `url` with `headers` and `extensions`."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, Any] = field(default_factory=dict)


def _address(text: str) -> IPAddress:
    ip = ipaddress.ip_address(text.split("%", 1)[0])  # a scope id (fe80::1%eth0) names no public address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


async def pin(url: str, allow_hosts: Iterable[str] = (), resolver: Resolver = system_resolver) -> Pinned:
    """The request to make for `url`, to an address checked public (any address for a host in
    `allow_hosts`, compared case-insensitively with the URL's host). Raises Refused."""
    try:
        u = httpx.URL(url)
    except httpx.InvalidURL as e:
        raise Refused(f"invalid URL: {e}") from e
    if u.scheme not in DEFAULT_PORTS or not u.raw_host:
        raise Refused("only http(s) URLs with a host")
    host = u.raw_host.decode("ascii").lower()
    port = u.port or DEFAULT_PORTS[u.scheme]
    try:  # a resolver failure (OSError) is left to the caller: it may be transient
        addresses = [_address(a) for a in await resolver(host.strip("[]"), port)]
    except (UnicodeError, ValueError) as e:
        raise Refused(f"{host}: {e}") from e
    if not addresses:
        raise Refused(f"{host} resolves to nothing")
    allowed = host in {h.lower() for h in allow_hosts}
    if not allowed and not all(is_public(a) for a in addresses):
        raise Refused(f"{host} resolves to a non-public address")
    ext: dict[str, Any] = {"sni_hostname": host} if u.scheme == "https" else {}
    return Pinned(u.copy_with(host=str(addresses[0])), {"Host": u.netloc.decode("ascii")}, ext)
