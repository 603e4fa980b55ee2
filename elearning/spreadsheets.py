"""The one rule against formula injection, for every CSV and XLSX we write.

Every cell of every export goes through :func:`safe_cell`: the project's own
exports call it on each value they write, and Wagtail's admin exports (site
history, reports, listings) are routed through it by
``elearning.wagtail_exports``.
"""

from __future__ import annotations

from django.utils.functional import Promise

# Text starting with one of these is run as a formula by Excel/LibreOffice
# (CSV and XLSX alike): "=cmd|' /C calc'!A0", "+1+1", "@SUM(...)"; a leading
# tab or carriage return hides one (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula, made inert with a
    leading apostrophe; numbers, dates, ``None`` and plain text unchanged.

    A lazily translated string is written as the text it stands for."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
