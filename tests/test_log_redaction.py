"""A secret carried in a URL (the payment notify token) never reaches a log line: message, extra
fields (Sanic's access log puts the URL in `request`) and tracebacks are scrubbed."""

from __future__ import annotations

import io
import logging

from bot.infra import logs

SECRET = "Zq8-redaction-test-token-0123456789"


def _capture() -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RedactFilter())
    logger = logging.getLogger("test.redaction")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, out


def test_message_extra_fields_and_traceback_are_scrubbed() -> None:
    logs.redact(SECRET)
    logger, out = _capture()
    logger.warning("refused %s", f"/api/payments/notify/{SECRET}")
    logger.info("", extra={"request": f"POST http://h/api/payments/notify/{SECRET}", "status": 401})
    try:
        raise ValueError(f"while handling /api/payments/notify/{SECRET}")
    except ValueError:
        logger.exception("request failed")
    text = out.getvalue()
    assert SECRET not in text and text.count(logs.REDACTION) == 3
    assert '"status": 401' in text  # other fields untouched


def test_nothing_registered_leaves_records_alone() -> None:
    logger, out = _capture()
    logger.warning("plain %s", "text")
    assert "plain text" in out.getvalue()
