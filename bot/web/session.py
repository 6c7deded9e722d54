"""Signed session cookies (itsdangerous) and the OAuth state cookie bound to the browser. A session
also carries its user's session epoch: bot/web/session_epochs.py voids older ones."""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.errors import ErrorCode, FissionError
from bot.settings import ServerSettings

SESSION_COOKIE = "fx_session"
STATE_COOKIE = "fx_oauth"
STATE_TTL_S = 600


@dataclass(frozen=True)
class SessionUser:
    id: int
    openid: str
    epoch: int = 0  # the user's session epoch when signed (bot/web/session_epochs.py); none signed: 0


class Sessions:
    def __init__(self, server: ServerSettings):
        self.server = server
        self._session = URLSafeTimedSerializer(server.secret_key, salt="fx-session")
        self._state = URLSafeTimedSerializer(server.secret_key, salt="fx-oauth-state")
        host = urlparse(server.public_url).hostname or ""
        # Secure cookies everywhere but plain-http non-loopback hosts (browsers treat loopback as secure)
        self.secure = server.public_url.startswith("https://") or _loopback(host)

    def dump_user(self, user_id: int, openid: str, epoch: int = 0) -> str:
        return self._session.dumps({"u": user_id, "o": openid, "e": epoch})

    def load_user(self, cookie: str | None) -> SessionUser | None:
        if not cookie:
            return None
        try:
            data = self._session.loads(cookie, max_age=self.server.session_ttl_s)
            return SessionUser(int(data["u"]), str(data["o"]), int(data.get("e", 0)))
        except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
            return None

    def dump_state(self, state: str, next_path: str) -> str:
        return self._state.dumps({"s": state, "n": next_path})

    def check_state(self, cookie: str | None, state: str | None) -> str:
        """The `next` path when the callback's state matches the browser's cookie, else 400."""
        if not cookie or not state:
            raise FissionError(ErrorCode.BAD_STATE)
        try:
            data = self._state.loads(cookie, max_age=STATE_TTL_S)
        except BadSignature as e:
            raise FissionError(ErrorCode.BAD_STATE) from e
        if not hmac.compare_digest(str(data.get("s", "")).encode(), state.encode()):
            raise FissionError(ErrorCode.BAD_STATE)
        return safe_next(str(data.get("n", "/me")))

    def cookie_args(self, max_age: int) -> dict[str, Any]:
        return {"httponly": True, "secure": self.secure, "samesite": "Lax", "max_age": max_age, "path": "/"}


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def safe_next(path: str) -> str:
    """Only local absolute paths: never an open redirect to another site."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path or any(c in path for c in "\r\n"):
        return "/me"
    return path


_UNSET = object()


def current_user(request: Any) -> SessionUser | None:
    """The signed-in user of this request, verified once per request (rate limits and views share it)."""
    user = getattr(request.ctx, "session_user", _UNSET)
    if user is _UNSET:
        user = request.app.ctx.sessions.load_user(request.cookies.get(SESSION_COOKIE))
        request.ctx.session_user = user
    return user  # type: ignore[return-value]


def require_user(request: Any) -> SessionUser:
    user = current_user(request)
    if user is None:
        raise FissionError(ErrorCode.UNAUTHENTICATED)
    return user
