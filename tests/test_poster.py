"""Share poster renderer: pure, CJK-safe, never raises on bad image bytes."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import segno
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from imaging import poster
from imaging.decode import MAX_IMAGE_BYTES, decode_square
from imaging.poster import PosterInput, countdown_text, fen_to_yuan_text, render
from imaging.text import Weight, font, wrap

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GOODS_NAME = "【官方旗舰店】华为平板电脑 MatePad 11.5英寸 8GB+256GB 深空灰 护眼全面屏 学习办公娱乐"
NICKNAME = "张晓燕的小店～鑫淼"
SHARE_URL = "https://fission.example.com/s/k3J9xQ2mZp7Lw8Rt"
THUMB_RGB = (30, 120, 200)
REPO_ROOT = Path(__file__).resolve().parents[1]
DARK_RED_CHANNEL = 100  # QR modules are black; white and the red page are above
JPEG_TOLERANCE = 8
NAME_LINES = 2


def _encoded(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _input(**overrides: Any) -> PosterInput:
    base = PosterInput(
        goods_name=GOODS_NAME,
        amount_fen=1234,
        remaining_fen=321,
        owner_nickname=NICKNAME,
        owner_avatar=_encoded(Image.new("RGB", (132, 132), (20, 180, 90)), "JPEG"),
        goods_thumbnail=_encoded(Image.new("RGB", (800, 600), THUMB_RGB), "JPEG"),
        share_url=SHARE_URL,
        expire_time=NOW + timedelta(hours=3, minutes=12, seconds=30),
        now=NOW,
    )
    return replace(base, **overrides)


def _rgb(image: Image.Image, x: int, y: int) -> tuple[int, ...]:
    pixel = image.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return pixel


def _decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.fixture
def drawn_texts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any]]]:
    """Record (text, font) of every ImageDraw.text call during the test."""
    calls: list[tuple[str, Any]] = []
    original = ImageDraw.ImageDraw.text

    def spy(self: ImageDraw.ImageDraw, xy: Any, text: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append((text, kwargs.get("font")))
        return original(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    yield calls


# --- output shape -----------------------------------------------------------


def test_render_returns_png_of_canvas_size() -> None:
    png = render(_input())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = _decoded(png)
    assert image.format == "PNG"
    assert image.size == poster.CANVAS_SIZE == (750, 1334)
    assert image.mode == "RGB"


def test_render_is_deterministic() -> None:
    assert render(_input()) == render(_input())


def test_amount_qr_and_thumbnail_regions_are_drawn() -> None:
    image = _decoded(render(_input()))
    amount_area = image.crop((100, 830, 650, 930))
    qr_area = image.crop(poster.QR_BOX)
    for region in (amount_area, qr_area):
        assert len(region.getcolors(maxcolors=100_000) or []) > len(["background", "ink"])
    x, y = poster.THUMB_XY
    centre = _rgb(image, x + poster.THUMB_SIDE // 2, y + poster.THUMB_SIDE // 2)
    assert all(abs(a - b) <= JPEG_TOLERANCE for a, b in zip(centre, THUMB_RGB, strict=True))


# --- fonts: every drawn character is a real glyph ---------------------------


def _cmap(path: str) -> set[int]:
    with TTFont(path, lazy=True) as ttf:
        return set(ttf.getBestCmap())


def test_every_drawn_character_is_in_the_font_cmap(drawn_texts: list[tuple[str, Any]]) -> None:
    render(_input(owner_nickname=NICKNAME + "😀🐱\u200d👩"))
    assert drawn_texts
    cmaps: dict[str, set[int]] = {}
    for text, face in drawn_texts:
        assert isinstance(face, ImageFont.FreeTypeFont), text
        cmap = cmaps.setdefault(str(face.path), _cmap(str(face.path)))
        missing = [ch for ch in text if ord(ch) not in cmap]
        assert not missing, f"{text!r} drawn with glyphs missing: {missing}"
    texts = [text for text, _ in drawn_texts]
    assert NICKNAME in texts  # the emoji were dropped, the name kept whole
    first = next(t for t in texts if len(t) > len("【官方") and GOODS_NAME.startswith(t))
    second = texts[texts.index(first) + 1]
    assert second.endswith("…")
    assert GOODS_NAME.replace(" ", "").startswith((first + second[:-1]).replace(" ", ""))


def _glyph_pixels(face: ImageFont.FreeTypeFont, ch: str) -> bytes:
    image = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(image).text((8, 8), ch, font=face, fill=255)
    return image.tobytes()


def test_chinese_glyphs_differ_from_notdef() -> None:
    """Pillow really renders hanzi with the shipped face, not tofu boxes."""
    face = font(Weight.REGULAR, 32)
    notdef = _glyph_pixels(face, "\U000f0000")  # private use: not in the font
    for ch in GOODS_NAME + NICKNAME + "¥还剩小时分已结束":
        if not ch.isspace():
            assert _glyph_pixels(face, ch) != notdef, ch


def test_shipped_fonts_are_cjk_faces() -> None:
    for weight in Weight:
        with TTFont(str(weight.path), lazy=True) as ttf:
            assert ttf["name"].getDebugName(1) == "Noto Sans CJK SC"
            assert {ord(c) for c in "红包金额长按识别二维码¥0123456789."} <= set(ttf.getBestCmap())


def test_goods_name_wraps_to_two_lines_with_ellipsis() -> None:
    face = font(Weight.REGULAR, 32)
    lines = wrap(GOODS_NAME * 3, face, poster.NAME_WIDTH, max_lines=NAME_LINES)
    assert len(lines) == NAME_LINES
    assert lines[-1].endswith("…")
    assert all(face.getlength(line) <= poster.NAME_WIDTH for line in lines)
    assert wrap("短名", face, poster.NAME_WIDTH, max_lines=2) == ["短名"]
    numbered = wrap("华为平板电脑华为平板电脑华为平板电 MatePad 11.5英寸", face, 590, max_lines=2)
    assert numbered[1].startswith(("MatePad", "11.5")), numbered
    one_word = wrap("A" * 200, face, 590, max_lines=2)
    assert len(one_word) == NAME_LINES and one_word[0].startswith("AAA")
    assert wrap("", face, poster.NAME_WIDTH, max_lines=2) == []


def test_long_nickname_is_ellipsized(drawn_texts: list[tuple[str, Any]]) -> None:
    long_name = "超级长" * 40
    render(_input(owner_nickname=long_name))
    nickname = next(t for t, _ in drawn_texts if t.startswith("超级长"))
    assert nickname.endswith("…")
    assert long_name.startswith(nickname[:-1]) and len(nickname) < len(long_name)


@pytest.mark.parametrize("amount_fen", [0, 1, 99_999_999, 10**15])
def test_any_amount_fits_the_card(amount_fen: int) -> None:
    image = _decoded(render(_input(amount_fen=amount_fen, remaining_fen=amount_fen)))
    left_x, _, right_x, _ = poster.CARD_BOX
    card_edges = (
        image.crop((left_x + 2, 830, left_x + 30, 930)),
        image.crop((right_x - 30, 830, right_x - 2, 930)),
    )
    assert all(
        edge.getcolors() == [(edge.width * edge.height, poster.WHITE)] for edge in card_edges
    )


@pytest.mark.parametrize("nickname", ["", "😀😀", "\x00\n\t", "\u202e\u200b", "A" * 10_000])
def test_odd_nicknames_do_not_crash(nickname: str) -> None:
    assert _decoded(render(_input(owner_nickname=nickname))).size == poster.CANVAS_SIZE


# --- QR code ----------------------------------------------------------------


def _sampled_modules(image: Image.Image, module_count: int) -> list[list[bool]]:
    """Read the QR module grid back from the pixels in QR_BOX.

    Dark = low red channel: black modules qualify, the white box and the red
    page showing at the box's rounded corners do not.
    """
    red = image.crop(poster.QR_BOX).getchannel("R")
    bbox = red.point(lambda v: 255 if v < DARK_RED_CHANNEL else 0).getbbox()
    assert bbox is not None
    left, top, right, bottom = bbox
    module_px = (right - left) / module_count
    assert module_px == int(module_px) > 1 and bottom - top == right - left
    half = module_px / 2

    def dark(row: int, col: int) -> bool:
        value = red.getpixel(
            (int(left + col * module_px + half), int(top + row * module_px + half))
        )
        assert isinstance(value, int)
        return value < DARK_RED_CHANNEL

    return [[dark(r, c) for c in range(module_count)] for r in range(module_count)]


@pytest.mark.parametrize("url", [SHARE_URL, "https://x.example/s/a", SHARE_URL + "?" + "q" * 120])
def test_qr_pixels_match_segnos_encoding_of_the_share_url(url: str) -> None:
    expected = [[bool(m) for m in row] for row in segno.make(url, error="m", micro=False).matrix]
    image = _decoded(render(_input(share_url=url)))
    assert _sampled_modules(image, len(expected)) == expected


def test_qr_decodes_to_share_url_when_a_decoder_is_installed() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    results = zxingcpp.read_barcodes(_decoded(render(_input())))
    assert [r.text for r in results] == [SHARE_URL]


# --- untrusted image bytes --------------------------------------------------


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming huge dimensions, with no pixel data (a 'bomb' header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


BAD_IMAGES = {
    "none": None,
    "empty": b"",
    "garbage": b"not an image at all \x00\xff" * 10,
    "truncated_jpeg": _encoded(Image.new("RGB", (300, 300), "red"), "JPEG")[:200],
    "too_many_bytes": os.urandom(MAX_IMAGE_BYTES + 1),
    "pixel_bomb": _png_header_only(5000, 5000),
    "giant_bomb": _png_header_only(60_000, 60_000),
    "svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
}


@pytest.mark.parametrize("name", BAD_IMAGES)
def test_bad_image_bytes_give_placeholders(name: str) -> None:
    data = BAD_IMAGES[name]
    assert decode_square(data, 96) is None
    image = _decoded(render(_input(owner_avatar=data, goods_thumbnail=data)))
    x, y = poster.THUMB_XY
    assert _rgb(image, x + 5, y + 5) == poster.PALE


ODD_GOOD_IMAGES = {
    "rgba_png": _encoded(Image.new("RGBA", (64, 200), (0, 0, 255, 128)), "PNG"),
    "palette_gif": _encoded(Image.new("P", (50, 50), 3), "GIF"),
    "cmyk_jpeg": _encoded(Image.new("CMYK", (300, 300), (0, 80, 80, 0)), "JPEG"),
    "grey16_png": _encoded(Image.new("I;16", (40, 40), 3000), "PNG"),
    "big_jpeg": _encoded(Image.new("RGB", (4000, 3000), THUMB_RGB), "JPEG", quality=30),
    "webp": _encoded(Image.new("RGB", (120, 80), THUMB_RGB), "WEBP"),
}


@pytest.mark.parametrize("name", ODD_GOOD_IMAGES)
def test_odd_but_valid_images_are_used(name: str) -> None:
    square = decode_square(ODD_GOOD_IMAGES[name], 96)
    assert square is not None
    assert (square.mode, square.size) == ("RGB", (96, 96))
    render(_input(owner_avatar=ODD_GOOD_IMAGES[name], goods_thumbnail=ODD_GOOD_IMAGES[name]))


# --- countdown and money text -----------------------------------------------


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(0), "已结束"),
        (timedelta(seconds=-1), "已结束"),
        (timedelta(days=-3), "已结束"),
        (timedelta(milliseconds=999), "已结束"),
        (timedelta(seconds=1), "还剩 1秒"),
        (timedelta(seconds=59), "还剩 59秒"),
        (timedelta(seconds=60), "还剩 1分"),
        (timedelta(minutes=59, seconds=59), "还剩 59分"),
        (timedelta(hours=1), "还剩 1小时0分"),
        (timedelta(hours=3, minutes=12), "还剩 3小时12分"),
        (timedelta(hours=3, minutes=12, seconds=59), "还剩 3小时12分"),
        (timedelta(hours=23, minutes=59, seconds=59), "还剩 23小时59分"),
        (timedelta(days=1), "还剩 1天0小时"),
        (timedelta(days=2, hours=5, minutes=30), "还剩 2天5小时"),
    ],
)
def test_countdown_text(left: timedelta, expected: str) -> None:
    assert countdown_text(NOW + left, NOW) == expected


def test_countdown_compares_instants_across_time_zones() -> None:
    shanghai = timezone(timedelta(hours=8))
    assert countdown_text(NOW.astimezone(shanghai) + timedelta(hours=1), NOW) == "还剩 1小时0分"


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (10, "¥0.10"),
        (100, "¥1.00"),
        (1234, "¥12.34"),
        (123_456_789, "¥1234567.89"),
        (-5, "-¥0.05"),
    ],
)
def test_fen_to_yuan_text(fen: int, text: str) -> None:
    assert fen_to_yuan_text(fen) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_fen_to_yuan_text_round_trips_exactly(fen: int) -> None:
    yuan, cents = fen_to_yuan_text(fen).removeprefix("¥").split(".")
    assert int(yuan) * 100 + int(cents) == fen and len(cents) == len("00")


@pytest.mark.parametrize("bad", [12.34, True, "1234"])
def test_fen_to_yuan_text_refuses_non_int(bad: Any) -> None:
    with pytest.raises(TypeError):
        fen_to_yuan_text(bad)


@pytest.mark.parametrize(
    "overrides",
    [
        {"now": datetime(2026, 3, 1)},  # noqa: DTZ001
        {"expire_time": datetime(2026, 3, 2)},  # noqa: DTZ001
        {"amount_fen": -1},
        {"remaining_fen": 1.5},
    ],
)
def test_poster_input_rejects_naive_times_and_bad_amounts(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        _input(**overrides)


# --- purity -----------------------------------------------------------------


def test_imaging_imports_no_io_frameworks() -> None:
    code = (
        "import sys, imaging.poster\n"
        "bad = {'tortoise', 'redis', 'sanic', 'httpx'} & {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"
