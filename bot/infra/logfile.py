"""Log lines to a file in `server.log_dir` that can never stop the service.

A disk that fills up, a directory remounted read-only, a log file rotated away or deleted: each
is an OSError in a write or an open. Here such a record is dropped and counted, the file is closed
and opened again at most once per RETRY_S, and when writing works again a line says how many were
lost. Writing happens on a thread of its own behind a bounded queue, so a slow or hung disk never
blocks the event loop: a full queue drops records as well. Each process (Sanic forks its workers)
runs its own writer thread.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import time
from logging.handlers import QueueHandler, QueueListener

RETRY_S = 1.0
QUEUE_MAX = 10_000
FILE_NAME = "fission.log"


class ResilientFileHandler(logging.Handler):
    """Appends formatted records to `path`; never raises. `dropped`: records lost since the last
    successful write (reported then, and reset)."""

    def __init__(self, path: str, retry_s: float = RETRY_S):
        super().__init__()
        self.path, self.retry_s = path, retry_s
        self.fd: int | None = None
        self.ident: tuple[int, int] | None = None
        self.dropped = 0
        self._next_try = 0.0

    def _moved(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return True
        return (st.st_dev, st.st_ino) != self.ident

    def _ensure_open(self) -> bool:
        if self.fd is not None and not self._moved():
            return True
        if time.monotonic() < self._next_try:
            return self.fd is not None  # keep writing to the old file until a reopen may be tried
        self._next_try = time.monotonic() + self.retry_s
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            st = os.fstat(fd)
        except OSError:
            return self.fd is not None
        self._close()
        self.fd, self.ident = fd, (st.st_dev, st.st_ino)
        return True

    def _close(self) -> None:
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
        self.fd = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = (self.format(record) + "\n").encode("utf-8", "replace")
        except Exception:
            self.dropped += 1
            return
        if not self._ensure_open():
            self.dropped += 1
            return
        if self.dropped:
            line = self._dropped_line().encode() + line
        try:
            os.write(self.fd, line)  # type: ignore[arg-type]
        except OSError:  # full, read-only, I/O error: lose this record, try a fresh file later
            self.dropped += 1
            self._close()
            self._next_try = time.monotonic() + self.retry_s
            return
        self.dropped = 0

    def _dropped_line(self) -> str:
        return json.dumps({"level": "WARNING", "logger": "fission.logfile",
                           "msg": f"{self.dropped} log record(s) dropped: the log file could not be written"}) + "\n"

    def close(self) -> None:
        self._close()
        super().close()


class DroppingQueueHandler(QueueHandler):
    """QueueHandler whose full queue drops the record (counted) instead of blocking or raising."""

    def __init__(self, q: queue.Queue[logging.LogRecord]):
        super().__init__(q)
        self.dropped = 0

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1


class FileLog:
    """The queue handler to add to the root logger, and its writer thread (restarted after fork)."""

    def __init__(self, log_dir: str, formatter: logging.Formatter, level: int | str):
        self.path = os.path.join(log_dir, FILE_NAME)
        try:
            os.makedirs(log_dir, exist_ok=True)
        except OSError:  # read-only or full already: the handler keeps trying to open the file
            pass
        self.file = ResilientFileHandler(self.path)
        self.file.setFormatter(logging.Formatter("%(message)s"))  # lines arrive formatted
        self.handler = DroppingQueueHandler(queue.Queue(QUEUE_MAX))
        self.handler.setFormatter(formatter)
        self.handler.setLevel(level)
        self.handler.set_name("fission-file")
        self.listener: QueueListener | None = None
        self.start()
        os.register_at_fork(after_in_child=self._after_fork)
        atexit.register(self.stop)

    def start(self) -> None:
        self.listener = QueueListener(self.handler.queue, self.file)
        self.listener.start()

    def _after_fork(self) -> None:
        """The writer thread did not survive the fork: a fresh queue and thread for this process."""
        self.handler.queue = queue.Queue(QUEUE_MAX)
        self.file.fd, self.file.ident = None, None  # the parent's descriptor: reopen our own
        self.start()

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            try:
                listener.stop()
            except Exception:  # at exit, with the thread maybe gone
                pass
