"""QR codes (elearning.qr): what a phone's camera reads, and how."""

from __future__ import annotations

import base64
import io

import pytest
import zxingcpp
from PIL import Image

from elearning.qr import qr_data_url, qr_png


def _modules(png: bytes, scale: int, border: int) -> list[list[bool]]:
    image = Image.open(io.BytesIO(png)).convert("L")
    side = image.width // scale - 2 * border
    pixels = image.load()
    return [
        [
            pixels[(border + col) * scale, (border + row) * scale] < 128
            for col in range(side)
        ]
        for row in range(side)
    ]


def _format_bits(modules: list[list[bool]]) -> tuple[str, int]:
    """(error correction level, mask) read from the format information next
    to the top-left finder pattern, checked against the 32 valid codewords
    (ISO/IEC 18004, BCH(15,5) XOR 101010000010010)."""
    cells = [(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)]
    cells += [(r, 8) for r in (7, 5, 4, 3, 2, 1, 0)]
    bits = 0
    for row, col in cells:
        bits = bits << 1 | modules[row][col]

    def codeword(data: int) -> int:
        value = data << 10
        for shift in range(4, -1, -1):
            if value >> (shift + 10) & 1:
                value ^= 0x537 << shift
        return (data << 10 | value) ^ 0x5412

    (data,) = [d for d in range(32) if codeword(d) == bits]
    return {0: "M", 1: "L", 2: "H", 3: "Q"}[data >> 3], data & 7


@pytest.mark.parametrize(
    ("scale", "quiet_zone", "border"), [(4, False, 0), (8, True, 4)]
)
def test_a_reader_decodes_the_text_back(scale, quiet_zone, border):
    text = "https://daotao.example.vn/xac-minh/Zk3_q9-TtV0a8RwYbE2mNc"
    png = qr_png(text, scale=scale, quiet_zone=quiet_zone)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "1"  # two colours, nothing to smooth
    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == text
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    modules = _modules(png, scale, border)
    assert len(modules) == image.width // scale - 2 * border
    # The top-left finder pattern sits right after the quiet zone.
    assert modules[0][:7] == [True] * 7 and modules[1][1:6] == [False] * 5
    if quiet_zone:
        assert Image.open(io.BytesIO(png)).convert("L").getpixel((0, 0)) == 255


def test_the_mask_is_chosen_for_each_code_at_level_m():
    """Level M as asked, and the mask is the encoder's choice for each code
    (the standard's penalty rules), not one fixed pattern."""
    masks = set()
    for number in range(40):
        png = qr_png(
            f"https://daotao.example.vn/xac-minh/{number:04d}-{number * 7919:x}",
            scale=1,
            quiet_zone=False,
        )
        level, mask = _format_bits(_modules(png, 1, 0))
        assert level == "M"
        masks.add(mask)
    assert len(masks) >= 3, masks


def test_data_url_carries_the_png():
    url = qr_data_url("ATTT", scale=2, quiet_zone=True)
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    assert base64.b64decode(url.removeprefix(prefix)) == qr_png(
        "ATTT", scale=2, quiet_zone=True
    )
