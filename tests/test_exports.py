"""Every export neutralises formulas.

Wagtail's admin exports (site history, the page reports, workflows,
redirects) write no live formula: a learner, trainer, page or redirect whose
text is a formula comes out with a leading apostrophe when a province admin
(or, for what only they see, a superuser) downloads the CSV or XLSX, while
numbers and dates keep their type. The trainer named as a formula edits,
locks and sends for review a course titled as one; a learner imported under
a formula name is disabled by the officer (site history keeps both).

The platform's own exports are attacked in their apps' tests
(tests/reports, tests/courses, tests/certificates, tests/quizzes,
tests/attendance); the last tests here check that each module that writes a
file uses the one writer and the one function, and that the writer
neutralises every cell."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from courses.authoring import course_authoring_setup
from courses.models import CourseIndexPage
from elearning.people.services import user_set_active
from elearning.spreadsheets import XlsxBook
from tests.courses.conftest import make_course, make_lessons
from tests.factories import make_person
from tests.spreadsheet_cells import (
    AT_SUM,
    HYPERLINK,
    MINUS,
    PLUS,
    TAB,
    assert_inert,
    cells,
)

pytestmark = pytest.mark.django_db

# Every Wagtail export this platform serves, with what each one shows of
# the hostile data below.
EXPORTS = {
    # The learner's name (the entry's user, and in its label), the course
    # title and the trainer's name who published it.
    "wagtailadmin_reports:site_history": (HYPERLINK, MINUS, AT_SUM),
    "wagtailadmin_reports:locked_pages": (MINUS, AT_SUM),
    "wagtailadmin_reports:aging_pages": (MINUS,),
    "wagtailadmin_reports:workflow": (MINUS, AT_SUM),
    "wagtailadmin_reports:workflow_tasks": (MINUS, AT_SUM),
    "wagtailredirects:index": (PLUS,),
}
# Province admins may not unlock pages, manage redirects or read the log of
# people's accounts: only a superuser sees these (or these entries).
SUPERUSER_ONLY = {
    "wagtailadmin_reports:locked_pages",
    "wagtailadmin_reports:site_history",
    "wagtailredirects:index",
}
# Wagtail's form submissions are not listed: the platform has no form page
# type, and wagtail.contrib.forms is not installed.
NOTHING_TO_EXPORT: set[str] = set()


@pytest.fixture
def hostile(units, learner, officer, province_admin):
    """A course titled as a formula, edited, sent for review and locked by a
    trainer named as one; a learner named as one; a redirect to a formula."""
    trainer = make_person(
        role="trainer",
        unit=units["75"],
        full_name=AT_SUM,
        email="hostile.trainer@stttt.example.gov.vn",
    )
    site = Site.objects.get(is_default_site=True)
    catalogue = site.root_page.add_child(
        instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    )
    workflow = course_authoring_setup(index=catalogue)
    course = make_course(catalogue, title=MINUS, code="ATTT-XSS")
    make_lessons(course, 1)
    course.save_revision(user=province_admin).publish(user=province_admin)
    # The trainer edits it, sends it for review and keeps it locked.
    course.save_revision(user=trainer, log_action=True)
    workflow.start(course, trainer)
    Page.objects.filter(pk=course.pk).update(
        locked=True, locked_by=trainer, locked_at=timezone.now()
    )
    Redirect.objects.create(old_path="/cu", redirect_link=PLUS, site=site)

    # A learner imported under a formula name; their account is disabled
    # and enabled again (Wagtail's log keeps their name).
    learner.profile.full_name = HYPERLINK
    learner.profile.save()
    user_set_active(user=learner, active=False, actor=officer)
    return course


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_wagtail_export_neutralises_formulas(
    client, hostile, province_admin, name, fmt
):
    if name in SUPERUSER_ONLY:
        province_admin.is_superuser = True
        province_admin.save()
    client.force_login(province_admin)
    response = client.get(reverse(name), {"export": fmt})
    assert response.status_code == 200
    values = cells(response)
    assert_inert(values, *EXPORTS[name])
    if fmt == "xlsx":
        # Numbers and dates are still written as such.
        assert (
            any(
                isinstance(v, int | float | datetime.datetime)
                and not isinstance(v, bool)
                for v in values
            )
            or name == "wagtailredirects:index"
        )
    else:
        # The course's id or a date, as plain text.
        assert (
            any(v == str(hostile.pk) or v[:4].isdigit() for v in values)
            or name == "wagtailredirects:index"
        )


def _export_views(resolver=None, namespace=""):
    """(url name, view class) of every URL served by a Wagtail view that
    writes spreadsheets."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            yield from _export_views(pattern, inner)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
                continue
            kwargs = getattr(pattern.callback, "view_initkwargs", {})
            exports = kwargs.get("list_export", view_class.list_export)
            if exports or view_class.show_export_buttons is True:
                yield f"{namespace}{pattern.name}", view_class


