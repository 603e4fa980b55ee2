"""Numbers as Vietnamese documents write them."""

from __future__ import annotations

from decimal import Decimal


def decimal_text(value: Decimal) -> str:
    """92 and 85,5: a decimal comma, no trailing zeros and no exponent,
    whether the value is 92 or 92.00 (as read back from a DecimalField)."""
    return format(value.normalize(), "f").replace(".", ",")
