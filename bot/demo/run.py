"""`python main.py demo`: a whole campaign, in one process, on a fresh machine.

The real service (create_app, every feature, the outbox worker) serves on a free loopback port
with a temporary SQLite file and the embedded `memory://` Redis; a built-in fake WeChat
(bot/demo/wechat.py) answers OAuth, tokens and template messages. The campaign then runs through
the HTTP contract: orders become packets, owners share, a storm of friends helps, a refund
invalidates a packet, the campaign day ends (packets not split out expire), payers draw in a
lottery and claim coupons, template messages are delivered. A progress bar shows the phases; a
summary table and a few posters (PNG) are written at the end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.app import create_app
from bot.clock import utcnow
from bot.demo.steps import Client, Tally, setup_lottery
from bot.demo.wechat import DemoWeChat
from bot.feature import Feature
from bot.infra import logs, migrate
from bot.settings import Settings

OWNERS_SMALL, OWNERS_BIG, OWNERS_IDLE = 5, 3, 2  # packets that split out / stay open / are never shared
HELPERS, LOTTERY_PAYERS, COUPON_PAYERS, POSTERS = 160, 12, 4, 3
CONCURRENCY = 24


class Progress:
    """A text progress bar: redrawn in place on a terminal, one line per tenth otherwise."""

    def __init__(self, total: int, out: Any = sys.stdout, width: int = 30):
        self.total, self.done, self.out, self.width = total, 0, out, width
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.last_tenth = -1

    def advance(self, label: str, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        filled = self.width * self.done // self.total
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {100 * self.done // self.total:3d}% {label:<24}"
        tenth = 10 * self.done // self.total
        if self.tty:
            self.out.write("\r" + line + ("\n" if self.done == self.total else ""))
        elif tenth != self.last_tenth:
            self.out.write(line + "\n")
        self.last_tenth = tenth
        self.out.flush()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_settings(config_path: str, workdir: str, fake_url: str) -> Settings:
    """The config file's campaign rules, on a temporary SQLite file, memory:// Redis and the fake."""
    raw: dict[str, Any] = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
    port = free_port()
    raw["server"] = {**raw.get("server", {}), "host": "127.0.0.1", "port": port, "workers": 1,
                     "public_url": f"http://127.0.0.1:{port}", "log_format": "text"}
    raw["database"] = {"url": f"sqlite://{workdir}/demo.sqlite3"}
    raw["redis"] = {"url": "memory://", "prefix": "demo"}
    raw["wechat"] = {**raw.get("wechat", {}), "api_base": fake_url, "oauth_base": fake_url}
    raw["wecom"] = {**raw.get("wecom", {}), "api_base": fake_url}
    raw["orders"] = {**raw.get("orders", {}), "amqp_url": None}
    raw["outbox"] = {**raw.get("outbox", {}), "run_in_server": True, "poll_interval_s": 0.2}
    raw["images"] = {"allow_hosts": ["127.0.0.1"]}  # the fake serves the avatars and thumbnails on loopback
    return Settings.model_validate(raw)


async def issue_and_share(client: Client, tally: Tally, progress: Progress, fake_url: str) -> list[str]:
    """Orders for every owner (small, big, idle packets); every owner but the idle ones shares."""
    tokens: list[str] = []
    plan = [("small", 150)] * OWNERS_SMALL + [("big", 2500)] * OWNERS_BIG + [("idle", 500)] * OWNERS_IDLE
    for i, (kind, cashback_fen) in enumerate(plan):
        openid = f"o-owner-{i:02d}"
        out = await client.order_event(openid, f"DEMO{i:06d}", goods_name=f"精选好物 {i + 1} 号",
                                       goods_thumbnail_url=f"{fake_url}/thumb/{i}.png", paid_amount=19900,
                                       coupon_price=19900, cashback=cashback_fen)
        packet = out["packet"]
        tally.packets[packet["id"]] = {"owner": openid, "kind": kind, "order_no": f"DEMO{i:06d}"}
        if kind != "idle":
            phone = await client.login(openid)
            tokens.append(await client.share(phone, packet["id"]))
            tally.helps[await client.help(phone, tokens[-1])] += 1  # owners cannot help themselves
        progress.advance("orders and shares")
    return tokens


async def storm(client: Client, tally: Tally, progress: Progress, tokens: list[str]) -> None:
    """HELPERS friends, CONCURRENCY at a time, each helping a random shared packet once."""
    rnd, gate = random.Random(7), asyncio.Semaphore(CONCURRENCY)
    picks = [rnd.choice(tokens) for _ in range(HELPERS)]

    async def one(i: int, token: str) -> None:
        async with gate:
            phone = await client.login(f"o-friend-{i:04d}")
            tally.helps[await client.help(phone, token)] += 1
            if i % 40 == 0:  # a second try the same day is refused
                tally.helps[await client.help(phone, token)] += 1
            progress.advance("storm of helpers")

    await asyncio.gather(*(one(i, t) for i, t in enumerate(picks)))


async def refund_and_expire(app: Any, client: Client, tally: Tally, progress: Progress, ttl_s: int) -> None:
    """One big packet's order is refunded; then the day ends: every packet still open expires."""
    big = next(pid for pid, p in tally.packets.items() if p["kind"] == "big")
    info = tally.packets[big]
    out = await client.order_event(info["owner"], info["order_no"], kind="refunded")
    tally.refunded += out["packet"]["status"] == "invalid"
    progress.advance("refund")
    sweeper = next(job for job in app.ctx.composed.periodic if job.name == "expiry-sweeper")
    later = utcnow() + dt.timedelta(seconds=ttl_s + 60)  # `now` passed in: no waiting for the clock
    tally.expired += int(await sweeper.run(app.ctx, later) or 0)  # the feature's own job, run once
    progress.advance("expiry")