def test_every_wagtail_export_is_tested():
    """A Wagtail export added by an upgrade or a new viewset with
    ``list_export`` must join EXPORTS above."""
    # "…_results" serves the same view's listing without its header.
    found = {name.removesuffix("_results") for name, _view in _export_views()}
    assert found == set(EXPORTS) | NOTHING_TO_EXPORT


def test_no_wagtail_export_bypasses_safe_cell():
    """Every Wagtail view writes cells through the two methods
    ``elearning.wagtail_exports`` wraps; one that overrides a writer or the
    wrapped methods would write raw values."""
    from elearning.wagtail_exports import PATCHED

    for name in PATCHED:
        assert getattr(SpreadsheetExportMixin, name).neutralises_formulas
    writers = {
        *PATCHED,
        "write_csv_row",
        "generate_xlsx_row",
        "stream_csv",
        "write_xlsx",
        "write_csv_response",
        "write_xlsx_response",
        "as_spreadsheet",
    }
    for name, view in _export_views():
        for klass in view.__mro__:
            if klass is SpreadsheetExportMixin:
                break
            overridden = writers & set(vars(klass))
            assert not overridden, (name, klass, overridden)


def _platform_modules():
    root = Path(__file__).resolve().parent.parent
    for package in ("elearning", "courses", "quizzes", "certificates"):
        for path in (root / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield str(path.relative_to(root)), path.read_text()


def test_every_file_the_platform_writes_uses_the_one_writer():
    """XLSX is built by ``elearning.spreadsheets.XlsxBook`` alone, and a
    module that writes CSV calls ``safe_cell``: a new export that builds
    its own workbook or forgets the function fails here before it reaches
    anyone."""
    modules = dict(_platform_modules())
    workbooks = [
        name
        for name, text in modules.items()
        if re.search(r"\bWorkbook\(|from openpyxl import (.*, )?Workbook\b", text)
    ]
    assert workbooks == ["elearning/spreadsheets.py"]
    csv_writers = [
        name
        for name, text in modules.items()
        if re.search(r"csv\.(Dict)?[Ww]riter\(", text)
    ]
    assert csv_writers  # the scan sees the exports
    assert [name for name in csv_writers if "safe_cell" not in modules[name]] == []
    users = [name for name, text in modules.items() if "XlsxBook()" in text]
    # The register, the report tables, the yearly report, quiz results,
    # attendance and the officer's enrolments.
    assert len(users) >= 6, users


@pytest.mark.parametrize("formula", [HYPERLINK, PLUS, MINUS, AT_SUM, TAB])
def test_xlsx_writer_neutralises_every_cell(formula):
    """Titles, headings and rows alike: a formula is stored as text with a
    leading apostrophe; numbers, rates and dates keep their type."""
    book = XlsxBook()
    sheet = book.sheet(formula, widths=(20, 10))
    sheet.title(formula, size=13)
    sheet.header([formula, "Điểm"])
    sheet.row([formula, 5])
    sheet.row(["Nguyễn Văn An", Decimal("85.5")])
    sheet.row([datetime.date(2026, 12, 5), -3])
    workbook = load_workbook(io.BytesIO(book.to_bytes()))
    found = [
        cell
        for row in workbook.worksheets[0].iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert not [c for c in found if c.data_type == "f"]
    values = [c.value for c in found]
    assert values.count("'" + formula) == 3
    assert "Nguyễn Văn An" in values
    assert 5 in values and -3 in values
    assert Decimal(str(values[values.index("Nguyễn Văn An") + 1])) == Decimal("85.5")
    assert datetime.datetime(2026, 12, 5) in values
    assert_inert(values, formula)
