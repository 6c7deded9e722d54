"""Rebuild the fonts shipped in this folder from Debian's ``fonts-noto-cjk``.

Not run at install or test time: the output files are committed. This script
documents exactly how they were made so anyone can reproduce or update them.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb deb
    python imaging/fonts/build_fonts.py deb/usr/share/fonts/opentype/noto

Outputs (next to this file):
- ``NotoSansCJKsc-Regular.otf``: the complete Simplified Chinese face (every
  code point its cmap maps, ~44.8k, incl. all of GB 18030's BMP hanzi),
  extracted from the TTC collection. Same content as upstream's single OTF.
- ``NotoSansCJKsc-Bold-subset.otf``: the Bold SC face cut down to printable
  ASCII, CJK punctuation, full-width forms and the 3,755 level-1 GB 2312
  hanzi; used only for our own fixed copy and the amount.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SC_FACE_INDEX = 2  # JP, KR, SC, TC, HK, then the Mono faces
OUT_DIR = Path(__file__).resolve().parent


def gb2312_level1() -> set[int]:
    """Code points of the 3,755 level-1 (most common) GB 2312 hanzi."""
    points: set[int] = set()
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # 0xD7FA..0xD7FE are unassigned
    return points


def bold_code_points() -> set[int]:
    """Everything the Bold subset must cover."""
    points = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040))
    points |= set(range(0xFF00, 0xFFF0)) | {0xA5, 0xB7, 0x2026, 0x2014}
    points |= set(range(0x2018, 0x2020))
    return points | gb2312_level1()


def subset_face(ttc_path: Path, unicodes: Iterable[int] | None, out: Path) -> None:
    """Extract the SC face of ``ttc_path``; keep ``unicodes`` (None = its cmap)."""
    font = TTCollection(str(ttc_path)).fonts[SC_FACE_INDEX]
    cmap = font.getBestCmap()
    wanted = cmap.keys() if unicodes is None else set(unicodes) & cmap.keys()
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(str(out))
    print(f"{out.name}: {len(wanted)} code points, {out.stat().st_size} bytes")


def main(noto_dir: str) -> None:
    """Write both shipped fonts from the Debian package's TTC files."""
    src = Path(noto_dir)
    subset_face(src / "NotoSansCJK-Regular.ttc", None, OUT_DIR / "NotoSansCJKsc-Regular.otf")
    subset_face(
        src / "NotoSansCJK-Bold.ttc", bold_code_points(), OUT_DIR / "NotoSansCJKsc-Bold-subset.otf"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