async def lottery(client: Client, tally: Tally, progress: Progress) -> None:
    """Payers of the lottery product draw until their chances run out; coupon payers claim."""
    lottery_code, coupon_code = await setup_lottery(client)
    for i in range(LOTTERY_PAYERS + COUPON_PAYERS):
        openid, order_no = f"o-payer-{i:03d}", f"PAY{i:06d}"
        code = lottery_code if i < LOTTERY_PAYERS else coupon_code
        await client.pay(openid, order_no, code, "39.90")
        phone = await client.login(openid)
        if code == lottery_code:
            while (kind := await client.draw(phone, order_no)) is not None:
                tally.draws[kind] += 1
        else:
            tally.coupons_claimed += await client.claim(phone, order_no)
        progress.advance("lottery and coupons")


async def posters(client: Client, tally: Tally, progress: Progress, tokens: list[str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for n, token in enumerate(tokens[:: max(1, len(tokens) // POSTERS)][:POSTERS], 1):
        path = out / f"poster-{n}.png"
        path.write_bytes(await client.poster(token))
        tally.posters.append(str(path))
        progress.advance("posters")


async def campaign(app: Any, settings: Settings, fake: DemoWeChat, out: Path) -> dict[str, Any]:
    total = OWNERS_SMALL + OWNERS_BIG + OWNERS_IDLE + HELPERS + POSTERS + 2 + LOTTERY_PAYERS + COUPON_PAYERS + 1
    progress, tally, client = Progress(total), Tally(), Client(settings)
    started = time.monotonic()
    try:
        tokens = await issue_and_share(client, tally, progress, fake.url)
        await storm(client, tally, progress, tokens)
        await posters(client, tally, progress, tokens, out)
        await refund_and_expire(app, client, tally, progress, settings.redpacket.ttl_seconds)
        await lottery(client, tally, progress)
        outbox = await client.wait_for_outbox(not_yet_due=tally.expired)  # their notices are due at day end
        progress.advance("template messages")
        stats = await client.admin("GET", "/admin/api/stats")
    finally:
        await client.aclose()
    return {"tally": tally, "stats": stats, "outbox": outbox, "seconds": time.monotonic() - started}


def summary_rows(result: dict[str, Any], fake: DemoWeChat) -> list[tuple[str, str]]:
    t: Tally = result["tally"]
    funnel, budget = result["stats"]["funnel"], result["stats"]["budget"]
    refusals = ", ".join(f"{k} {v}" for k, v in sorted(t.helps.items()) if k != "accepted") or "-"
    return [
        ("packets issued / shared / helped / split out",
         f"{funnel['issued']} / {funnel['shared']} / {funnel['helped']} / {funnel['split_out']}"),
        ("helps accepted", str(t.helps["accepted"])), ("helps refused", refusals),
        ("packets expired at day end", str(t.expired)), ("packets invalidated by a refund", str(t.refunded)),
        ("spent: owner + helper credits - reversals (fen)", str(budget["spent_total"])),
        ("lottery draws", ", ".join(f"{k} {v}" for k, v in sorted(t.draws.items())) or "-"),
        ("coupons claimed after payment", str(t.coupons_claimed)),
        ("template messages sent", str(fake.sent["/cgi-bin/message/template/send"])),
        ("outbox due at day end / dead", f"{result['outbox']['pending']} / {result['outbox']['dead']}"),
        ("posters written", ", ".join(t.posters)), ("elapsed", f"{result['seconds']:.1f} s"),
    ]


def print_table(rows: list[tuple[str, str]], out: Any = sys.stdout) -> None:
    width = max(len(k) for k, _ in rows)
    rule = "-" * (width + 2) + "+" + "-" * (max(len(v) for _, v in rows) + 2)
    out.write(f"\nFission demo campaign\n{rule}\n")
    for key, value in rows:
        out.write(f" {key:<{width}} | {value}\n")
    out.write(rule + "\n")


async def run(settings: Settings, features: Sequence[Feature], fake: DemoWeChat, out: Path) -> dict[str, Any]:
    """Serve the real app in this process, run the campaign against it, stop it cleanly."""
    await migrate.ensure_schema(settings.database)
    app = create_app(settings, features, name="fission_demo")
    server = await app.create_server(host="127.0.0.1", port=settings.server.port, return_asyncio_server=True,
                                     access_log=False)
    if server is None:
        raise RuntimeError("the demo server did not start")
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        return await campaign(app, settings, fake, out)
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


def main(config_path: str, out_dir: str, features: Sequence[Feature]) -> int:
    logs.configure("text", logging.ERROR)  # the summary tells the story; warnings would break the bar
    fake = DemoWeChat()
    fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="fission-demo-") as workdir:
            settings = demo_settings(config_path, workdir, fake.url)
            print(f"Fission demo: serving on {settings.server.public_url} (SQLite in {workdir}, memory:// Redis, "
                  f"fake WeChat on {fake.url})")
            result = asyncio.run(run(settings, features, fake, Path(out_dir)))
        print_table(summary_rows(result, fake))
    finally:
        fake.stop()
    return 0
