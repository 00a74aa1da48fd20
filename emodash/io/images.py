"""Reading images from files or uploaded bytes: the one decoder, which checks before it allocates.

The header is read first (Pillow, which reads no pixels): the format must be one emodash reads, each side at least
`MIN_SIDE` pixels and the whole at most `MAX_PIXELS`; the file's chunks are then checked against its real length
(a 141-byte PNG whose chunk declares 2 GB is refused, not allocated), and only then does OpenCV decode it.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import cv2
import numpy as np

from emodash.core.errors import InputError

#: Larger images are refused rather than decoded (a 100-megapixel upload would take seconds and gigabytes).
MAX_PIXELS = 40_000_000
#: Larger files are refused before they are read into memory.
MAX_BYTES = 64 * 1024 * 1024
#: Smaller images hold no face to find (and OpenCV's detectors fail on them).
MIN_SIDE = 8
#: What the header check accepts (Pillow's names); OpenCV decodes each of them.
FORMATS = ("JPEG", "MPO", "PNG", "BMP", "WEBP", "TIFF", "PPM")  # MPO: phones' multi-picture JPEGs
#: Bytes a decoded image may take (width x height x channels x bytes per sample): a 16-bit or float image of
#: 40 megapixels would otherwise take gigabytes.
MAX_DECODED_BYTES = 256 * 1024 * 1024


def _bytes_per_sample(im: object, data: bytes) -> int:
    """Bytes of one sample of one band as the file stores it (what OpenCV decodes to with IMREAD_UNCHANGED):
    a PNG's bit depth from its header, a TIFF's BitsPerSample, else what Pillow's mode says."""
    if im.format == "PNG" and len(data) > 24:
        return 2 if data[24] == 16 else 1
    if im.format == "TIFF":
        bits = im.tag_v2.get(258, (8,))
        return max(1, max(bits if isinstance(bits, tuple) else (bits,)) // 8)
    return 2 if "16" in im.mode else 4 if im.mode in ("I", "F") or "32" in im.mode else 1


def check_header(data: bytes, name: str = "image") -> tuple[int, int, str]:
    """(width, height, format) from the header, InputError for anything that is not an image within the limits."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise InputError(f"{name}: the file is empty")
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: the file is too large ({len(data) / 2**20:.0f} MB; the limit is {MAX_BYTES >> 20})")
    unreadable = f"{name}: not an image that can be read (expected {', '.join(FORMATS)})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's own DecompressionBombWarning: our limit is below
            with Image.open(io.BytesIO(data)) as im:
                (width, height), fmt = im.size, im.format
                if fmt not in FORMATS:
                    raise InputError(unreadable)
                if width * height > MAX_PIXELS:
                    raise InputError(
                        f"{name}: the image is too large ({width} x {height}, {width * height / 1e6:.0f} megapixels; "
                        f"the limit is {MAX_PIXELS / 1e6:.0f})"
                    )
                decoded = width * height * len(im.getbands()) * _bytes_per_sample(im, data)
                if decoded > MAX_DECODED_BYTES:
                    raise InputError(
                        f"{name}: the image is too large to decode ({width} x {height} x {len(im.getbands())}: "
                        f"{decoded / 2**20:.0f} MB; the limit is {MAX_DECODED_BYTES >> 20} MB)"
                    )
                if min(width, height) < MIN_SIDE:
                    raise InputError(
                        f"{name}: the image is too small ({width} x {height}; at least {MIN_SIDE} px a side)"
                    )
                if fmt == "PNG":
                    im.verify()  # every chunk's length and CRC against the bytes really there
    except InputError:
        raise
    except Image.DecompressionBombError:
        raise InputError(f"{name}: the image is too large (the limit is {MAX_PIXELS / 1e6:.0f} megapixels)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise InputError(unreadable + " or it is corrupt or truncated") from None
    return width, height, fmt


def decode_image(data: bytes, name: str = "image", flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """Decode image bytes into a uint8 array: BGR by default, grey with `cv2.IMREAD_GRAYSCALE`, as stored with
    `cv2.IMREAD_UNCHANGED`; checked first (`check_header`)."""
    return decode_with_format(data, name, flags)[0]


def decode_with_format(data: bytes, name: str = "image", flags: int = cv2.IMREAD_COLOR) -> tuple[np.ndarray, str]:
    """`decode_image` and the file's format as its header names it (JPEG, PNG, ...)."""
    fmt = check_header(data, name)[2]
    img = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    if img is None or img.size == 0:
        raise InputError(f"{name}: the image is corrupt or truncated")
    if img.dtype == np.uint16:  # 16-bit PNG/TIFF: the top 8 bits, like every other image
        img = (img >> 8).astype(np.uint8)
    elif img.dtype != np.uint8:  # float or other depths: scaled to 0-255 in float32
        img = cv2.normalize(img.astype(np.float32), None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return img, fmt


def read_image(path: str | Path, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """Read an image file (see `decode_image`); the file's size is checked before it is read."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    if p.stat().st_size > MAX_BYTES:
        raise InputError(
            f"{p}: the file is too large ({p.stat().st_size / 2**20:.0f} MB; the limit is {MAX_BYTES >> 20})"
        )
    return decode_image(p.read_bytes(), str(p), flags)
