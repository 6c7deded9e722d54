"""Config of subscribe messages (订阅通知), `wechat.subscribe` in config.yaml:

    wechat:
      subscribe:
        channels: {helped: both, split_out: subscribe}    # per notice kind; unset = template
        templates:
          helped: {template_id: "SUB_T1", data: {thing1: "{first}", amount2: "{keyword1}", time3: "{keyword3}"}}

`channels` chooses, per notice kind, the template message, the subscribe message or both. A
subscribe template's `data` maps its keywords (as chosen in the Official Account's back office) to
text built from the notice's own fields: {first}, {keyword1}, {keyword2}, {keyword3}, {remark}.
"""

from __future__ import annotations

import string
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

NOTICE_KINDS = ("issued", "helped", "split_out", "expiring", "expired", "invalidated", "prize_won")
NOTICE_FIELDS = frozenset({"first", "keyword1", "keyword2", "keyword3", "remark"})


class Channel(StrEnum):
    TEMPLATE = "template"
    SUBSCRIBE = "subscribe"
    BOTH = "both"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubscribeTemplate(_Section):
    template_id: str = Field(min_length=1, max_length=64)
    data: dict[str, str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_fields(self) -> SubscribeTemplate:
        for key, text in self.data.items():
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            except ValueError as e:
                raise ValueError(f"data.{key}: {e}") from e
            unknown = names - NOTICE_FIELDS
            if unknown:
                raise ValueError(f"data.{key} uses {sorted(unknown)}; known: {sorted(NOTICE_FIELDS)}")
        return self


class SubscribeSettings(_Section):
    channels: dict[str, Channel] = {}
    templates: dict[str, SubscribeTemplate] = {}

    @model_validator(mode="after")
    def _consistent(self) -> SubscribeSettings:
        problems = [f"unknown notice kind {k!r} (known: {', '.join(NOTICE_KINDS)})"
                    for k in [*self.channels, *self.templates] if k not in NOTICE_KINDS]
        problems += [f"channels.{k} is {c.value} but templates.{k} is not set"
                     for k, c in self.channels.items() if c != Channel.TEMPLATE and k not in self.templates]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def channel(self, kind: str) -> Channel:
        return self.channels.get(kind, Channel.TEMPLATE)

    def template_ids(self) -> dict[str, str]:
        """template id -> notice kind, for the ids users may subscribe to."""
        return {t.template_id: kind for kind, t in self.templates.items()}
