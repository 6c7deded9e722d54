"""Prometheus metrics at `/metrics` (prometheus-client), correct with several Sanic workers.

`python main.py serve` points `PROMETHEUS_MULTIPROC_DIR` at a fresh directory before any worker
starts (`prepare_multiprocess_dir`); each worker then writes its counters to its own mmap files
there and a scrape — answered by any worker — sums every worker through `MultiProcessCollector`.
Without that variable (tests, the demo) the counters live in this process only.

What is counted, and where:
- requests and latency by route *name* (never the raw path: bounded label values) — middleware;
- helps accepted / refused by reason, draws by result — the same middleware, from the answers of
  the routes declaring `ctx_metric="helps"` / `"draws"` (bot/web/policy.py) (`request.ctx.refusal`,
  the error code or the prize kind);
- outbox deliveries by kind and outcome — bot/jobs/worker.py;
- WeChat / WeCom callback deliveries by door and outcome (a reply, nothing to say, answered late,
  a duplicate, over a rate limit) — bot/wechat/callbacks.py;
- access-token / ticket refreshes and WeChat / WeCom API errors by errcode — bot/wechat/gateway.py;
- outbox backlog, dead letters and prize / coupon stock — gauges read from the database when
  scraped, cached for SNAPSHOT_TTL_S per process so a burst of scrapes costs one set of queries.

Metric objects are made on first use, after main.py has set the directory, so a process that
imported this module earlier still writes where the scrape reads.
"""

from __future__ import annotations

import asyncio
import atexit
import bisect
import glob
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import BaseHTTPResponse, HTTPResponse, raw

from bot.web.policy import policy_of

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SNAPSHOT_TTL_S = 5.0
LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

log = logging.getLogger(__name__)

bp = Blueprint("metrics")


def prepare_multiprocess_dir(environ: Any = os.environ) -> str:
    """Before workers start: the operator's PROMETHEUS_MULTIPROC_DIR emptied of old files, or a
    fresh temporary directory. Counters of a previous deployment never leak into this one."""
    path = environ.get(MULTIPROC_ENV)
    if path:
        os.makedirs(path, exist_ok=True)
        for old in glob.glob(os.path.join(path, "*.db")):
            os.remove(old)
    else:
        path = tempfile.mkdtemp(prefix="fission-metrics-")
        environ[MULTIPROC_ENV] = path
        atexit.register(shutil.rmtree, path, ignore_errors=True)  # ours alone: gone with the deployment
    return str(path)


@dataclass
class Metrics:
    registry: Any
    requests: Any
    latency: Any
    helps: Any
    draws: Any
    token_refreshes: Any
    wechat_errors: Any
    outbox_deliveries: Any
    callbacks: Any
    children: dict[tuple[int, tuple[str, ...]], Any] = field(default_factory=dict)

    def child(self, metric: Any, *labels: str) -> Any:
        """`metric.labels(*labels)`, kept: prometheus_client validates the values and takes a lock
        on every `labels` call (the HTTP middleware's metrics were ~9% of a worker's samples)."""
        key = (id(metric), labels)
        found = self.children.get(key)
        if found is None:
            found = self.children[key] = metric.labels(*labels)
        return found


@dataclass
class _Snapshot:
    at: float = 0.0
    text: bytes = b""
    lock: asyncio.Lock | None = None


_metrics: Metrics | None = None
_snapshot = _Snapshot()


def metrics() -> Metrics:
    """This process's metric objects, made on first use."""
    global _metrics
    if _metrics is None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        reg = CollectorRegistry()
        _metrics = Metrics(
            registry=reg,
            requests=Counter("fission_http_requests", "HTTP requests by route name, method and status",
                             ["route", "method", "status"], registry=reg),
            latency=Histogram("fission_http_request_duration_seconds", "Time from routing to response",
                              ["route", "method"], buckets=LATENCY_BUCKETS_S, registry=reg),
            helps=Counter("fission_helps", "Help attempts: accepted, or refused with the reason code",
                          ["result", "reason"], registry=reg),
            draws=Counter("fission_draws", "Lottery draws by result (prize kind, none, or refusal code)",
                          ["result"], registry=reg),
            token_refreshes=Counter("fission_wechat_token_refreshes", "Access token / ticket fetches",
                                    ["api", "outcome"], registry=reg),
            wechat_errors=Counter("fission_wechat_api_errors", "WeChat / WeCom API failures by errcode",
                                  ["api", "errcode"], registry=reg),
            outbox_deliveries=Counter("fission_outbox_deliveries", "Outbox delivery outcomes",
                                      ["kind", "outcome"], registry=reg),
            callbacks=Counter("fission_wechat_callbacks", "Callback deliveries by door (mp, work) and outcome",
                              ["door", "outcome"], registry=reg))
    return _metrics


# ---- counters called from the code that does the work ------------------------------------------


def token_refreshed(api: str, ok: bool) -> None:
    metrics().token_refreshes.labels(api, "ok" if ok else "error").inc()


def wechat_error(api: str, errcode: int) -> None:
    metrics().wechat_errors.labels(api, str(int(errcode))).inc()


def outbox_delivered(kind: str, outcome: str) -> None:
    metrics().outbox_deliveries.labels(kind, outcome).inc()


def callback_answered(door: str, outcome: str) -> None:
    m = metrics()
    m.child(m.callbacks, door, outcome).inc()


# ---- HTTP middleware ---------------------------------------------------------------------------


def route_label(request: Request) -> str:
    """The route's name without the app prefix ("share.help_split"); "unmatched" for a 404."""
    return policy_of(request).label


