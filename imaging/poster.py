"""Share poster (朋友圈分享图) for a shopping red packet — SPEC §1.5.

``render`` is pure: the same ``PosterInput`` always gives the same PNG bytes.
It does no I/O besides reading the fonts shipped in ``imaging/fonts/`` (once
per process) and is CPU-bound, so async callers must run it off the event
loop (``await asyncio.to_thread(render, p)``). Untrusted image bytes never
make it raise: they become placeholders (see ``imaging.decode``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Final

import segno
from PIL import Image, ImageDraw

from imaging.decode import decode_square
from imaging.text import Weight, drawable, ellipsize, font, wrap

CANVAS_SIZE: Final = (750, 1334)
PNG_COMPRESS_LEVEL: Final = 6
RED, DEEP_RED, GOLD = (226, 69, 60), (200, 40, 36), (255, 227, 163)
WHITE, INK, GREY, PALE = (255, 255, 255), (51, 51, 51), (153, 153, 153), (242, 242, 242)

CARD_BOX: Final = (40, 230, 710, 1000)
THUMB_XY, THUMB_SIDE = (185, 262), 380
NAME_X, NAME_Y, NAME_WIDTH, NAME_LINE_H = 80, 668, 590, 46
AVATAR_XY, AVATAR_SIDE = (60, 110), 96
AMOUNT_SIZES_PX, AMOUNT_MAX_WIDTH = (96, 80, 64, 48, 36), 590
QR_BOX: Final = (80, 1084, 300, 1304)
QR_BORDER_MODULES: Final = 2
DEFAULT_NICKNAME = "微信用户"


@dataclass(frozen=True, slots=True)
class PosterInput:
    """Everything the poster shows. Datetimes must be timezone-aware.

    Image bytes are untrusted (may be None, garbage or huge); amounts are
    non-negative integer fen.
    """

    goods_name: str
    amount_fen: int
    remaining_fen: int
    owner_nickname: str
    owner_avatar: bytes | None
    goods_thumbnail: bytes | None
    share_url: str
    expire_time: datetime
    now: datetime
    brand: str = "Fission 裂变红包"

    def __post_init__(self) -> None:
        for name in ("expire_time", "now"):
            if getattr(self, name).utcoffset() is None:
                raise ValueError(f"PosterInput.{name} must be timezone-aware")
        for name in ("amount_fen", "remaining_fen"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"PosterInput.{name} must be a non-negative int")


def fen_to_yuan_text(fen: int) -> str:
    """Integer fen as yuan with exactly two decimals: 1234 -> "¥12.34"."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"fen must be int, not {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan}.{cents:02d}"


def countdown_text(expire_time: datetime, now: datetime) -> str:
    """Time left, floored: "还剩 2天3小时", "还剩 3小时12分", "还剩 5分",
    "还剩 59秒"; "已结束" once ``expire_time - now`` is zero or negative."""
    left_s = (expire_time - now) // timedelta(seconds=1)
    if left_s <= 0:
        return "已结束"
    days, rest_s = divmod(left_s, 86_400)
    hours, rest_s = divmod(rest_s, 3_600)
    minutes, seconds = divmod(rest_s, 60)
    if days:
        return f"还剩 {days}天{hours}小时"
    if hours:
        return f"还剩 {hours}小时{minutes}分"
    if minutes:
        return f"还剩 {minutes}分"
    return f"还剩 {seconds}秒"


@dataclass(frozen=True, slots=True)
class Style:
    """How one piece of text looks; ``anchor`` is Pillow's two-letter anchor."""

    size_px: int
    fill: tuple[int, int, int]
    weight: Weight = Weight.REGULAR
    anchor: str = "lt"


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    style: Style,
    max_width_px: float | None = None,
) -> None:
    """Draw only glyphs the face has, ellipsized to ``max_width_px`` if given.

    Bold is a subset: text it cannot fully show falls back to Regular.
    """
    weight, shown = style.weight, drawable(text, style.weight)
    if weight is not Weight.REGULAR and shown != drawable(text, Weight.REGULAR):
        weight, shown = Weight.REGULAR, drawable(text, Weight.REGULAR)
    face = font(weight, style.size_px)
    if max_width_px is not None:
        shown = ellipsize(shown, face, max_width_px)
    draw.text(xy, shown, font=face, fill=style.fill, anchor=style.anchor)


@lru_cache(maxsize=4)
def _circle_mask(side_px: int) -> Image.Image:
    """Anti-aliased disc mask, drawn 4x larger and downsampled."""
    big = Image.new("L", (side_px * 4, side_px * 4), 0)
    ImageDraw.Draw(big).ellipse((0, 0, side_px * 4 - 1, side_px * 4 - 1), fill=255)
    return big.resize((side_px, side_px), Image.Resampling.LANCZOS)


def _draw_owner(canvas: Image.Image, draw: ImageDraw.ImageDraw, p: PosterInput) -> None:
    """Round avatar (or a gold disc) with a white ring, nickname and invite."""
    x, y = AVATAR_XY
    ring = (x - 4, y - 4, x + AVATAR_SIDE + 3, y + AVATAR_SIDE + 3)
    draw.ellipse(ring, fill=WHITE)
    avatar = decode_square(p.owner_avatar, AVATAR_SIDE)
    if avatar is None:
        avatar = Image.new("RGB", (AVATAR_SIDE, AVATAR_SIDE), GOLD)
    canvas.paste(avatar, (x, y), _circle_mask(AVATAR_SIDE))
    nickname = drawable(p.owner_nickname, Weight.REGULAR) or DEFAULT_NICKNAME
    text_x = x + AVATAR_SIDE + 24
    _text(
        draw, (text_x, y + 8), nickname, Style(32, WHITE), max_width_px=CANVAS_SIZE[0] - text_x - 60
    )
    _text(draw, (text_x, y + 56), "邀请你帮忙拆红包，一起领现金", Style(26, GOLD))


