"""QR codes: the certificate's verification code and the class check-in code.

One encoder for both: zxing-cpp, whose writer is zint. It encodes in C and
chooses the mask by the standard's penalty rules, as every common encoder
does; the pure-Python encoder used before spent ~5 ms of every certificate
on that choice, this one ~0.6 ms for the whole PNG
(bench/results/history.md).
"""

from __future__ import annotations

import base64
import io

import zxingcpp
from PIL import Image


def qr_png(text: str, *, scale: int, quiet_zone: bool) -> bytes:
    """``text`` as a QR code (error correction M) in a 1-bit PNG of ``scale``
    pixels a module, with the standard's four-module quiet zone or none."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(barcode.to_image(scale=scale, add_quiet_zones=quiet_zone))
    height, width = pixels.shape
    image = Image.frombuffer("L", (width, height), pixels, "raw", "L", 0, 1)
    buffer = io.BytesIO()
    image.convert("1", dither=Image.Dither.NONE).save(buffer, "PNG")
    return buffer.getvalue()


def qr_data_url(text: str, *, scale: int, quiet_zone: bool) -> str:
    """:func:`qr_png` as a ``data:`` URL, for an ``<img>`` or a PDF."""
    png = qr_png(text, scale=scale, quiet_zone=quiet_zone)
    return f"data:image/png;base64,{base64.b64encode(png).decode()}"
