"""Structured logs: one JSON object per line, each carrying the request id of the work it belongs to.

The request id lives in a context variable: `bot.app` sets it for every HTTP request, the outbox
copies it into each row's payload (`request_id`), and the outbox worker binds it again while it
delivers that row — so one id follows a request from the edge through the outbox to WeChat.
`configure()` is called once per process (main.py); Sanic's own loggers propagate to the root.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("fission_request_id", default=None)
PAYLOAD_KEY = "request_id"

# attributes every LogRecord has; anything else was passed with `extra=` and is logged as a field
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


def current_request_id() -> str | None:
    return REQUEST_ID.get()


@contextlib.contextmanager
def bound_request_id(request_id: str | None) -> Iterator[None]:
    """Log (and write outbox rows) as part of `request_id` inside the block."""
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


def tag_payload(payload: dict[str, Any], request_id: str | None = None) -> dict[str, Any]:
    """The payload with the request id (given, or the current one) under `request_id`, if any."""
    rid = request_id or REQUEST_ID.get()
    if not rid or PAYLOAD_KEY in payload:
        return payload
    return {**payload, PAYLOAD_KEY: rid}


class RequestIdFilter(logging.Filter):
    """Stamps `record.request_id` from the context unless the caller passed one in `extra`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = REQUEST_ID.get()
        return True


_REDACTED: set[str] = set()
REDACTION = "[redacted]"


def redact(secret: str) -> None:
    """Never write `secret` to a log line again (e.g. a token carried in a URL path): every
    record through the handler `configure` installs has it replaced, in its message and in
    every extra field (Sanic's access log puts the request URL in `request`)."""
    if secret:
        _REDACTED.add(secret)


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _REDACTED:
            return True
        text = record.getMessage()
        if any(s in text for s in _REDACTED):
            record.msg, record.args = _scrub(text), None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str) and any(s in value for s in _REDACTED):
                setattr(record, key, _scrub(value))
        if record.exc_info and not record.exc_text:  # formatters reuse exc_text: render it once, scrubbed
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _scrub(record.exc_text)
        return True


def _scrub(text: str) -> str:
    for secret in _REDACTED:
        text = text.replace(secret, REDACTION)
    return text


class JsonFormatter(logging.Formatter):
    """{"ts", "level", "logger", "msg", "request_id"?, "exc"?, ...extra fields} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        rid = getattr(record, "request_id", None)
        if rid:
            out["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_text:
            out["exc"] = record.exc_text
        elif record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


_file_log: Any = None


def configure(fmt: str = "json", level: int | str = logging.INFO, log_dir: str | None = None) -> None:
    """Root logging for this process: JSON (or text) lines on stderr, request ids stamped; with
    `log_dir`, the same lines appended to `<log_dir>/fission.log` too, written so that a full or
    read-only disk drops log lines but never stops or slows the service (bot/infra/logfile.py). Idempotent."""
    global _file_log
    formatter = JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    handler.setLevel(level)
    handler.set_name("fission")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() in ("fission", "fission-file")
                or type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    if _file_log is not None:
        _file_log.stop()
        _file_log = None
    root.addHandler(handler)
    if log_dir:
        from bot.infra.logfile import FileLog

        _file_log = FileLog(log_dir, formatter, level)
        _file_log.handler.addFilter(RequestIdFilter())
        root.addHandler(_file_log.handler)
    root.setLevel(level)


def sanic_log_config() -> dict[str, Any]:
    """Sanic's loggers without handlers of their own: their records reach the root's JSON handler."""
    names = ("sanic.root", "sanic.error", "sanic.access", "sanic.server", "sanic.websockets")
    return {"version": 1, "disable_existing_loggers": False,
            "loggers": {n: {"level": "INFO", "handlers": [], "propagate": True} for n in names}}