def _draw_goods(canvas: Image.Image, draw: ImageDraw.ImageDraw, p: PosterInput) -> None:
    """Thumbnail (or a grey placeholder) and the name in at most two lines."""
    x, y = THUMB_XY
    thumb = decode_square(p.goods_thumbnail, THUMB_SIDE)
    if thumb is None:
        draw.rectangle((x, y, x + THUMB_SIDE - 1, y + THUMB_SIDE - 1), fill=PALE)
        centre = (x + THUMB_SIDE / 2, y + THUMB_SIDE / 2)
        _text(draw, centre, "暂无商品图", Style(30, GREY, anchor="mm"))
    else:
        canvas.paste(thumb, (x, y))
    face = font(Weight.REGULAR, 32)
    lines = wrap(drawable(p.goods_name, Weight.REGULAR), face, NAME_WIDTH, max_lines=2)
    for index, line in enumerate(lines):
        draw.text((NAME_X, NAME_Y + index * NAME_LINE_H), line, font=face, fill=INK)


def _draw_amount(draw: ImageDraw.ImageDraw, p: PosterInput) -> None:
    """The "红包金额" label, the amount in large type and the exact remaining fen."""
    centre_x = CANVAS_SIZE[0] / 2
    _text(draw, (centre_x, 786), "红包金额", Style(26, GREY, anchor="mt"))
    amount = fen_to_yuan_text(p.amount_fen)
    symbol = font(Weight.BOLD, 48)
    for size_px in AMOUNT_SIZES_PX:  # shrink until even absurd amounts fit the card
        digits = font(Weight.BOLD, size_px)
        width = symbol.getlength(amount[0]) + 6 + digits.getlength(amount[1:])
        if width <= AMOUNT_MAX_WIDTH:
            break
    left, baseline = centre_x - width / 2, 914
    draw.text((left, baseline), amount[0], font=symbol, fill=RED, anchor="ls")
    draw.text(
        (left + symbol.getlength(amount[0]) + 6, baseline),
        amount[1:],
        font=digits,
        fill=RED,
        anchor="ls",
    )
    remaining = (
        f"还差 {fen_to_yuan_text(p.remaining_fen)} 即可拆完"
        if p.remaining_fen > 0
        else "红包已拆完"
    )
    _text(draw, (centre_x, 940), remaining, Style(28, DEEP_RED, anchor="mt"))


def qr_modules(share_url: str) -> list[list[bool]]:
    """The QR symbol for ``share_url`` incl. its quiet zone; True = dark."""
    symbol = segno.make(share_url, error="m", micro=False)
    return [[bool(m) for m in row] for row in symbol.matrix_iter(scale=1, border=QR_BORDER_MODULES)]


def _draw_qr(canvas: Image.Image, draw: ImageDraw.ImageDraw, share_url: str) -> None:
    """A crisp QR (whole-pixel modules) centred in a white box, plus a call."""
    draw.rounded_rectangle(QR_BOX, radius=16, fill=WHITE)
    rows = qr_modules(share_url)
    count = len(rows)
    pixels = bytes(0 if dark else 255 for row in rows for dark in row)
    box_side = QR_BOX[2] - QR_BOX[0]
    scale = max(1, box_side // count)
    qr = Image.frombytes("L", (count, count), pixels)
    qr = qr.resize((count * scale, count * scale), Image.Resampling.NEAREST)
    offset = (box_side - count * scale) // 2
    canvas.paste(qr, (QR_BOX[0] + offset, QR_BOX[1] + offset))
    text_x = QR_BOX[2] + 40
    _text(draw, (text_x, 1140), "长按识别二维码", Style(36, WHITE, Weight.BOLD))
    _text(draw, (text_x, 1200), "帮TA拆红包", Style(30, GOLD))


def _draw_frame(draw: ImageDraw.ImageDraw, p: PosterInput) -> None:
    """Brand header, the white card and the countdown under it."""
    centre_x = CANVAS_SIZE[0] / 2
    _text(
        draw,
        (centre_x, 40),
        p.brand,
        Style(30, GOLD, Weight.BOLD, "mt"),
        max_width_px=CANVAS_SIZE[0] - 80,
    )
    draw.rounded_rectangle(CARD_BOX, radius=24, fill=WHITE)
    _text(
        draw, (centre_x, 1026), countdown_text(p.expire_time, p.now), Style(30, GOLD, anchor="mt")
    )


def render(p: PosterInput) -> bytes:
    """The poster for ``p`` as PNG bytes, ``CANVAS_SIZE`` pixels, RGB.

    Raises only on programming errors (e.g. a share URL too long for any QR
    version); bad image bytes and odd text are drawn around, never raised.
    """
    canvas = Image.new("RGB", CANVAS_SIZE, RED)
    draw = ImageDraw.Draw(canvas)
    _draw_frame(draw, p)
    _draw_owner(canvas, draw, p)
    _draw_goods(canvas, draw, p)
    _draw_amount(draw, p)
    _draw_qr(canvas, draw, p.share_url)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()
