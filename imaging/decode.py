"""Safe decoding of untrusted image bytes (avatars, goods thumbnails).

Contract: ``decode_square`` never raises on bad input. Bytes that are None,
too large, of an unexpected format, oversized in pixels, truncated or
otherwise undecodable yield None, and the caller draws a placeholder.
"""

from __future__ import annotations

import io
import logging
from typing import Final

from PIL import Image, ImageOps

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES: Final = 2 * 1024 * 1024
MAX_SOURCE_PIXELS: Final = 4096 * 4096
ALLOWED_FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF", "BMP")


def _open_checked(data: bytes) -> Image.Image:
    """Open lazily, refusing non-whitelisted formats and pixel bombs."""
    image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    width, height = image.size
    if width <= 0 or height <= 0 or width * height > MAX_SOURCE_PIXELS:
        raise ValueError(f"refusing {width}x{height} image")
    return image


def _to_square_rgb(image: Image.Image, side_px: int) -> Image.Image:
    """Centre-crop to a square of ``side_px``, flattening alpha onto white."""
    image.draft("RGB", (side_px, side_px))  # JPEG: decode at a reduced scale
    image = ImageOps.exif_transpose(image)
    rgba = image.convert("RGBA")
    square = ImageOps.fit(rgba, (side_px, side_px), Image.Resampling.BICUBIC)
    flat = Image.new("RGB", square.size, (255, 255, 255))
    flat.paste(square, mask=square.getchannel("A"))
    return flat


def decode_square(data: bytes | None, side_px: int) -> Image.Image | None:
    """An RGB ``side_px`` square cropped from ``data``, or None if unusable."""
    if not data or len(data) > MAX_IMAGE_BYTES:
        return None
    try:
        with _open_checked(data) as image:
            return _to_square_rgb(image, side_px)
    # Pillow's decoders raise many unrelated types on hostile input (OSError,
    # ValueError, SyntaxError, EOFError, struct.error, DecompressionBombError,
    # ...). A bad upload must cost a placeholder, never the poster.
    except Exception as exc:  # noqa: BLE001
        log.info("image bytes unusable, drawing placeholder: %r", exc)
        return None
