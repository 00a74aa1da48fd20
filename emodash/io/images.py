"""Reading images from files or uploaded bytes, with a clear message for anything that is not one."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from emodash.core.errors import InputError

#: Larger images are refused rather than decoded (a 100-megapixel upload would take seconds and gigabytes).
MAX_PIXELS = 40_000_000


def decode_image(data: bytes, name: str = "image") -> np.ndarray:
    """Decode image bytes (JPEG, PNG, BMP, WebP, TIFF, ...) into a BGR uint8 array."""
    if not data:
        raise InputError(f"{name}: the file is empty")
    buf = np.frombuffer(data, dtype=np.uint8)
    header = cv2.imdecode(buf, cv2.IMREAD_REDUCED_GRAYSCALE_8)
    if header is None:
        raise InputError(f"{name}: not an image that can be read (expected JPEG, PNG, BMP, WebP or TIFF)")
    if header.size * 64 > MAX_PIXELS:
        raise InputError(
            f"{name}: the image is too large (about {header.size * 64 / 1e6:.0f} megapixels; "
            f"the limit is {MAX_PIXELS / 1e6:.0f})"
        )
    img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if img is None:
        raise InputError(f"{name}: the image is corrupt or truncated")
    return img


def read_image(path: str | Path) -> np.ndarray:
    """Read an image file into a BGR uint8 array."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    return decode_image(p.read_bytes(), str(p))
