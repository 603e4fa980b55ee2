"""The QR check-in journey and the roster's offline queue, in Chromium."""

from __future__ import annotations

import datetime
import io

import pytest
import zxingcpp
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from courses.attendance.models import AttendanceRecord, ClassSession, TrainingClass
from courses.attendance.services import class_membership_add
from tests.factories import DEFAULT_PASSWORD

# serialized_rollback: the flush after a transactional test would remove what
# migrations made (role groups, Wagtail's root page and site).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def open_session(units, trainer, learner, province_admin):
    """A class in progress: its session started 5 minutes ago."""
    from wagtail.models import Site

    from courses.models import CourseIndexPage, CoursePage

    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    course = index.add_child(
        instance=CoursePage(title="An toàn thông tin", slug="attt", code="ATTT-B")
    )
    now = timezone.now()
    klass = TrainingClass.objects.create(
        course=course,
        code="ATTT-XL-B",
        name="Lớp tập huấn Xuân Lộc",
        unit=units["741"],
        start_date=timezone.localdate(now),
        end_date=timezone.localdate(now),
    )
    klass.trainers.add(trainer)
    class_membership_add(training_class=klass, learner=learner, added_by=province_admin)
    EmailAddress.objects.create(
        user=learner, email=learner.email, verified=True, primary=True
    )
    return ClassSession.objects.create(
        training_class=klass,
        start=now - datetime.timedelta(minutes=5),
        end=now + datetime.timedelta(hours=2),
        topic="Mật khẩu an toàn",
    )


def _read_qr(screenshot: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(screenshot)))]


def log_in_as(page, user, live_server):
    """Staff sign in with a second factor; the browser gets a session made
    by the test client instead."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


def test_learner_checks_in_by_qr_and_trainer_sees_it(
    page,
    phone_page,
    live_server,
    open_session,
    trainer,
    learner,
    axe_violations,
    screenshot,
):
    klass = open_session.training_class
    kwargs = {"code": klass.code, "session_id": open_session.pk}
    log_in_as(page, trainer, live_server)
    page.clock.install()
    page.goto(live_server.url + reverse("attendance:qr", kwargs=kwargs))
    checkin_url = page.locator("#checkin-link").get_attribute("data-checkin-url")
    assert checkin_url.startswith(live_server.url + "/lop-tap-huan/ATTT-XL-B/buoi/")
    # What a camera sees on the screen reads as the link.
    code = page.locator("#qr-image img")
    assert _read_qr(code.screenshot()) == [checkin_url]
    # The page swaps in the server's current code, whatever it showed.
    code.evaluate("img => { img.src = ''; }")
    frame_url = live_server.url + reverse("attendance:qr_frame", kwargs=kwargs)
    # One refresh: the page asks twice per rotation (attendance-qr.js).
    every = int(page.locator("#qr-box").get_attribute("data-refresh-ms"))
    with page.expect_response(frame_url) as frame:
        page.clock.run_for(max(5000, every // 2) + 1)
    expect(code).to_have_attribute("src", frame.value.json()["qr"])
    assert _read_qr(code.screenshot()) == [frame.value.json()["url"]]
    assert axe_violations(page) == []
    screenshot(page, "attendance_qr")

    # The learner scans it on a phone, is asked to sign in, and lands back.
    phone_page.goto(checkin_url)
    assert "/accounts/login/" in phone_page.url
    phone_page.fill("input[name=login]", learner.email)
    phone_page.fill("input[name=password]", DEFAULT_PASSWORD)
    phone_page.locator("form button[type=submit]").last.click()
    phone_page.wait_for_url(checkin_url)
    phone_page.click("#confirm-checkin")
    result = phone_page.locator("#checkin-result")
    assert result.inner_text() == "Đã điểm danh: Có mặt."
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "attendance_checked_in")
    record = AttendanceRecord.objects.get(session=open_session, learner=learner)
    assert (record.status, record.method) == ("present", "qr")

    # The trainer's roster shows it; the QR screen counts it.
    page.goto(live_server.url + reverse("attendance:roster", kwargs=kwargs))
    row = page.locator(f'li[data-learner="{learner.pk}"]')
    assert row.get_attribute("data-status") == "present"
    assert (
        row.locator('button[data-value="present"]').get_attribute("aria-pressed")
        == "true"
    )
    assert page.watch.console_errors == [] and phone_page.watch.console_errors == []
    assert page.watch.foreign_requests == [] and phone_page.watch.foreign_requests == []


def test_roster_keeps_changes_offline_and_sends_them_later(
    phone_page, live_server, open_session, trainer, learner, axe_violations, screenshot
):
    klass = open_session.training_class
    kwargs = {"code": klass.code, "session_id": open_session.pk}
    log_in_as(phone_page, trainer, live_server)
    phone_page.goto(live_server.url + reverse("attendance:roster", kwargs=kwargs))
    assert axe_violations(phone_page) == []
    phone_page.context.set_offline(True)
    row = phone_page.locator(f'li[data-learner="{learner.pk}"]')
    row.locator('button[data-value="late"]').click()
    expect(phone_page.locator("#sync-state")).to_contain_text(
        "Chưa lưu", timeout=15_000
    )
    queued = phone_page.evaluate(
        f"JSON.parse(localStorage.getItem('attendance-queue-{open_session.pk}'))"
    )
    assert queued[str(learner.pk)]["status"] == "late"
    assert not AttendanceRecord.objects.exists()
    screenshot(phone_page, "attendance_roster_offline")

    # Back online: the queue is sent and emptied.
    phone_page.context.set_offline(False)
    phone_page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone_page.locator("#sync-state")).to_have_text("Đã lưu", timeout=15_000)
    record = AttendanceRecord.objects.get(session=open_session, learner=learner)
    assert (record.status, record.recorded_by) == ("late", trainer)
    # "Tất cả có mặt" leaves the learner already marked as they were.
    phone_page.click("#all-present")
    assert AttendanceRecord.objects.get().status == "late"
