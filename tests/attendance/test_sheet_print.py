"""The sign-in sheet prints a full class: one row per person on one page,
the column heads on every page, the trainer's line after the last row, and
the heading of the body that ran the class on the session's day."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.demo import seed_issuers
from courses.attendance.models import ClassSession
from courses.attendance.services import class_membership_add
from tests.factories import make_person

pytestmark = pytest.mark.django_db

MEMBERS = 70
# Long names and agencies, the kind that wrap in a narrow column.
GIVEN = ["Phương Khánh", "Ngọc Quỳnh Như", "Hoàng Yến", "Thị Diễm Hương", "Đức Huỳnh"]


def pages_text(content: bytes) -> list[str]:
    return [
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split())
        for page in PdfReader(io.BytesIO(content)).pages
    ]


@pytest.fixture
def full_class(klass, units, province_admin):
    klass.capacity = MEMBERS
    klass.save(update_fields=["capacity"])
    people = []
    for i in range(MEMBERS):
        name = f"Tôn Nữ {GIVEN[i % len(GIVEN)]} Học viên số {i + 1:02d}"
        person = make_person(
            role="learner",
            unit=units["741"],
            full_name=name,
            email=f"hv{i}@xuanloc.example.gov.vn",
            ready=False,
        )
        class_membership_add(
            training_class=klass, learner=person, added_by=province_admin
        )
        people.append(name)
    return people


def sheet(client, klass, session) -> list[str]:
    response = client.get(
        reverse(
            "attendance:sign_in_sheet",
            kwargs={"code": klass.code, "session_id": session.pk},
        )
    )
    assert response.status_code == 200
    return pages_text(response.content)


def test_a_full_class_prints_whole_rows_with_heads_on_every_page(
    client, klass, sessions, full_class, trainer
):
    seed_issuers()
    client.force_login(trainer)
    pages = sheet(client, klass, sessions[0])
    assert len(pages) > 2
    response = client.get(
        reverse(
            "attendance:sign_in_sheet",
            kwargs={"code": klass.code, "session_id": sessions[0].pk},
        )
    )
    # A name a reader can tell apart in a folder of downloads.
    assert (
        'filename="danh-sach-ky-ten-attt-xl-01-01-12-2026.pdf"'
        in (response["Content-Disposition"])
    )
    for name in full_class:
        on = [n for n, text in enumerate(pages) if name in text]
        assert len(on) == 1, (name, on)  # the whole name, on one page
    # Numbered in order across pages, each number once.
    numbers = [
        int(n) for text in pages for n in re.findall(r"Học viên số (\d\d)", text)
    ]
    assert numbers == list(range(1, MEMBERS + 1))
    for text in pages:
        assert "Họ và tên" in text and "Ký tên" in text
    # The trainer's line follows the last row, on a page with rows.
    assert "Giảng viên" in pages[-1]
    assert f"Học viên số {MEMBERS:02d}" in pages[-1]
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in pages[0]


def test_a_session_before_the_merger_is_headed_by_the_department_of_then(
    client, klass, trainer, member
):
    seed_issuers()
    earlier = ClassSession.objects.create(
        training_class=klass,
        start=datetime.datetime(2024, 11, 5, 8, tzinfo=datetime.UTC),
        end=datetime.datetime(2024, 11, 5, 10, tzinfo=datetime.UTC),
        topic="Buổi năm 2024",
    )
    client.force_login(trainer)
    first = sheet(client, klass, earlier)[0]
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in first
    assert "SỞ KHOA HỌC" not in first
    assert "UBND TỈNH ĐỒNG NAI" in first
