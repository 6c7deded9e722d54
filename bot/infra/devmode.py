"""Development mode: the shipped config.yaml runs as is on a laptop, and its secrets run nowhere else.

Every secret in the embedded default (config.yaml) is a published, fake value. `server.dev_mode:
true` (which config.yaml sets, and nothing else does by default) is the only way to start with
any of them; in development mode the service binds loopback only (a non-loopback `server.host` is
refused, not silently rewritten) and prints a banner. Without it, a secret equal to a shipped value
is refused at start, naming the setting — a forgotten environment variable cannot put the
published admin token or webhook secrets in front of the internet.
"""

from __future__ import annotations

import ipaddress
from typing import Any

# (section, key) -> the value config.yaml ships; tests/test_devmode.py keeps this in step with the file
SHIPPED_SECRETS: dict[tuple[str, str], str] = {
    ("server", "secret_key"): "dev-only-secret-key-change-me-0123456789",
    ("wechat", "secret"): "dev-fake-wechat-secret",
    ("wechat", "token"): "devtoken",
    ("wechat", "encoding_aes_key"): "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ("wecom", "secret"): "dev-fake-wecom-secret",
    ("wecom", "token"): "devtoken",
    ("wecom", "encoding_aes_key"): "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ("orders", "secret"): "dev-fake-order-secret",
    ("payments", "secret"): "dev-fake-payment-secret",
    ("admin", "token"): "dev-fake-admin-token",
}
SHIPPED_VALUES = frozenset(SHIPPED_SECRETS.values())
SECRET_FIELDS = tuple(SHIPPED_SECRETS)
BANNER = """\
================================================================================
  DEVELOPMENT MODE (server.dev_mode: true): the published development secrets of
  config.yaml are accepted and the service listens on {host} (loopback) only.
  Never run this in production: set real secrets through FISSION__… variables
  and FISSION__SERVER__DEV_MODE=false.
================================================================================"""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def problems(settings: Any) -> list[str]:
    """Pure: why these settings may not start (empty: they may)."""
    if settings.server.dev_mode:
        if is_loopback(settings.server.host):
            return []
        return [f"server.host: {settings.server.host!r} is not loopback; server.dev_mode binds loopback only "
                "(set real secrets and server.dev_mode: false to listen elsewhere)"]
    return [f"{section}.{key}: is a published development value from config.yaml; set a real one "
            f"(FISSION__{section.upper()}__{key.upper()}=…) or run with server.dev_mode: true"
            for section, key in SECRET_FIELDS if getattr(getattr(settings, section), key) in SHIPPED_VALUES]


def banner(settings: Any) -> str | None:
    return BANNER.format(host=settings.server.host) if settings.server.dev_mode else None
