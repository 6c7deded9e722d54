"""Share-poster render time against a bare PNG encode of the same canvas.

    .venv/bin/python bench/poster_render.py [--n 30]

Prints figures only (no assertion). Every timed render uses a new packet
(amount, URL, times), i.e. no per-packet cache: "cold" per poster. The
process's first render, which also loads the fonts, is reported apart.
Baselines, same run, same canvas size and PNG settings:
- encode (poster pixels): PNG-encoding the finished poster's pixels — the
  part of a render no layout work can avoid; the target ratio is <= 4x;
- encode (blank canvas): PNG-encoding a one-colour canvas, for scale.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imaging.poster import (  # noqa: E402
    CANVAS_SIZE,
    PNG_COMPRESS_LEVEL,
    RED,
    PosterInput,
    render,
)

TARGET_RATIO = 4.0


def _jpeg(size: tuple[int, int], seed: int) -> bytes:
    """A photo-like JPEG: gradient plus shapes, varied by ``seed``."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((seed % 50, 40, size[0] // 2, size[1] // 2), fill=(240, 180, seed % 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def make_input(i: int) -> PosterInput:
    """The i-th distinct packet, with a real-looking avatar and thumbnail."""
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    return PosterInput(
        goods_name=f"【官方旗舰店】华为平板电脑 MatePad 11.5英寸 8GB+256GB 深空灰 第{i}号",
        amount_fen=1000 + 37 * i,
        remaining_fen=321 + i,
        owner_nickname=f"张晓燕的小店～{i}号😀",
        owner_avatar=_jpeg((132, 132), i),
        goods_thumbnail=_jpeg((800, 800), i),
        share_url=f"https://fission.example.com/s/k3J9xQ2mZp7Lw8Rt{i:04d}",
        expire_time=now + timedelta(hours=3, minutes=i),
        now=now,
    )


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def main(n: int) -> None:
    """Time ``n`` renders and both baselines; print medians and ratios."""
    inputs = [make_input(i) for i in range(n + 1)]
    first_s = _timed(lambda: render(inputs[0]))
    render_s: list[float] = []
    pixels_s: list[float] = []
    blank_s: list[float] = []
    for p in inputs[1:]:
        start = time.perf_counter()
        png = render(p)
        render_s.append(time.perf_counter() - start)
        pixels = Image.open(io.BytesIO(png))
        pixels.load()
        pixels_s.append(_timed(partial(_encode, pixels)))
        blank_s.append(_timed(partial(_encode, Image.new("RGB", CANVAS_SIZE, RED))))
    render_ms = statistics.median(render_s) * 1000
    pixels_ms = statistics.median(pixels_s) * 1000
    blank_ms = statistics.median(blank_s) * 1000
    ratio = render_ms / pixels_ms
    width, height = CANVAS_SIZE
    print(f"canvas {width}x{height}, PNG compress_level={PNG_COMPRESS_LEVEL}, n={n}")
    print(f"first render in process (loads fonts): {first_s * 1000:8.1f} ms")
    print(f"render per poster, median:             {render_ms:8.1f} ms")
    print(f"bare PNG encode (poster pixels):       {pixels_ms:8.1f} ms")
    print(f"bare PNG encode (blank canvas):        {blank_ms:8.1f} ms")
    print(f"ratio render / encode(poster pixels):  {ratio:8.2f}x  (target <= {TARGET_RATIO:.0f}x)")
    print(f"ratio render / encode(blank canvas):   {render_ms / blank_ms:8.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="posters to time")
    main(parser.parse_args().n)
