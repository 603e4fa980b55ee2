"""Spreadsheet exports share one rule against formula injection."""

from __future__ import annotations

# Text starting with one of these is run as a formula by Excel/LibreOffice
# (CSV and XLSX alike): "=cmd|' /C calc'!A0", "+1+1", "@SUM(...)".
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula, made inert with a
    leading apostrophe; every other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
