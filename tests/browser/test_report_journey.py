"""The 5 December report with real parts: PostgreSQL, Redis and a Celery
worker, Chromium. An officer asks for the unit's yearly report in PDF and
XLSX; the worker makes both; the figures in each are the database's,
counted here with the ORM, not the report's own code."""

from __future__ import annotations

import datetime
import io
import unicodedata
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.reports.dataset import courses, dataset, make_dataset  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
YEAR = 2026


def sign_in_for_exports(page, live_server, user) -> None:
    """Signed in, past MFA, and re-authenticated as before an export."""
    from django.conf import settings

    from tests.factories import reauthenticate

    client = Client()
    client.force_login(user)
    reauthenticate(client)
    session = client.session
    session["allauth_mfa_authenticated"] = True
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def database_figures(unit) -> dict[str, int]:
    """The unit's enrolments of the year counted straight from the tables:
    made in the year and not withdrawn; completed in the year. An enrolment
    belongs to the unit it was made in, or (made before records kept one)
    to its learner's."""
    from django.db.models import Q

    from courses.models import Enrolment

    start = datetime.datetime(YEAR, 1, 1, tzinfo=datetime.UTC) - datetime.timedelta(
        hours=7
    )
    end = start.replace(year=YEAR + 1)
    rows = Enrolment.objects.filter(
        Q(unit=unit) | Q(unit__isnull=True, learner__profile__unit=unit)
    ).exclude(status=Enrolment.Status.WITHDRAWN)
    return {
        "enrolled": rows.filter(created_at__gte=start, created_at__lt=end).count(),
        "completed": rows.filter(
            status=Enrolment.Status.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
        ).count(),
    }


def make_report(page, live_server, unit, fmt: str) -> bytes:
    page.goto(live_server.url + "/bao-cao/bao-cao-nam/")
    page.select_option("select[name=year]", str(YEAR))
    page.select_option("select[name=unit]", str(unit.pk))
    page.select_option("select[name=format]", fmt)
    page.get_by_role("button", name="Lập báo cáo").click()
    link = page.get_by_role("link", name="Tải báo cáo về")
    expect(link).to_be_visible(timeout=120_000)  # the worker made it
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == (
        f"bao-cao-nam-{YEAR}-huyen-xuan-loc.{fmt}"
    )
    return Path(download.value.path()).read_bytes()


def test_an_officers_yearly_report_made_by_the_worker_matches_the_database(
    worker,
    page,
    live_server,
    dataset,  # noqa: F811
    officer,
    units,
    screenshot,
):
    unit = units["741"]
    expected = database_figures(unit)
    assert expected["enrolled"] > expected["completed"] > 0
    sign_in_for_exports(page, live_server, officer)

    workbook = load_workbook(io.BytesIO(make_report(page, live_server, unit, "xlsx")))
    rows = [[c.value for c in row] for row in workbook.active.iter_rows()]
    # The results table: its head names the columns, its total closes it.
    head = next(
        n
        for n, row in enumerate(rows)
        if "Ghi danh" in row and "Hoàn thành" in row and "Đang học" in row
    )
    columns = rows[head]
    total = next(row for row in rows[head + 1 :] if row[0] == "Tổng cộng")
    assert total[columns.index("Ghi danh")] == expected["enrolled"]
    assert total[columns.index("Hoàn thành")] == expected["completed"]

    pdf = make_report(page, live_server, unit, "pdf")
    text = " ".join(
        unicodedata.normalize("NFC", p.extract_text())
        for p in PdfReader(io.BytesIO(pdf)).pages
    )
    text = " ".join(text.split())
    assert f"Tổng cộng {expected['enrolled']} " in text
    assert "Huyện Xuân Lộc" in text or "huyện Xuân Lộc" in text
    screenshot(page, "journey_yearly_report_done")
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
