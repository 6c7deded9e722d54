"""The one place where feature message routers are composed (aiogram's multi-file bot shape).

`mp_router` answers the Official Account (`/wechat/mp`), `work_router` the WeCom app
(`/wechat/work`). A feature adds its `Router` here with one `include` line. Both roots are built
once per process (a router has one parent); their `background` holds late handler tasks.

Handlers receive `(msg, ctx)` with `ctx` a `MessageContext`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.wechat.router import Router
from bot.web.session_epochs import SessionEpochs
from bot.settings import Settings
from handlers.account import subscriptions
from handlers.admin import wecom as wx_admin
from handlers.lottery import messages as wx_lottery
from handlers.redpacket import messages as wx_redpacket


@dataclass(frozen=True)
class MessageContext:
    """What a message handler may use: the settings, the request's single `now`, and the users'
    session epochs (to void a blacklisted user's sessions; None where there are none: tests)."""

    settings: Settings
    now: datetime
    epochs: SessionEpochs | None = None


mp_router = Router("mp")
mp_router.include(wx_redpacket.router)
mp_router.include(wx_lottery.router)
mp_router.include(subscriptions.router)

work_router = Router("work")
work_router.include(wx_admin.router)
