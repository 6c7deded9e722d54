"""The published development secrets of config.yaml start nothing outside development mode, and
development mode listens on loopback only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from bot.infra.devmode import SHIPPED_SECRETS
from bot.settings import SettingsError, load_settings
from tests.support.config import BASE_CONFIG, ROOT, make_config

EMBEDDED = Path(ROOT) / "config.yaml"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FISSION__")}
    return env | extra


def test_shipped_secrets_are_refused_without_dev_mode() -> None:
    """Attack: an operator deploys with config.yaml and forgets one FISSION__… secret variable; the
    published admin token / webhook secrets / session key then guard production. Without
    `server.dev_mode: true` every secret still equal to its shipped value is refused at start, by name."""
    with pytest.raises(SettingsError) as e:
        load_settings(EMBEDDED, environ={"FISSION__SERVER__DEV_MODE": "false"})
    named = {p.split(":", 1)[0] for p in e.value.problems}
    assert named == {f"{s}.{k}" for s, k in SHIPPED_SECRETS}


def test_one_forgotten_secret_is_named(tmp_path: Path) -> None:
    """All secrets real but one (the admin token left at its shipped value): refused, naming it."""
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(make_config(admin={"token": "dev-fake-admin-token"})))
    with pytest.raises(SettingsError) as e:
        load_settings(path, environ={})
    assert [p.split(":", 1)[0] for p in e.value.problems] == ["admin.token"]


def test_a_shipped_value_in_another_field_is_refused_too(tmp_path: Path) -> None:
    """A published value is published whichever secret it is pasted into."""
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(make_config(orders={"secret": "dev-fake-payment-secret"})))
    with pytest.raises(SettingsError) as e:
        load_settings(path, environ={})
    assert [p.split(":", 1)[0] for p in e.value.problems] == ["orders.secret"]


def test_dev_mode_binds_loopback_only() -> None:
    """Attack: the shipped config started with `FISSION__SERVER__HOST=0.0.0.0` would serve the
    published secrets to the network. Development mode refuses any non-loopback host (it does not
    rewrite it silently)."""
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.com"):
        with pytest.raises(SettingsError) as e:
            load_settings(EMBEDDED, environ={"FISSION__SERVER__HOST": host})
        assert [p.split(":", 1)[0] for p in e.value.problems] == ["server.host"], host
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert load_settings(EMBEDDED, environ={"FISSION__SERVER__HOST": host}).server.dev_mode


def test_every_secret_of_the_embedded_default_is_known_as_shipped() -> None:
    """bot/infra/devmode.py's list is config.yaml's secrets, exactly; the tests' own config uses none of them."""
    raw = yaml.safe_load(EMBEDDED.read_text(encoding="utf-8"))
    assert raw["server"]["dev_mode"] is True
    assert {k: raw[s][k] for s, k in SHIPPED_SECRETS} == {k: v for (_s, k), v in SHIPPED_SECRETS.items()}
    assert not {BASE_CONFIG[s][k] for s, k in SHIPPED_SECRETS} & set(SHIPPED_SECRETS.values())


def test_cli_refuses_to_serve_with_shipped_secrets() -> None:
    """`python main.py serve` on the embedded default with dev mode off exits 2 before listening."""
    r = subprocess.run([sys.executable, "main.py", "serve"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                       env=_env(FISSION__SERVER__DEV_MODE="false", FISSION__SERVER__PORT=str(_free_port())))
    assert r.returncode == 2 and "admin.token" in r.stderr and "server.secret_key" in r.stderr, r.stderr[-2000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_python_main_py_still_serves_with_a_banner(tmp_path: Path) -> None:
    """The README's `python main.py` on the embedded default keeps working: it serves on loopback
    and says loudly that it is in development mode."""
    port = _free_port()
    log = tmp_path / "out.log"
    env = _env(FISSION__SERVER__PORT=str(port), FISSION__DATABASE__URL=f"sqlite://{tmp_path}/dev.sqlite3")
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
    try:
        for _ in range(300):
            assert proc.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("did not become healthy: " + log.read_text()[-2000:])
        assert "DEVELOPMENT MODE" in log.read_text()
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(10)  # it once took the whole minute it was given here, and the suite waited with it
        except subprocess.TimeoutExpired:  # stopping is not what this test is about
            os.killpg(proc.pid, 9)
            proc.wait(10)
