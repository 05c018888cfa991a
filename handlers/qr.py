"""QR codes for activation strings."""

from __future__ import annotations

import io
import math

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

# At least 10 px per module and 300 px in all, with the standard 4-module quiet zone:
# big enough to scan from a screen (shared/reference/stack-notes.md, section 2).
MAX_PIXELS = 40_000_000
MIN_SCALE = 10
MIN_WIDTH_PX = 300
QR_BORDER = 4


def make_qr_png(activation_string: str) -> bytes:
    """A PNG of a regular QR code (never Micro QR) that encodes the string exactly."""
    code = segno.make(activation_string, error="m", micro=False, mode="byte")
    modules, _ = code.symbol_size(scale=1, border=QR_BORDER)
    scale = max(MIN_SCALE, math.ceil(MIN_WIDTH_PX / modules))
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=QR_BORDER)
    return buffer.getvalue()


def read_qr_codes(image: bytes) -> list[str]:
    """The texts of the QR codes in an image; empty if it has none or is no image."""
    try:
        with Image.open(io.BytesIO(image)) as picture:
            if picture.width * picture.height > MAX_PIXELS:
                return []  # a screenshot is far smaller; this is no QR picture
            found = zxingcpp.read_barcodes(
                picture, formats=zxingcpp.BarcodeFormat.QRCode
            )
    except (UnidentifiedImageError, OSError, ValueError):
        return []
    return [result.text for result in found]
