"""Share-poster benchmark: cold render cost and cached serving rate.

    .venv/bin/python bench/poster.py [--n 20] [--seconds 5] [--connections 64] [--workers 2] [--rounds 3]

1. Cold render per poster (pure `render`, a new packet each time) beside a bare PNG encode of the
   same canvas — target <= 4x (figures from bench/poster_render.py).
2. Cold poster *request* through the service: a new packet each time, so the route reads the
   packet, fetches avatar and thumbnail (fake WeChat on loopback), renders in a thread, stores.
3. One running service (`python main.py serve` on PostgreSQL + Redis, `--workers` processes),
   measured with wrk in the same run: `/healthz`, the cached poster (200 with the PNG from Redis)
   and its revalidation (`If-None-Match` → 304). Target: cached poster >= 50% of /healthz req/s.
   The requests for one poster that are in flight together share one Redis read (handlers/redpacket/poster.py
   `Posters._get`), so one hot poster is the best case; for the other end the same run also
   measures cached posters spread over `--spread` packets, taken in turn (each request a different
   poster from the last, their 1-second `current` entries lapsing and refreshed from the database).
Prints figures only; wrk and the service share this machine's cores.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import poster_render  # noqa: E402  (bench/poster_render.py)
from wrkhelp import WrkResult, run_plain, run_requests  # noqa: E402

from tests.support import fakewx  # noqa: E402
from tests.support.service import Service, login  # noqa: E402

TARGET_RENDER_RATIO = 4.0
TARGET_CACHED_SHARE = 0.5
REDIS_DB = 9


def wrk_with_header(url: str, header: str, seconds: int, connections: int, threads: int = 2) -> WrkResult:
    """wrk against one URL with one extra request header (for If-None-Match)."""
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "-H", header, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    bad = int(non2xx.group(1)) if non2xx else 0
    return WrkResult(total, total / rps, total - bad, bad, 0, p50, p99, 0)


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group(0)), re.sub(r"[\d.]+", "", text)  # type: ignore[union-attr]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def render_figures(n: int) -> None:
    print("== 1. cold render (pure, in this process) ==")
    poster_render.main(n)


def new_poster_url(svc: Service, fake: fakewx.FakeWeChat, i: int) -> str:
    """A fresh shared packet with a real avatar and thumbnail; its poster URL."""
    owner = f"o-bench-{i}-{time.time_ns()}"
    packet = svc.order_event(openid=owner, goods_thumbnail_url=f"{fake.url}/thumb/{i}.png",
                             goods_name=f"【官方旗舰店】华为平板电脑 MatePad 11.5英寸 第{i}号").json()["packet"]
    phone = login(svc.base, owner)
    token = phone.post(f"/api/packets/{packet['id']}/share").json()["share_token"]
    phone.close()
    return f"{svc.base}/api/share/{token}/poster.png"


def cold_requests(svc: Service, fake: fakewx.FakeWeChat, n: int) -> str:
    """Median latency of a poster's first request; returns one (now cached) poster URL."""
    urls = [new_poster_url(svc, fake, i) for i in range(n)]
    took = []
    for url in urls:
        start = time.perf_counter()
        r = httpx.get(url, timeout=30)
        took.append(time.perf_counter() - start)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png", r.text
    print("== 2. cold poster request through the service ==")
    print(f"first request per poster, median of {n}:  {statistics.median(took) * 1000:8.1f} ms "
          f"(max {max(took) * 1000:.1f} ms)")
    return urls[-1]


def _line(name: str, r: WrkResult) -> str:
    return f"{name:<34} {r.rps:9.0f} req/s   p50 {r.p50_ms:6.2f} ms   p99 {r.p99_ms:6.2f} ms"


def spread_urls(svc: Service, fake: fakewx.FakeWeChat, n: int) -> list[str]:
    """`n` more shared packets whose posters have been rendered once (cached, not yet requested again)."""
    urls = [new_poster_url(svc, fake, 1000 + i) for i in range(n)]
    for url in urls:
        assert httpx.get(url, timeout=30).status_code == 200
    return [url.removeprefix(svc.base) for url in urls]


def spread_run(svc: Service, paths: list[str], seconds: int, connections: int) -> WrkResult:
    """Cached posters taken in turn over `paths`, about as many requests as the cached run made."""
    count = max(4000, seconds * 2000)
    reqs = [("GET", paths[i % len(paths)], "") for i in range(count + 2 * connections)]
    return run_requests(svc.base, reqs, count, connections=connections, timeout_s=120)


def serving_figures(svc: Service, url: str, spread: list[str], seconds: int, connections: int,  # noqa: PLR0913, PLR0917
                    rounds: int) -> None:
    """wrk on /healthz, the cached poster and its revalidation, interleaved `rounds` times (this
    machine is shared, so each figure is the median of its rounds, taken side by side)."""
    first = httpx.get(url, timeout=30)
    etag, size = first.headers["etag"], len(first.content)
    assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
    runs: dict[str, list[WrkResult]] = {"health": [], "cached": [], "revalidated": [], "spread": []}
    for _ in range(rounds):
        runs["health"].append(run_plain(f"{svc.base}/healthz", seconds, connections))
        runs["cached"].append(run_plain(url, seconds, connections))
        runs["revalidated"].append(wrk_with_header(url, f"If-None-Match: {etag}", seconds, connections))
        runs["spread"].append(spread_run(svc, spread, seconds, connections))
    health, cached, revalidated, spreads = (_median(runs[k]) for k in ("health", "cached", "revalidated", "spread"))
    print(f"== 3. same service, same run: {svc.config['server']['workers']} workers, {connections} connections, "
          f"{rounds} interleaved rounds of {seconds}s, poster {size} bytes ==")
    print(_line("/healthz", health))
    print(_line("poster, cached (200 + PNG)", cached))
    print(_line("poster, revalidated (304)", revalidated))
    print(_line(f"posters, cached, {len(spread)} in turn", spreads)
          + f"   ok {spreads.ok} 4xx {spreads.c4xx} 5xx {spreads.c5xx} sockerr {spreads.errors}")
    print(f"cached / healthz:       {cached.rps / health.rps:6.0%}  (target >= {TARGET_CACHED_SHARE:.0%})")
    print(f"revalidated / healthz:  {revalidated.rps / health.rps:6.0%}")
    print(f"{len(spread)} posters in turn / healthz: {spreads.rps / health.rps:6.0%}")


def _median(results: list[WrkResult]) -> WrkResult:
    return sorted(results, key=lambda r: r.rps)[len(results) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="posters for the cold figures")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spread", type=int, default=100, help="posters taken in turn (the spread figure)")
    args = parser.parse_args()
    render_figures(args.n)
    fake = fakewx.FakeWeChat()
    fake.start()
    svc = Service(fake.url, workers=args.workers, redis_db=REDIS_DB)
    try:
        url = cold_requests(svc, fake, args.n)
        spread = spread_urls(svc, fake, args.spread)
        serving_figures(svc, url, spread, args.seconds, args.connections, args.rounds)
    finally:
        svc.stop()
        fake.stop()


if __name__ == "__main__":
    main()
