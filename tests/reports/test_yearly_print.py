"""The yearly report PDF can be sent: laid out for print with many rows.

With a unit's full list of agencies the report runs over several pages; it
once split a row across pages (the figures on one page, the name on the
next), printed "Tổng cộng" on every page a table reached, and left the
signature block's last line alone on a page of its own."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from elearning.reports.metrics import Figure, Metric
from elearning.reports.selectors import Row, Table
from elearning.reports.yearly import YearlyReport, render_pdf

pytestmark = pytest.mark.django_db

ROWS = 45


def metric(key, label):
    return Metric(key=key, label=label, compute=lambda *a, **k: {})


def report_of(n_tables: int) -> YearlyReport:
    metrics = [metric("enrolled", "Ghi danh"), metric("completed", "Hoàn thành")]
    tables = []
    for t in range(n_tables):
        rows = [
            # A long name wraps on three lines: the row is tall.
            Row(
                f"Trung tâm dịch vụ công và chuyển đổi số trực thuộc đơn vị "
                f"kiểm thử Bảng{t}Dòng{i:02d}",
                {"enrolled": Figure(7000 + 100 * t + i), "completed": Figure(1)},
            )
            for i in range(ROWS)
        ]
        tables.append(
            Table(
                caption=f"Bảng kiểm thử {t}",
                head="Cơ quan, đơn vị",
                metrics=metrics,
                rows=rows,
                total=Row("Tổng cộng", {"enrolled": Figure(1), "completed": Figure(2)}),
            )
        )
    import datetime

    return YearlyReport(
        year=2026,
        unit=None,
        province=None,
        day=datetime.date(2026, 12, 5),
        superior="UBND TỈNH ĐỒNG NAI",
        issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        number="Số: …/BC-SKHCN",
        place_date="Đồng Nai, ngày 05 tháng 12 năm 2026",
        title="BÁO CÁO\nKết quả thực hiện Kế hoạch 83/KH-UBND năm 2026",
        narrative=["Đoạn mở đầu."],
        tables=tables,
        total=tables[0].total,
    )


def pages_text(content: bytes) -> list[str]:
    return [
        " ".join(unicodedata.normalize("NFC", p.extract_text()).split())
        for p in PdfReader(io.BytesIO(content)).pages
    ]


@pytest.mark.parametrize("n_tables", [1, 2])
def test_no_row_split_total_once_signature_kept(n_tables):
    pages = pages_text(render_pdf(report_of(n_tables)))
    assert len(pages) > 2
    for t in range(n_tables):
        for i in range(ROWS):
            label = f"Bảng{t}Dòng{i:02d}"
            number = f"{7000 + 100 * t + i:,}".replace(",", ".")
            on = [p for p, text in enumerate(pages) if label in text]
            assert len(on) == 1, (label, on)
            # The row's figures are on the page that shows its name.
            assert number in pages[on[0]], (label, number)
    # Each table's total once, not on every page the table reaches.
    assert sum(text.count("Tổng cộng") for text in pages) == n_tables
    # The signature block is not split, and shares its page with figures.
    sign = [p for p, text in enumerate(pages) if "Nơi nhận" in text]
    assert len(sign) == 1
    last = pages[sign[0]]
    for words in ("UBND tỉnh (b/c);", "Lưu: VT.", "THỦ TRƯỞNG CƠ QUAN"):
        assert words in last
    assert re.search(r"Bảng\d+Dòng\d+|Tổng cộng", last)
    # Every page carries content besides its number.
    assert all(len(re.sub(r"\b\d+\b", "", text).strip()) > 20 for text in pages)


def test_the_province_report_with_every_commune_prints_whole_rows(
    units_2025, courses, time_machine
):
    """The province's report of 2026 with all 95 communes and wards of today,
    each with learners: every row whole on its page, names with their
    diacritics as the units' files spell them, each total once."""
    import datetime as dt

    from elearning.people.models import AdministrativeUnit
    from elearning.reports.yearly import yearly_report_build
    from tests.factories import make_person

    from .dataset import at, enrol

    time_machine.move_to(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC))
    course_a, _ = courses
    communes = list(
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True
        ).order_by("code")
    )
    assert len(communes) == 95
    for n, commune in enumerate(communes):
        for k in range(1 + n % 3):
            person = make_person(
                role="learner",
                unit=commune,
                full_name=f"Người học {n}-{k}",
                email=f"hv{n}-{k}@example.gov.vn",
                ready=False,
            )
            enrol(person, course_a, created=at(2026, 3, 1))
    report = yearly_report_build(year=2026)
    pages = pages_text(render_pdf(report))
    names = [unicodedata.normalize("NFC", c.full_name) for c in communes]
    text = " ".join(pages)
    for name in names:
        assert re.search(re.escape(name) + r" \d", text), name
    # A name is always followed by its figures on its own page (or it is the
    # start of a longer unit name).
    for number, page in enumerate(pages):
        for name in names:
            for found in re.finditer(re.escape(name), page):
                after = page[found.end() :]
                longer = any(
                    other != name
                    and other.startswith(name)
                    and after.startswith(other[len(name) :])
                    for other in names
                )
                assert longer or re.match(r" \d", after), (number, name, after[:30])
    totals = sum(1 for table in report.tables if table.total is not None)
    assert sum(page.count("Tổng cộng") for page in pages) == totals
    sign = [p for p, page in enumerate(pages) if "Nơi nhận" in page]
    assert len(sign) == 1
    assert re.search(r"Tổng cộng|\d", pages[sign[0]].split("Nơi nhận")[0])
    assert all(len(re.sub(r"\b\d+\b", "", page).strip()) > 20 for page in pages)