def _error_code(response: BaseHTTPResponse) -> str:
    try:
        return str(json.loads(response.body or b"{}").get("error") or response.status)
    except (ValueError, AttributeError):
        return str(response.status)


def _count_outcome(m: Metrics, request: Request, metric: str, response: BaseHTTPResponse) -> None:
    """Helps and draws (the route's `ctx_metric`), told from the answer the client got."""
    if metric == "helps":
        if response.status == 200:
            m.child(m.helps, "accepted", "").inc()
        else:
            m.child(m.helps, "refused", getattr(request.ctx, "refusal", None) or _error_code(response)).inc()
    elif metric == "draws":
        if response.status != 200:
            m.child(m.draws, _error_code(response)).inc()
            return
        m.child(m.draws, getattr(request.ctx, "draw_result", None) or _drawn_kind(response)).inc()


def _drawn_kind(response: BaseHTTPResponse) -> str:
    """The prize kind of a draw's answer, or "none" (when the route did not say, `draw_result`)."""
    try:
        prize = json.loads(response.body or b"{}").get("prize")
    except ValueError:
        prize = None
    return str(prize.get("kind", "prize")) if isinstance(prize, dict) else "none"


def observe(request: Request, response: BaseHTTPResponse | None) -> None:
    """Count an answered request (bot/web/edge.py's response middleware); its latency is measured
    from `request.ctx.metrics_t0`, set when the request middleware ran."""
    if response is None:
        return
    policy = policy_of(request)
    t0 = getattr(request.ctx, "metrics_t0", None)
    _pending.add(policy.label, request.method, response.status, None if t0 is None else time.perf_counter() - t0)
    if policy.metric is not None:
        _count_outcome(metrics(), request, policy.metric, response)


class _Pending:
    """Request counts and latencies not yet written to this process's metric files.

    Each write to a multiprocess metric takes a lock, checks the pid and packs into the mmap; a
    request cost three (its count, the latency's sum and bucket). Requests answered in one pass of
    the event loop are written together when that pass ends (`call_soon`): one write per label set
    and bucket, and every count is in the files a few microseconds after its answer was sent."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, int], int] = {}
        self.latencies: dict[tuple[str, str], list[float]] = {}
        self.scheduled = False

    def add(self, route: str, method: str, status: int, seconds: float | None) -> None:
        key = (route, method, status)
        self.counts[key] = self.counts.get(key, 0) + 1
        if seconds is not None:
            self.latencies.setdefault((route, method), []).append(seconds)
        if not self.scheduled:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
                self.scheduled = True
            except RuntimeError:  # no loop running (a synchronous caller): write now
                self.flush()

    def flush(self) -> None:
        self.scheduled = False
        counts, latencies = self.counts, self.latencies
        self.counts, self.latencies = {}, {}
        m = metrics()
        for (route, method, status), n in counts.items():
            m.child(m.requests, route, method, str(status)).inc(n)
        for (route, method), values in latencies.items():
            _observe_many(m.child(m.latency, route, method), values)


def _observe_many(child: Any, values: list[float]) -> None:
    """`child.observe(v)` for every v, as one write of the sum and one per bucket touched.
    prometheus_client has no batch observe; this uses its Histogram child's `_sum`, `_buckets` and
    `_upper_bounds` (pinned version; tests/test_metrics.py reads the result back through a scrape)."""
    per_bucket: dict[int, int] = {}
    for v in values:
        i = bisect.bisect_left(child._upper_bounds, v)  # the first bound >= v, as observe() picks
        per_bucket[i] = per_bucket.get(i, 0) + 1
    child._sum.inc(sum(values))
    for i, n in per_bucket.items():
        child._buckets[i].inc(n)


_pending = _Pending()


def install(app: Sanic) -> None:
    """The /metrics route (call in create_app; the per-request counting is bot/web/edge.py's)."""
    app.blueprint(bp)


# ---- exposition --------------------------------------------------------------------------------


def counters_text() -> bytes:
    """Every worker's counters (multiprocess mode) or this process's."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    path = os.environ.get(MULTIPROC_ENV)
    if not path:
        return bytes(generate_latest(metrics().registry))
    reg = CollectorRegistry()
    MultiProcessCollector(reg, path=path)
    return bytes(generate_latest(reg))


async def snapshot_text(feature_gauges: Any = ()) -> bytes:
    """The database gauges, from a cache of at most SNAPSHOT_TTL_S; one refresh at a time."""
    from bot.web import metrics_db

    if _snapshot.lock is None:
        _snapshot.lock = asyncio.Lock()
    async with _snapshot.lock:
        if time.monotonic() - _snapshot.at >= SNAPSHOT_TTL_S:
            _snapshot.text = await metrics_db.gauges_text(feature_gauges)
            _snapshot.at = time.monotonic()
        return _snapshot.text


@bp.get("/metrics", ctx_sessionless=True)
async def scrape(request: Request) -> HTTPResponse:
    """Prometheus text exposition: counters of every worker plus database gauges."""
    counters = await asyncio.to_thread(counters_text)
    try:
        gauges = await snapshot_text(getattr(request.app.ctx, "gauges", ()))
    except Exception as e:  # the database is away: counters still answer; /readyz tells the rest
        log.warning("metrics: database gauges unavailable: %r", e)
        gauges = b"# HELP fission_db_gauges_up 1 when the database gauges could be read\n" \
                 b"# TYPE fission_db_gauges_up gauge\nfission_db_gauges_up 0.0\n"
    return raw(counters + gauges, content_type=CONTENT_TYPE)
