"""Every Redis key and TTL in one place.

Redis holds only accelerators: facts that, once true, stay true (a help exists, a day's count
reached n, a packet is terminal) plus immutable packet facts. Losing any key is harmless: the
database answers and the key is rebuilt. Packet keys share a `{pk:TOKEN}` hash tag so that in a
Redis Cluster one packet's keys live in one slot; per-user counters are tagged by user.
"""

from __future__ import annotations

import datetime as dt

PACKET_INFO_GRACE_S = 86400  # keep packet facts a day past expiry
TERMINAL_TTL_S = 2 * 86400
LEASE_TTL_FACTOR = 3  # a lease lives 3 periods, so one missed renewal does not hand it over
POSTER_TERMINAL_TTL_S = 86400  # a terminal packet's poster never changes again
POSTER_DEGRADED_TTL_S = 30  # a poster drawn with a placeholder for a failed fetch is retried soon
POSTER_CURRENT_TTL_S = 1  # how long a poster may lag a change of its packet (saves a DB read per request)
SOURCE_IMAGE_TTL_S = 86400  # fetched avatar / thumbnail bytes
SOURCE_IMAGE_MISS_TTL_S = 600  # a URL that gave no usable image (4xx, oversized) is not refetched for a while
CALLBACK_DEDUPE_TTL_S = 600  # WeChat retries a delivery within ~15 s; keep its claim well past that
ERROR_COUNT_TTL_S = 2 * 3600  # error-minute buckets outlive any alert window


class Keys:
    def __init__(self, prefix: str = "fx"):
        self.p = prefix

    def packet_info(self, token: str) -> str:
        return f"{self.p}:pk:{{{token}}}:info"

    def packet_terminal(self, token: str) -> str:
        return f"{self.p}:pk:{{{token}}}:term"

    def packet_helpers(self, token: str) -> str:
        return f"{self.p}:pk:{{{token}}}:helpers"

    def helps_today(self, user_id: int, day: dt.date) -> str:
        return f"{self.p}:u:{{{user_id}}}:d:{day.isoformat()}"

    def helps_for_owner_today(self, user_id: int, owner_id: int, day: dt.date) -> str:
        return f"{self.p}:u:{{{user_id}}}:o:{owner_id}:d:{day.isoformat()}"

    def lease(self, name: str) -> str:
        return f"{self.p}:lease:{name}"

    def dedupe(self, scope: str, key: str) -> str:
        return f"{self.p}:dedupe:{scope}:{key}"

    def access_token(self, app: str) -> str:
        return f"{self.p}:token:{{{app}}}"

    def access_token_lock(self, app: str) -> str:
        return f"{self.p}:token:{{{app}}}:lock"

    def jsapi_ticket(self, app: str) -> str:
        return f"{self.p}:ticket:{{{app}}}:jsapi"

    def jsapi_ticket_lock(self, app: str) -> str:
        return f"{self.p}:ticket:{{{app}}}:jsapi:lock"

    def packet_qrcode(self, token: str) -> str:
        """The packet's parametric QR ticket (JSON), kept as long as WeChat keeps the code."""
        return f"{self.p}:pk:{{{token}}}:qr"

    def packet_qrcode_lock(self, token: str) -> str:
        return f"{self.p}:pk:{{{token}}}:qr:lock"

    def error_count(self, minute: int) -> str:
        """Errors logged during one epoch minute, summed by the error-spike alert. One hash tag for
        every bucket: the alert reads a window of them with one MGET, which a Redis Cluster allows
        only within one slot."""
        return f"{self.p}:{{errors}}:{minute}"

    def rate(self, group: str, subject: str, ident: str) -> str:
        """A rate-limit window counter (bot/infra/ratelimit.py): one key per (route group, ip|user, who)."""
        return f"{self.p}:rl:{group}:{subject}:{{{ident}}}"

    def poster(self, token: str, version: int, moment: str) -> str:
        """Rendered poster (bytes: ETag, newline, PNG) of one packet version and countdown moment."""
        return f"{self.p}:pk:{{{token}}}:poster:v{version}:{moment}"

    def poster_current(self, token: str) -> str:
        """The packet's poster as last served: a header line (id, version, status, expiry, moment,
        ETag), a newline, the PNG. Lets a request be answered with one Redis read."""
        return f"{self.p}:pk:{{{token}}}:poster:current"

    def source_image(self, url_digest: str) -> str:
        """Bytes fetched from an avatar / thumbnail URL (empty: the URL gave nothing usable)."""
        return f"{self.p}:img:{url_digest}"
