"""Fission's composition root.

    python main.py [serve|migrate|worker|check-config|makemigrations|demo] [--config FILE]

`serve` (the default) runs the HTTP service with `server.workers` processes; `migrate` brings the
database schema up to date; `worker` runs the background jobs without HTTP; `check-config`
validates a config file and lists every problem; `demo` runs a whole campaign in this process on
the embedded default (bot/demo/run.py).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys

from sanic import Sanic

from bot.app import create_app
from bot.feature import Feature
from bot.infra import devmode, logs
from bot.settings import Settings, SettingsError, load_settings
from bot.web import metrics, protection
from handlers.account.feature import feature as account
from handlers.admin.feature import feature as admin
from handlers.coupons.feature import feature as coupons
from handlers.lottery.feature import feature as lottery
from handlers.payments.feature import feature as payments
from handlers.redpacket.feature import feature as redpacket

# Every campaign and back-office feature of this deployment. The order is the order of their
# start hooks and of message precedence on the Official Account (first match answers).
FEATURES: tuple[Feature, ...] = (redpacket, lottery, coupons, payments, admin, account)


def build_app(settings: Settings, name: str = "fission") -> Sanic:
    """The HTTP app with every feature: what `serve` runs (tests build the same)."""
    return create_app(settings, FEATURES, name)


def serve(settings: Settings) -> None:
    """The HTTP service: the app is built once here and the workers are forked from this process,
    so they start with everything imported and built (a spawned worker re-imported the whole
    service first: ~1 s of CPU per worker, on every start and restart). Nothing that belongs to one
    process exists yet at the fork: connections, the event loop and background jobs are made by
    each worker's own `before_server_start`."""
    from bot.infra import migrate

    asyncio.run(migrate.ensure_schema(settings.database))
    metrics.prepare_multiprocess_dir()  # before any worker: every worker writes its counters there
    Sanic.start_method = "fork"
    app = build_app(settings)
    app.prepare(host=settings.server.host, port=settings.server.port, workers=settings.server.workers,
                access_log=settings.server.access_log, motd=False, single_process=settings.server.workers == 1,
                backlog=settings.server.backlog)
    protection.defer_manager_shutdown()
    gc.freeze()  # what is built so far is kept for good: the workers' collections leave its pages unwritten, shared
    Sanic.serve(primary=app)


def run_migrate(settings: Settings) -> None:
    from bot.infra import migrate

    asyncio.run(migrate.upgrade(settings.database))


def run_worker(settings: Settings) -> None:
    """Background jobs only (outbox delivery, scheduler, alerts, RabbitMQ consumer), no HTTP."""
    from bot.infra import migrate
    from bot.jobs import runner as background

    asyncio.run(migrate.ensure_schema(settings.database))
    asyncio.run(background.run_worker(settings, FEATURES))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description="Fission WeChat growth service")
    parser.add_argument("command", nargs="?", default="serve",
                        choices=["serve", "migrate", "worker", "check-config", "makemigrations", "demo"])
    parser.add_argument("--config", default="config.yaml", help="YAML config file (default ./config.yaml)")
    parser.add_argument("--out", default="demo-output", help="demo: folder for the posters (default ./demo-output)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = load_settings(args.config)
    except SettingsError as e:
        print(e, file=sys.stderr)
        return 2
    logs.configure(settings.server.log_format, log_dir=settings.server.log_dir)
    notice = devmode.banner(settings)
    if notice and args.command in ("serve", "worker"):
        print(notice, file=sys.stderr, flush=True)
    if args.command == "check-config":
        print(f"{args.config}: ok")
    elif args.command == "migrate":
        run_migrate(settings)
    elif args.command == "makemigrations":
        from bot.infra import migrate

        migrate.make_migrations()
    elif args.command == "demo":
        from bot.demo import run as demo

        return demo.main(args.config, args.out, FEATURES)
    elif args.command == "worker":
        run_worker(settings)
    else:
        serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
