"""CJK fonts shipped in ``imaging/fonts/`` and text fitting for the poster.

Contract: every string this module hands back for drawing contains only code
points that the chosen font's cmap maps, so Pillow never draws a .notdef box
("tofu"); characters the font lacks (emoji, rare scripts, control and format
characters) are dropped. Fonts and cmaps are loaded once per process and
cached; nothing else touches the file system. The cached FreeType faces are
shared by threads (``asyncio.to_thread``): safe under the GIL, and Pillow
locks each face itself on free-threaded builds.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
ELLIPSIS = "…"
MAX_INPUT_CHARS = 256  # user text beyond this can never fit on the poster
_WHITESPACE = re.compile(r"\s+")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class Weight(Enum):
    """Shipped faces: full Regular, Bold cut to ASCII + common hanzi."""

    REGULAR = "NotoSansCJKsc-Regular.otf"
    BOLD = "NotoSansCJKsc-Bold-subset.otf"

    @property
    def path(self) -> Path:
        """Absolute path of the font file."""
        return FONT_DIR / self.value


class FontMissingError(RuntimeError):
    """A shipped font file is absent (broken checkout or packaging)."""


@cache
def coverage(weight: Weight) -> frozenset[int]:
    """Code points the face maps to a real glyph (its best Unicode cmap)."""
    if not weight.path.is_file():
        raise FontMissingError(
            f"CJK font {weight.path} is missing; it ships in git under imaging/fonts/"
        )
    with TTFont(str(weight.path), lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=64)
def font(weight: Weight, size_px: int) -> ImageFont.FreeTypeFont:
    """The face at ``size_px``, using Pillow's basic (deterministic) layout."""
    coverage(weight)  # fail with a clear message before FreeType does
    return ImageFont.truetype(str(weight.path), size_px, layout_engine=ImageFont.Layout.BASIC)


def drawable(text: str, weight: Weight) -> str:
    """``text`` NFC-normalised, whitespace collapsed, uncovered chars dropped."""
    cmap = coverage(weight)
    text = unicodedata.normalize("NFC", text[: MAX_INPUT_CHARS * 2])
    text = _WHITESPACE.sub(" ", text)
    kept = (
        ch for ch in text if ord(ch) in cmap and unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    return "".join(kept).strip()[:MAX_INPUT_CHARS]


def _longest_prefix(text: str, face: ImageFont.FreeTypeFont, max_width_px: float) -> int:
    """Length of the longest prefix of ``text`` no wider than ``max_width_px``."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if face.getlength(text[:mid]) <= max_width_px:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _word_safe_cut(text: str, cut: int) -> int:
    """Move ``cut`` back so a Latin word or number ("MatePad", "11.5") stays whole.

    Keeps ``cut`` when the line holds nothing but that one word.
    """
    start = cut
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    return start or cut


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".+-_%'")


def ellipsize(text: str, face: ImageFont.FreeTypeFont, max_width_px: float) -> str:
    """``text`` if it fits in ``max_width_px``, else a prefix ending in "…"."""
    if face.getlength(text) <= max_width_px:
        return text
    room = max_width_px - face.getlength(ELLIPSIS)
    return text[: _longest_prefix(text, face, room)].rstrip() + ELLIPSIS


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width_px: float, max_lines: int) -> list[str]:
    """Break ``text`` per character into at most ``max_lines`` lines that fit.

    CJK text has no spaces, so lines break between any two characters; the
    last line is ellipsized when text remains. Returns [] for empty text.
    """
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines - 1:
        cut = max(1, _longest_prefix(rest, face, max_width_px))
        if cut >= len(rest):
            break
        cut = _word_safe_cut(rest, cut)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(ellipsize(rest, face, max_width_px))
    return lines
