"""The per-request chain's pieces, in process: request ids, the JSON writer, batched latency writes."""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import Any

from prometheus_client import CollectorRegistry, Histogram

from bot.app import dumps
from bot.web import edge, metrics


def test_request_ids_are_distinct_32_hex_and_differ_after_fork() -> None:
    ids = {edge.new_request_id() for _ in range(10_000)}
    assert len(ids) == 10_000 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a forked worker draws its own prefix: its ids never repeat the parent's
        os.write(w, edge.new_request_id().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(r, 64).decode()
    assert child not in ids and child[:16] != next(iter(ids))[:16]


def test_dumps_writes_what_the_standard_library_wrote() -> None:
    samples = [{"error": "already_helped", "message": "你已经帮过了"}, {"a": [1, 2**62, None, True, False, 1.5]},
               {"url": "https://x/y?z=</script>", "n": -3}, {"nested": {"k": ["中文", "\u2028"]}}, [], {}]
    for obj in samples:
        assert json.loads(dumps(obj)) == obj
        assert dumps(obj) == json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    assert dumps({"big": 2**70}) == '{"big":1180591620717411303424}'  # past 64 bits: the standard library


def test_batched_latencies_equal_one_observe_each() -> None:
    reg = CollectorRegistry()
    h = Histogram("t", "t", ["k"], buckets=metrics.LATENCY_BUCKETS_S, registry=reg)
    rng = random.Random(3)
    values = [rng.choice([0.005, 0.1, 10.0]) if i % 7 == 0 else rng.expovariate(20) for i in range(500)] + [99.0]
    for v in values:
        h.labels("one").observe(v)
    metrics._observe_many(h.labels("many"), values)
    got = {(s.name, s.labels.get("le"), s.labels["k"]): s.value for s in next(iter(reg.collect())).samples
           if s.name != "t_created"}
    ones = {(name, le): v for (name, le, k), v in got.items() if k == "one"}
    assert len(ones) == len(metrics.LATENCY_BUCKETS_S) + 3  # every bucket, +Inf, _count, _sum
    for (name, le), value in ones.items():
        assert abs(got[(name, le, "many")] - value) < 1e-9, (name, le)


def test_pending_counts_are_written_within_one_loop_pass() -> None:
    m = metrics.metrics()

    def count() -> float:
        return m.child(m.requests, "edge_test", "GET", "200")._value.get()

    before = count()

    async def two_requests() -> tuple[float, float]:
        metrics._pending.add("edge_test", "GET", 200, 0.01)
        metrics._pending.add("edge_test", "GET", 200, None)
        during = count()
        await asyncio.sleep(0)  # the loop's next pass
        return during, count()

    during, after = asyncio.run(two_requests())
    assert (during, after) == (before, before + 2)
    metrics._pending.add("edge_test", "GET", 200, None)  # no loop running: written at once
    assert count() == before + 3


def test_head_and_options_routes_exist_before_any_worker_starts() -> None:
    """Added while the app is built (so forked workers inherit them), not in every worker at start:
    each GET route has its HEAD twin on the same path, every path answers OPTIONS."""
    import uuid

    from main import build_app
    from tests.support.config import make_settings

    app = build_app(make_settings(), name="edge" + uuid.uuid4().hex[:8])
    by_name = {r.name: r for r in app.router.routes}
    gets = [r for r in app.router.routes if r.methods == {"GET"}]  # static files answer HEAD themselves
    assert len(gets) > 40
    for route in gets:
        twin = by_name.get(route.name + "_head")
        assert twin is not None and twin.methods == {"HEAD"} and twin.path == route.path, route.name
    paths = {r.path for r in app.router.routes}
    with_options = {r.path for r in app.router.routes if "OPTIONS" in r.methods}
    assert paths == with_options


def test_head_and_options_answer_as_before(local_app: Any) -> None:
    client, _ = local_app()
    _, head = client.head("/healthz")
    _, get = client.get("/healthz")
    assert head.status == 200 and head.body == b"" and head.headers["content-length"] == get.headers["content-length"]
    _, opts = client.options("/healthz")
    assert opts.status == 204 and set(opts.headers["allow"].split(",")) == {"GET", "HEAD", "OPTIONS"}
    _, opts = client.options("/api/share/abc/help")
    assert opts.status == 204 and set(opts.headers["allow"].split(",")) == {"POST", "OPTIONS"}
