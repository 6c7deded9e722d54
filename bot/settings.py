"""One validated settings object, loaded once at start.

`load_settings(path)` reads config.yaml, overlays environment variables
(`FISSION__SECTION__KEY=value`, e.g. `FISSION__WECHAT__SECRET`), validates
everything at once and raises `SettingsError` listing every problem.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.infra import devmode
from bot.jobs.subscribe_settings import SubscribeSettings

ENV_PREFIX = "FISSION__"
REDIS_SCHEMES = ("memory://", "redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://",
                 "redis+sentinel://")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    log_format: Literal["json", "text"] = "json"  # json: one object per line with the request id (bot/infra/logs.py)
    log_dir: str | None = None  # also append the log to <log_dir>/fission.log (a full/read-only disk drops lines)
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    # connections the kernel queues before a worker accepts them; Sanic's own default (100) overflowed
    # when 200 clients connected at once, and a dropped SYN is retried only after a second
    backlog: int = Field(1024, ge=16, le=65535)
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str = Field(min_length=16)
    max_body_bytes: int = Field(1_048_576, ge=1024)
    session_ttl_s: int = Field(30 * 86400, ge=60)
    access_log: bool = False
    proxies_count: int = Field(0, ge=0, le=10)  # trusted proxies in front (nginx: 1) for the client IP
    # the request deadline: a handler still running after this is cancelled and answered 503 unavailable
    response_timeout_s: float = Field(60.0, gt=0, le=3600)
    graceful_shutdown_s: float = Field(15.0, gt=0, le=300)  # drain in-flight requests this long on SIGTERM
    shutdown_delay_s: float = Field(0.5, ge=0, le=60)  # on SIGTERM keep accepting this long, /readyz 503
    # Bearer token for /metrics and /docs (bot/web/internal.py); empty: both open, as on a private network
    internal_token: str = ""
    dev_mode: bool = False  # true: the shipped secrets are accepted, loopback only (bot/infra/devmode.py)

    @field_validator("internal_token")
    @classmethod
    def _long_token(cls, v: str) -> str:
        if v and len(v) < 16:  # noqa: PLR2004
            raise ValueError("must be empty or at least 16 characters")
        return v

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")


class DatabaseSettings(_Section):
    url: str = "sqlite://data/fission.sqlite3"
    pool_max: int = Field(10, ge=1, le=200)
    # a database that does not answer a connect or a query this fast counts as away (503, not a hang)
    connect_timeout_s: float = Field(5.0, gt=0, le=300)
    command_timeout_s: float = Field(30.0, gt=0, le=3600)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        if not v.startswith(("sqlite://", "postgres://", "postgresql://", "mysql://")):
            raise ValueError("must be sqlite://PATH, postgres://… or mysql://…")
        return v

    @property
    def dialect(self) -> str:
        return self.url.split("://", 1)[0].replace("postgresql", "postgres")


class RedisSettings(_Section):
    url: str = "memory://"
    prefix: str = "fx"
    max_connections: int = Field(256, ge=1, le=10000)  # per worker process
    pool_timeout_s: float = Field(2.0, gt=0)
    connect_timeout_s: float = Field(0.5, gt=0)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        if not v.startswith(REDIS_SCHEMES):
            raise ValueError("must be memory://, redis://, redis+cluster://h:p[,…] or redis+sentinel://h:p[,…]/MASTER")
        return v


class TemplateIds(_Section):
    helped: str = ""
    split_out: str = ""
    expiring: str = ""
    issued: str = ""
    expired: str = ""  # optional: the expired notice falls back to `expiring` when unset
    invalidated: str = ""  # optional: the invalidated notice falls back to `expiring` when unset
    prize_won: str = ""  # optional: a lottery win; unset = the win is not notified (skipped, not dead)


class WechatSettings(_Section):
    appid: str
    secret: str
    token: str
    encoding_aes_key: str = ""
    # the Official Account's 消息加解密方式: `safe` accepts encrypted POSTs only (a plain one is refused
    # 403: its signature does not cover the body), `compat` both, `plain` plain ones only
    mode: Literal["safe", "compat", "plain"] = "compat"
    api_base: str = "https://api.weixin.qq.com"
    oauth_base: str = "https://open.weixin.qq.com"
    templates: TemplateIds = TemplateIds()
    subscribe: SubscribeSettings = SubscribeSettings()  # subscribe messages (bot/jobs/subscribe_settings.py)
    timeout_s: float = Field(5.0, gt=0)
    reply_deadline_s: float = Field(4.0, gt=0, le=4.5)  # passive reply budget; WeChat waits 5 s

    @field_validator("api_base", "oauth_base")
    @classmethod
    def _no_slash(cls, v: str) -> str:
        return v.rstrip("/")

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_len(cls, v: str) -> str:
        if v and len(v) != 43:
            raise ValueError("must be 43 characters (WeChat EncodingAESKey)")
        return v

    @model_validator(mode="after")
    def _safe_needs_key(self) -> WechatSettings:
        if self.mode == "safe" and not self.encoding_aes_key:
            raise ValueError("mode safe needs encoding_aes_key")
        return self


class WecomSettings(_Section):
    corpid: str
    agentid: int
    secret: str
    token: str
    encoding_aes_key: str = ""
    api_base: str = "https://qyapi.weixin.qq.com"
    oauth_base: str = "https://open.weixin.qq.com"  # the admin page's sign-in (OAuth2 authorize of the WeCom app)
    # userid -> viewer | operator | owner; a plain list of userids still means operators
    admins: list[str] | dict[str, Literal["viewer", "operator", "owner"]] = []

    @field_validator("api_base", "oauth_base")
    @classmethod
    def _no_slash(cls, v: str) -> str:
        return v.rstrip("/")

    def role_of(self, userid: str) -> str | None:
        """The admin role of a WeCom userid (None: not an admin)."""
        if isinstance(self.admins, dict):
            return self.admins.get(userid)
        return "operator" if userid in self.admins else None


class OrdersSettings(_Section):
    secret: str = Field(min_length=8)
    amqp_url: str | None = None
    queue: str = "orders"
    amqp_prefetch: int = Field(16, ge=1, le=1000)
    amqp_max_failures: int = Field(5, ge=1, le=100)  # a message failing this many times is dead-lettered
    amqp_retry_delay_s: float = Field(1.0, ge=0)
    amqp_reconnect_s: float = Field(2.0, gt=0)
    # every RabbitMQ event carries the webhook's signature of its body in the `x-fission-signature`
    # header; unsigned or forged ones are dead-lettered. false: accept unsigned events (a broker only
    # trusted publishers can reach, during a migration)
    amqp_require_signature: bool = True


class PaymentsSettings(_Section):
    secret: str = Field(min_length=8)
    # the secret path segment of POST /api/payments/notify/{notify_token}, for gateways that cannot
    # sign; empty = that route is off (404)
    notify_token: str = ""
    allow_from: list[str] = []  # CIDRs the notifications may come from (client address per proxies_count); [] = any

    @field_validator("notify_token")
    @classmethod
    def _token(cls, v: str) -> str:
        if v and (len(v) < 24 or not v.isascii() or not all(c.isalnum() or c in "-_~." for c in v)):
            raise ValueError("must be empty (off) or at least 24 URL-safe characters (letters, digits, -_.~)")
        return v

    @field_validator("allow_from")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        return [str(ipaddress.ip_network(net, strict=False)) for net in v]  # ValueError names a bad one


class AdminSettings(_Section):
    token: str = Field(min_length=12)


class CampaignSettings(_Section):
    timezone: str = "Asia/Shanghai"
    launch_date: dt.date = dt.date(2026, 1, 1)
    # hard budgets on what is credited (owner + helper, minus reversals), fen; 0 = none
    daily_budget_fen: int = Field(0, ge=0, le=2**62)
    total_budget_fen: int = Field(0, ge=0, le=2**62)
    # how long a process trusts its read of the live settings (pause, budgets, redpacket tunables:
    # handlers/redpacket/live.py); a change reaches every process within this. The budgets here and
    # the live `redpacket.*` keys are version 1 of the live settings, read once (docs/operations.md)
    controls_cache_s: float = Field(0.5, ge=0, le=60)

    @field_validator("timezone")
    @classmethod
    def _tz_exists(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown timezone {v!r}") from e
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class RedPacketSettings(_Section):
    leverage: int = Field(2, ge=1)
    min_amount: int = Field(10, ge=1)
    max_amount: int = Field(5000, ge=1)
    max_ratio: float = Field(0.5, gt=0, le=1)
    ttl_seconds: int = Field(4 * 3600, ge=1, le=366 * 86400)  # a packet's life; over a year is a typo
    daily_help_limit: int = Field(1, ge=1, le=100)
    daily_same_owner_limit: int = Field(1, ge=1, le=100)
    old_user_range: tuple[int, int] = (10, 15)
    new_user_range: tuple[int, int] = (30, 80)
    sweep_interval_s: float = Field(30.0, gt=0)
    batch_max: int = Field(256, ge=1, le=5000)

    @field_validator("old_user_range", "new_user_range")
    @classmethod
    def _range(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= v[0] <= v[1]:
            raise ValueError("must be [lo, hi] with 1 <= lo <= hi")
        return v

    @model_validator(mode="after")
    def _amounts(self) -> RedPacketSettings:
        if self.min_amount > self.max_amount:
            raise ValueError("min_amount must not exceed max_amount")
        return self


class OutboxSettings(_Section):
    """Delivery of the outbox (bot/jobs/worker.py) and the notification scheduler (bot/jobs/scheduler.py)."""

    run_in_server: bool = True  # every `serve` worker delivers too; claims keep that safe
    batch_size: int = Field(20, ge=1, le=500)
    concurrency: int = Field(4, ge=1, le=100)  # sends in flight per worker process
    lease_s: float = Field(60.0, gt=0)  # a claim older than this is handed to another worker
    max_attempts: int = Field(8, ge=1, le=100)
    backoff_base_s: float = Field(5.0, ge=0)
    backoff_max_s: float = Field(900.0, ge=0)
    poll_interval_s: float = Field(1.0, gt=0)
    expiring_before_s: int = Field(1800, ge=60)
    scheduler_interval_s: float = Field(30.0, gt=0)
    drain_s: float = Field(5.0, ge=0)  # on stop: wait this long for sends in flight, then release their claims
    # an outage of WeChat's API (bot/jobs/outage.py): after this many retryable failures in a row a channel
    # pauses (doubling from base to max) instead of burning every message's attempts; one alert per outage
    outage_threshold: int = Field(5, ge=1, le=1000)
    outage_pause_base_s: float = Field(5.0, gt=0)
    outage_pause_max_s: float = Field(60.0, gt=0)
    max_sends_per_s: float = Field(50.0, ge=0)  # per process; a backlog drains no faster (0: unlimited)


class AlertSettings(_Section):
    """WeCom admin alerts (handlers/admin/alerts.py); a zero budget or threshold turns that alert off."""

    check_interval_s: float = Field(60.0, gt=0)
    # alert-only budgets of older configs; `campaign.*_budget_fen` (hard budgets) win when set
    daily_budget_fen: int = Field(0, ge=0)
    total_budget_fen: int = Field(0, ge=0)
    budget_thresholds: list[float] = [0.8, 1.0]
    abuse_window_s: int = Field(600, ge=10)
    abuse_new_accounts: int = Field(20, ge=0)
    new_account_age_s: int = Field(86400, ge=1)
    error_window_s: int = Field(300, ge=10)
    error_threshold: int = Field(20, ge=0)
    consumer_window_s: int = Field(600, ge=10)
    outage_window_s: int = Field(3600, ge=10)  # at most one "WeChat API unreachable" alert per channel per window


class Limit(_Section):  # `limit` requests per `window_s` (a window opened by the first one); 0 = off
    limit: int = Field(ge=0)
    window_s: int = Field(60, ge=1, le=86400)


class RouteLimits(_Section):
    per_ip: Limit
    per_user: Limit | None = None  # the session's user (help, draw) or the sender's openid (callbacks)


class RateLimitSettings(_Section):
    # bot/infra/ratelimit.py. Per-IP defaults allow for carrier NAT (many phones, one IP)
    enabled: bool = True
    exempt_networks: list[str] = []  # e.g. ["10.0.0.0/8"] for internal monitors; never limited
    redis_timeout_s: float = Field(0.25, gt=0, le=5)  # slower than this counts as Redis down: fail open
    help: RouteLimits = RouteLimits(per_ip=Limit(limit=6000), per_user=Limit(limit=60))
    draw: RouteLimits = RouteLimits(per_ip=Limit(limit=6000), per_user=Limit(limit=300))
    oauth: RouteLimits = RouteLimits(per_ip=Limit(limit=1200))
    callbacks: RouteLimits = RouteLimits(per_ip=Limit(limit=60000), per_user=Limit(limit=300))
    # the admin API (/admin/api/*): per client IP whatever the token (guessing), per admin token
    # (`per_user`: the right token, from every IP together: a leaked token or a runaway script)
    admin: RouteLimits = RouteLimits(per_ip=Limit(limit=600), per_user=Limit(limit=1200))
    poster: RouteLimits = RouteLimits(per_ip=Limit(limit=600))  # poster cache misses (a DB read, maybe a render)

    @field_validator("exempt_networks")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        return [str(ipaddress.ip_network(net, strict=False)) for net in v]  # ValueError names a bad one


class ImagesSettings(_Section):
    """Poster images (avatars, goods thumbnails) are fetched only from public addresses
    (bot/infra/netguard.py); a host listed here (e.g. an internal CDN) may resolve to any address."""

    allow_hosts: list[str] = []


class Settings(_Section):
    server: ServerSettings
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    wechat: WechatSettings
    wecom: WecomSettings
    orders: OrdersSettings
    payments: PaymentsSettings
    admin: AdminSettings
    campaign: CampaignSettings = CampaignSettings()
    redpacket: RedPacketSettings = RedPacketSettings()
    outbox: OutboxSettings = OutboxSettings()
    alerts: AlertSettings = AlertSettings()
    ratelimit: RateLimitSettings = RateLimitSettings()
    images: ImagesSettings = ImagesSettings()


class SettingsError(Exception):
    """A config file that cannot run; `problems` lists every one of them."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid configuration in {source}:\n{lines}")


def _overlay_env(raw: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    """Apply FISSION__SECTION__KEY[__SUB] variables on top of the file (secrets live there)."""
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX):].split("__") if p]
        node = raw
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else {}
        if path:
            node[path[-1]] = yaml.safe_load(value) if value else value
    return raw


def load_settings(path: str | os.PathLike[str], environ: dict[str, str] | None = None) -> Settings:
    """Read, overlay the environment, validate. Raises SettingsError naming every problem."""
    source = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise SettingsError(source, [f"cannot read: {e}"]) from e
    if not isinstance(raw, dict):
        raise SettingsError(source, ["top level must be a mapping"])
    raw = _overlay_env(raw, dict(os.environ if environ is None else environ))
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as e:
        problems = [f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors()]
        raise SettingsError(source, problems) from e
    refused = devmode.problems(settings)
    if refused:
        raise SettingsError(source, refused)
    return settings
