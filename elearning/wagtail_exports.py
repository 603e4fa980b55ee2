"""Wagtail's admin exports write every cell through ``safe_cell``.

Wagtail's ``SpreadsheetExportMixin`` (site history and the other reports,
redirects, any listing given ``list_export``) writes values as they are:
a page, person or site whose name is ``=HYPERLINK(…)`` becomes a live
formula in the CSV. Its views are Wagtail's own, mounted by its URLconf, with
no hook to swap their class, so the mixin itself is adapted here, once, when
the app is ready: the value of each cell and each heading, after Wagtail's
own preprocessing, goes through :func:`elearning.spreadsheets.safe_cell`.

Every CSV and XLSX row Wagtail writes passes through those two methods
(``write_csv_row``/``generate_xlsx_row`` call ``preprocess_field_value``,
``stream_csv``/``write_xlsx`` call ``get_heading``). ``install()`` refuses
to start if they are gone, and ``tests/test_exports.py`` fails if a Wagtail
view stops using them.
"""

from __future__ import annotations

from functools import wraps

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from .spreadsheets import safe_cell

# The methods every Wagtail export passes each cell through.
PATCHED = ("preprocess_field_value", "get_heading")


def _neutralised(method):
    @wraps(method)
    def wrapper(*args, **kwargs):
        return safe_cell(method(*args, **kwargs))

    wrapper.neutralises_formulas = True
    return wrapper


def install() -> None:
    """Wrap the mixin's methods once (idempotent)."""
    for name in PATCHED:
        method = getattr(SpreadsheetExportMixin, name, None)
        if method is None:
            raise RuntimeError(
                f"wagtail's SpreadsheetExportMixin has no {name}(): exports "
                "would write formulas raw; adapt elearning/wagtail_exports.py"
            )
        if not getattr(method, "neutralises_formulas", False):
            setattr(SpreadsheetExportMixin, name, _neutralised(method))
