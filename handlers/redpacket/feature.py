"""The shopping red packet: issued by order events (webhook and RabbitMQ), shared, helped, split
out, expired or invalidated; the wallet, posters, the H5 pages, 红包 on the Official Account, the
owner's notices and the two periodic jobs (expiry sweeper, expiring reminders).

`start` builds this process's help pipeline (bot/infra/batching.py underneath): the Redis screen
(`HelpScreen` over `HelpCache`) that refuses the hopeless without the database, and the group
committer (`HelpBatcher`) that decides and commits a burst of helps in one transaction."""

from __future__ import annotations

import random
from typing import Any

from sanic import Sanic

from bot.feature import Feature, PeriodicJob, QueueConsumer
from bot.infra.ratelimit import limiter_of
from bot.settings import Settings
from handlers.redpacket import expiry, jssdk, live, messages, orders, pages, poster, routes, share, wallet
from handlers.redpacket.batcher import HelpBatcher, HelpScreen
from handlers.redpacket.budget import budget_of
from handlers.redpacket.cache import HelpCache, help_rules
from handlers.redpacket.commit import SplitContext
from handlers.redpacket.notices import NOTICES


async def start(app: Sanic) -> None:
    ctx: Any = app.ctx
    s: Settings = ctx.settings
    rules = help_rules(s)
    ctx.help_rules = rules
    ctx.help_cache = HelpCache(ctx.redis, ctx.keys, rules, s.campaign.tz, limiter_of(app))
    ctx.help_screen = HelpScreen(ctx.help_cache, max_batch=s.redpacket.batch_max)
    ctx.help_screen.start()
    split_ctx = SplitContext(rules, s.campaign.tz, s.campaign.launch_date, random.SystemRandom())
    ctx.help_batcher = HelpBatcher(split_ctx, max_batch=s.redpacket.batch_max,
                                   on_committed=ctx.help_cache.remember, budget_of=lambda: budget_of(s))
    ctx.help_batcher.start()
    ctx.ready_info = {**getattr(ctx, "ready_info", {}), "settings_version": lambda: live.ready_version(s)}  # /readyz
    await poster.start(app)


async def stop(app: Sanic) -> None:
    await poster.stop(app)
    await app.ctx.help_screen.stop()
    await app.ctx.help_batcher.stop()


feature = Feature(
    "redpacket", blueprints=(orders.bp, routes.bp, share.bp, wallet.bp, poster.bp, pages.bp, jssdk.bp),
    mp_router=messages.router, start=start, stop=stop, notices=NOTICES,
    periodic=(PeriodicJob("expiry-sweeper", lambda s: s.redpacket.sweep_interval_s, expiry.sweep),
              PeriodicJob("notify-expiring", lambda s: s.outbox.scheduler_interval_s, expiry.remind)),
    consumer=QueueConsumer(orders.OrderEventIn.model_validate_json, orders.queue_handler))
