"""One validated settings object: every problem listed at boot, secrets from the environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import SettingsError, load_settings
from tests.support.config import ROOT, make_config

API_KEYS = {
    "server": "host port workers public_url secret_key", "database": "url", "redis": "url",
    "wechat": "appid secret token encoding_aes_key api_base oauth_base templates",
    "wecom": "corpid agentid secret token encoding_aes_key api_base admins",
    "orders": "secret amqp_url queue", "payments": "secret", "admin": "token", "campaign": "timezone launch_date",
    "redpacket": "leverage min_amount max_amount max_ratio ttl_seconds daily_help_limit daily_same_owner_limit "
                 "old_user_range new_user_range",
}


def test_embedded_default_has_every_contract_key() -> None:
    raw = yaml.safe_load((Path(ROOT) / "config.yaml").read_text())
    missing = [f"{s}.{k}" for s, keys in API_KEYS.items() for k in keys.split() if k not in (raw.get(s) or {})]
    assert missing == []
    s = load_settings(Path(ROOT) / "config.yaml", environ={})
    assert s.database.url.startswith("sqlite://") and s.redis.url == "memory://"
    assert s.wechat.api_base == "https://api.weixin.qq.com" and s.wecom.api_base == "https://qyapi.weixin.qq.com"


def test_every_problem_is_listed(tmp_path: Path) -> None:
    cfg = make_config(server={"port": 70000, "secret_key": "short"}, redpacket={"old_user_range": [20, 10],
                      "max_ratio": 2}, campaign={"timezone": "Mars/Olympus"}, database={"url": "oracle://x"})
    del cfg["wechat"]["appid"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg))
    with pytest.raises(SettingsError) as e:
        load_settings(path, environ={})
    text = str(e.value)
    for where in ("server.port", "server.secret_key", "redpacket.max_ratio", "campaign.timezone",
                  "database.url", "wechat.appid", "old_user_range"):
        assert where in text, (where, text)


def test_environment_overrides_secrets(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(make_config()))
    s = load_settings(path, environ={"FISSION__WECHAT__SECRET": "from-env", "FISSION__SERVER__WORKERS": "3",
                                     "FISSION__REDPACKET__NEW_USER_RANGE": "[40, 90]", "UNRELATED": "x"})
    assert (s.wechat.secret, s.server.workers, s.redpacket.new_user_range) == ("from-env", 3, (40, 90))


def test_cli_refuses_a_bad_config_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("server: {port: nope}\n")
    r = subprocess.run([sys.executable, "main.py", "serve", "--config", str(path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "server.port" in r.stderr and "wechat" in r.stderr and "admin" in r.stderr
    ok = subprocess.run([sys.executable, "main.py", "check-config"], cwd=ROOT, capture_output=True, text=True,
                        timeout=60)
    assert ok.returncode == 0, ok.stderr
