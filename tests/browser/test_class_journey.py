"""A trainer runs a class with real parts: PostgreSQL, Redis and a Celery
worker, Chromium. The trainer shows the session's QR code, a learner checks
in on a phone, the trainer marks the others on the roster (phone), and the
sign-in sheet printed for the session lists the class under the body of the
day, with what the roster holds."""

from __future__ import annotations

import datetime
import io
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import DEFAULT_PASSWORD

from .conftest import sign_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def running_class(units, trainer, province_admin):
    """A class of Xuân Lộc in progress (its session started 5 minutes ago)
    with three learners."""
    from allauth.account.models import EmailAddress
    from wagtail.models import Site

    from certificates.demo import seed_issuers
    from courses.attendance.models import ClassSession, TrainingClass
    from courses.attendance.services import class_membership_add
    from courses.models import CourseIndexPage, CoursePage
    from tests.factories import make_person

    seed_issuers()
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    course = index.add_child(
        instance=CoursePage(title="An toàn thông tin", slug="attt", code="ATTT-J")
    )
    now = timezone.now()
    klass = TrainingClass.objects.create(
        course=course,
        code="ATTT-XL-J",
        name="Lớp tập huấn Xuân Lộc",
        unit=units["741"],
        start_date=timezone.localdate(now),
        end_date=timezone.localdate(now),
    )
    klass.trainers.add(trainer)
    learners = []
    for n, name in enumerate(["Nguyễn Văn Ấn", "Trần Thị Bích", "Lê Quốc Cường"]):
        person = make_person(
            role="learner",
            unit=units["741"],
            full_name=name,
            email=f"hv{n}@xuanloc.example.gov.vn",
        )
        EmailAddress.objects.create(
            user=person, email=person.email, verified=True, primary=True
        )
        class_membership_add(
            training_class=klass, learner=person, added_by=province_admin
        )
        learners.append(person)
    session = ClassSession.objects.create(
        training_class=klass,
        start=now - datetime.timedelta(minutes=5),
        end=now + datetime.timedelta(hours=2),
        topic="Mật khẩu an toàn",
    )
    return session, learners


def test_a_trainer_runs_a_class(
    worker,
    page,
    phone_page,
    second_phone_page,
    live_server,
    running_class,
    trainer,
    screenshot,
):
    from courses.attendance.models import AttendanceRecord

    session, (first, second, third) = running_class
    klass = session.training_class
    kwargs = {"code": klass.code, "session_id": session.pk}

    # The trainer puts the QR code on the screen.
    sign_in_by_cookie(page, live_server, trainer)
    page.goto(live_server.url + reverse("attendance:qr", kwargs=kwargs))
    checkin_url = page.locator("#checkin-link").get_attribute("data-checkin-url")

    # The first learner scans it on a phone, signs in and checks in.
    phone_page.goto(checkin_url)
    phone_page.fill("input[name=login]", first.email)
    phone_page.fill("input[name=password]", DEFAULT_PASSWORD)
    phone_page.locator("form button[type=submit]").last.click()
    phone_page.wait_for_url(checkin_url)
    phone_page.click("#confirm-checkin")
    expect(phone_page.locator("#checkin-result")).to_have_text("Đã điểm danh: Có mặt.")

    # The trainer marks the others on the roster, on a phone.
    trainer_phone = second_phone_page
    sign_in_by_cookie(trainer_phone, live_server, trainer)
    trainer_phone.goto(live_server.url + reverse("attendance:roster", kwargs=kwargs))
    row = trainer_phone.locator(f'li[data-learner="{first.pk}"]')
    assert row.get_attribute("data-status") == "present"
    trainer_phone.locator(f'li[data-learner="{second.pk}"]').locator(
        'button[data-value="late"]'
    ).click()
    trainer_phone.locator(f'li[data-learner="{third.pk}"]').locator(
        'button[data-value="absent"]'
    ).click()
    expect(trainer_phone.locator("#sync-state")).to_have_text("Đã lưu", timeout=15_000)
    screenshot(trainer_phone, "journey_roster_phone")
    marks = dict(
        AttendanceRecord.objects.filter(session=session).values_list(
            "learner_id", "status"
        )
    )
    assert marks == {first.pk: "present", second.pk: "late", third.pk: "absent"}

    # The sign-in sheet for the session lists the class.
    response = page.request.get(
        live_server.url + reverse("attendance:sign_in_sheet", kwargs=kwargs)
    )
    assert response.ok
    text = " ".join(
        unicodedata.normalize("NFC", p.extract_text())
        for p in PdfReader(io.BytesIO(response.body())).pages
    )
    text = " ".join(text.split())
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    for person in (first, second, third):
        assert person.get_full_name() in text
    assert klass.code in text
    for browser_page in (page, phone_page, trainer_phone):
        assert browser_page.watch.console_errors == []
        assert browser_page.watch.foreign_requests == []
