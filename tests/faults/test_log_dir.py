"""The log directory (`server.log_dir`) fills up, then turns read-only under a rotated log: the
service keeps answering, and logging resumes by itself once the disk is usable again.

The directory is a 256 KiB tmpfs this test mounts (root only; skipped otherwise): filling it makes
every write fail with ENOSPC, as a full disk does; a read-only bind mount over it makes every
open fail with EROFS, as a filesystem remounted read-only does for a log rotated away."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.infra.logfile import FILE_NAME
from tests.support import fakewx
from tests.support.service import Service, login

pytestmark = pytest.mark.slow


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def small_disk() -> Iterator[str]:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root and mount(8) to make a small tmpfs for the log directory")
    path = tempfile.mkdtemp(prefix="fission-logs-")
    try:
        _mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", path)
    except subprocess.CalledProcessError as e:
        os.rmdir(path)
        pytest.skip(f"cannot mount a tmpfs here: {e.stderr.decode().strip()}")
    try:
        yield path
    finally:
        for _ in range(3):  # the read-only bind mount, if still there, then the tmpfs
            if subprocess.run(["umount", path], capture_output=True).returncode:
                break
        shutil.rmtree(path, ignore_errors=True)


def _fill(path: str) -> str:
    filler = os.path.join(path, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    with contextlib.suppress(OSError):
        while True:
            os.write(fd, b"\0" * 4096)
    os.close(fd)
    return filler


def _traffic(svc: Service, n: int) -> None:
    """Logins, pages that log errors (404), health checks: every answer as if nothing happened."""
    with httpx.Client(base_url=svc.base, timeout=20) as c:
        for i in range(n):
            assert c.get("/healthz").status_code == 200
            assert c.get(f"/api/packets/{10**9 + i}").status_code in (401, 404)
            assert c.post("/api/orders/events", content=b"{}").status_code == 401  # logs a refusal
        assert c.get("/readyz").status_code == 200
    login(svc.base, f"olog-{n}").close()


def _log_text(path: str) -> str:
    try:
        with open(os.path.join(path, FILE_NAME), encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def _eventually_logged(svc: Service, path: str, text: str) -> None:
    """Keep answering requests until `text` shows in the log file (written on its own thread, and a
    failed file is retried once a second)."""
    for _ in range(40):
        if text in _log_text(path):
            return
        _traffic(svc, 1)
        time.sleep(0.25)
    raise AssertionError(f"{text!r} never logged")


def test_a_full_then_read_only_log_directory_does_not_stop_the_service(small_disk: str) -> None:
    fake = fakewx.FakeWeChat()
    fake.start()
    svc = Service(fake.url, workers=2, redis_db=13, server={"log_dir": small_disk, "access_log": True})
    try:
        _eventually_logged(svc, small_disk, '"logger": "sanic.access"')  # the file log works to begin with
        filler = _fill(small_disk)  # full: every write fails with ENOSPC
        _traffic(svc, 60)
        os.remove(filler)
        _eventually_logged(svc, small_disk, "log record(s) dropped")  # writable again: the loss is told
        os.rename(os.path.join(small_disk, FILE_NAME), os.path.join(small_disk, FILE_NAME + ".1"))
        _mount("--bind", small_disk, small_disk)
        _mount("-o", "remount,bind,ro", small_disk)  # read-only: the rotated log cannot be recreated
        _traffic(svc, 30)
        assert not os.path.exists(os.path.join(small_disk, FILE_NAME))
        subprocess.run(["umount", small_disk], check=True, capture_output=True)
        _eventually_logged(svc, small_disk, '"logger": "sanic.access"')  # a fresh file, found by itself
    finally:
        svc.stop()
        fake.stop()
