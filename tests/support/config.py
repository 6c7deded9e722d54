"""The test configuration every service and app in the suite starts from (config.yaml's shape)."""

from __future__ import annotations

import copy
import os
from typing import Any

from bot.settings import Settings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BASE_CONFIG: dict[str, Any] = {
    "server": {"host": "127.0.0.1", "port": 8000, "workers": 1, "public_url": "http://127.0.0.1:8000",
               "secret_key": "test-secret-key-0123456789abcdef"},
    "database": {"url": "sqlite://:memory:"},
    "redis": {"url": "memory://", "prefix": "fxt"},
    "wechat": {"appid": "wxtest0000000001", "secret": "wxsecret", "token": "testtoken",
               "encoding_aes_key": "Zmlzc2lvbi10ZXN0cy1tcC1hZXMta2V5LTMyLWJ5dGU",
               "api_base": "http://127.0.0.1:1", "oauth_base": "http://127.0.0.1:1",
               "templates": {"helped": "T_HELPED", "split_out": "T_SPLIT", "expiring": "T_EXP", "issued": "T_ISSUED",
                             "prize_won": "T_PRIZE"}},
    "wecom": {"corpid": "wwtest0000000001", "agentid": 1000005, "secret": "wwsecret", "token": "testtoken",
              "encoding_aes_key": "Zmlzc2lvbi10ZXN0cy13b3JrLWFlcy1rZXktMzJieXQ", "api_base": "http://127.0.0.1:1",
              "admins": ["boss"]},
    "orders": {"secret": "order-secret-test", "amqp_url": None, "queue": "orders"},
    "payments": {"secret": "pay-secret-test"},
    "admin": {"token": "admin-token-test"},
    "campaign": {"timezone": "Asia/Shanghai", "launch_date": "2026-01-01"},
    "redpacket": {},
    "images": {"allow_hosts": ["127.0.0.1"]},  # the fake WeChat and the tests' image servers are on loopback
}


def make_config(**sections: dict[str, Any]) -> dict[str, Any]:
    cfg = copy.deepcopy(BASE_CONFIG)
    for name, values in sections.items():
        cfg.setdefault(name, {}).update(values)
    return cfg


def make_settings(**sections: dict[str, Any]) -> Settings:
    return Settings.model_validate(make_config(**sections))
