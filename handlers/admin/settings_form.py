"""The admin page's live-settings section (web/templates/admin_settings.html): the version in use,
a form to change the `redpacket.*` tunables and the budgets (owners), the latest versions.

Posting goes the API's way (handlers/admin/campaign.py `change_settings`): validated like
config.yaml, a new version authored by the signed-in admin, audited. The page answers with a fixed
message code (no request text reflected); the API lists every problem of a bad value.
"""

from __future__ import annotations

from typing import Any

from sanic import Request

from bot.errors import FissionError
from bot.web.admin_api import audit_of
from handlers.admin.campaign import change_settings
from handlers.redpacket import live

FLASH = {"settings_saved": "设置已保存：新版本已生效", "settings_same": "设置没有变化",
         "bad_settings": "设置无效，未保存：请检查数值（范围写作 最小,最大）"}
RANGES = ("old_user_range", "new_user_range")
LABELS = {"leverage": "杠杆倍数", "min_amount": "最小红包（分）", "max_amount": "最大红包（分）",
          "max_ratio": "最大比例", "ttl_seconds": "有效期（秒）", "daily_help_limit": "每日助力次数",
          "daily_same_owner_limit": "每日同一人助力次数", "old_user_range": "老用户金额（分）",
          "new_user_range": "新用户金额（分）", "daily_budget_fen": "每日预算（分，0 不限）",
          "total_budget_fen": "总预算（分，0 不限）"}


def _shown(value: Any) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


async def context(request: Request) -> dict[str, Any]:
    snap = await live.current(request.app.ctx.settings)
    fields = [{"name": f"{section}.{name}", "label": LABELS[name], "value": _shown(snap.values[section][name])}
              for section, names in (("redpacket", live.LIVE_REDPACKET), ("campaign", live.LIVE_CAMPAIGN))
              for name in names]
    tz = request.app.ctx.settings.campaign.tz
    versions = [{"version": r.version, "author": r.author, "note": r.note,
                 "created_at": r.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")}
                for r in await live.versions(5)]
    return {"live_settings": snap, "live_fields": fields, "live_versions": versions}


def parse(form: Any) -> dict[str, Any]:
    """The form's non-empty fields as a change ({"redpacket": {...}, "campaign": {...}})."""
    change: dict[str, dict[str, Any]] = {}
    for section, names in (("redpacket", live.LIVE_REDPACKET), ("campaign", live.LIVE_CAMPAIGN)):
        for name in names:
            raw = str(form.get(f"{section}.{name}", "") or "").strip()
            if raw:
                change.setdefault(section, {})[name] = [p.strip() for p in raw.split(",")] if name in RANGES else raw
    return change


async def submit(request: Request) -> str:
    """Apply the posted form; the message code to show."""
    form: Any = request.form or {}
    note = str(form.get("note", "") or "").strip()[:255]
    try:
        _snap, changed = await change_settings(request, parse(form), note)
    except FissionError:
        audit_of(request).unchanged()
        return "bad_settings"
    return "settings_saved" if changed else "settings_same"
