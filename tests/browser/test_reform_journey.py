"""The province after the reform, end to end with real parts: a district's
learner of 2024 is moved to Xã Xuân Lộc, the commune's officer imports the
commune's staff list, the learner studies and gets a certificate whose PDF
and verify page name the Sở Khoa học và Công nghệ, while their 2024
certificate still names the Sở Thông tin và Truyền thông."""

import datetime
import io
import zoneinfo
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import sign_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
STAFF_FILE = (
    Path(__file__).resolve().parents[1] / "data" / "staff_import_xa_xuan_loc.csv"
)
STTTT = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
SKHCN = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"


def _world():
    """Units, issuers, a template and two courses (2024 and today's)."""
    from django.contrib.auth.models import Group
    from wagtail.models import Site

    from certificates.demo import default_template, seed_issuers
    from courses.models import CourseIndexPage
    from elearning.people.models import Role
    from elearning.people.services import unit_files_load
    from tests.courses.conftest import make_course, make_lessons

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    unit_files_load()
    seed_issuers()
    default_template()
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    Site.objects.get(is_default_site=True).root_page.add_child(instance=index)
    old = make_course(index, code="ATTT-2024", title="An toàn thông tin năm 2024")
    new = make_course(index, code="ATTT-2026", title="An toàn thông tin năm 2026")
    for course in (old, new):
        for lesson in make_lessons(course, 1):
            lesson.min_study_seconds = 30
            lesson.save_revision().publish()
        course.save_revision().publish()
    return old, new


def _studied_in_2024(time_machine, course):
    """A learner of Huyện Xuân Lộc finishes the 2024 course and is issued
    its certificate then, through the platform's own services."""
    from certificates.services import certificate_issue
    from courses.models import LessonPage
    from courses.services import enrolment_create, lesson_complete, lesson_study_beat
    from elearning.people.selectors import unit_on
    from tests.factories import make_person

    time_machine.move_to(datetime.datetime(2024, 10, 1, 9, tzinfo=VN), tick=False)
    learner = make_person(
        role="learner",
        unit=unit_on("741"),
        full_name="Nguyễn Văn An",
        email="an.nv@xuanloc.dongnai.gov.vn",
    )
    district_officer = make_person(
        role="officer",
        unit=unit_on("741"),
        full_name="Phạm Minh Châu",
        email="canbo.huyen@xuanloc.example.gov.vn",
    )
    enrolment_create(learner=learner, course=course, actor=district_officer)
    lesson = LessonPage.objects.child_of(course).get()
    lesson_study_beat(learner=learner, lesson=lesson, visible=True)
    time_machine.shift(31)
    lesson_study_beat(learner=learner, lesson=lesson, visible=True)
    lesson_complete(learner=learner, lesson=lesson)
    time_machine.move_to(datetime.datetime(2024, 11, 20, 9, tzinfo=VN), tick=False)
    return certificate_issue(learner=learner, course=course)


def _pdf_text(page, url: str) -> str:
    response = page.request.get(url)
    assert response.ok, response.status
    return " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages
    )


def test_a_commune_officer_imports_and_the_certificate_names_todays_issuer(
    page, phone_page, live_server, time_machine, screenshot
):
    from django.utils import timezone

    from certificates.models import Certificate
    from courses.models import Enrolment
    from elearning.people.selectors import unit_on
    from elearning.people.unit_moves import units_migrate
    from tests.factories import make_person, make_ready

    now = timezone.now()
    old_course, course = _world()
    in_2024 = _studied_in_2024(time_machine, old_course)
    assert in_2024.number == "0001/2024/GCN-STTTT"
    time_machine.move_to(now, tick=True)

    # The province admin moves the district's people to the commune.
    commune = unit_on("26425")
    learner = in_2024.learner
    units_migrate(moves=[(learner.profile, commune)])
    officer = make_person(
        role="officer",
        unit=commune,
        full_name="Lê Hoàng Đức",
        email="canbo@xuanloc.example.gov.vn",
    )

    # The commune's officer imports the commune's staff list.
    sign_in_by_cookie(page, live_server, officer)
    page.goto(live_server.url + "/quan-ly/nhap-tu-tep/")
    page.set_input_files("input[type=file]", str(STAFF_FILE))
    page.select_option("select[name=course]", label=course.title)
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_text("tất cả hợp lệ").wait_for()
    screenshot(page, "reform_import_preview")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.get_by_text("Đã nhập xong.").wait_for()
    assert page.watch.console_errors == []
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert enrolment.unit == commune
    # The officer sees the learner's history made under the district.
    page.goto(live_server.url + f"/quan-ly/hoc-vien/{learner.pk}/")
    expect(page.get_by_role("heading", name=old_course.title)).to_be_visible()

    # The learner studies the lesson on a phone and is done.
    make_ready(learner)
    sign_in_by_cookie(phone_page, live_server, learner)
    phone_page.goto(live_server.url + "/khoa-hoc-cua-toi/")
    phone_page.get_by_role("link", name="Bước tiếp theo").click()
    expect(
        phone_page.get_by_role("button", name="Đánh dấu đã học xong")
    ).to_be_visible()
    # The study itself goes through the services the page's heartbeats call
    # (the heartbeat-driven marking on a phone is test_courses_journey's):
    # half a minute on screen, then the lesson done.
    from courses.models import LessonPage
    from courses.services import lesson_complete, lesson_study_beat

    lesson = LessonPage.objects.child_of(course).get()
    lesson_study_beat(learner=learner, lesson=lesson, visible=True)
    time_machine.shift(31)
    lesson_study_beat(learner=learner, lesson=lesson, visible=True)
    assert lesson_complete(learner=learner, lesson=lesson).enrolment.learner == learner

    # Issued today: the Sở Khoa học và Công nghệ; the 2024 one keeps its issuer.
    from certificates.services import certificate_issue

    today = certificate_issue(learner=learner, course=course)
    assert today.number.endswith("/GCN-SKHCN") and today.unit == commune
    assert Certificate.objects.get(pk=in_2024.pk).unit == unit_on(
        "741", datetime.date(2024, 11, 20)
    )
    for certificate, body, other in ((today, SKHCN, STTTT), (in_2024, STTTT, SKHCN)):
        text = _pdf_text(
            phone_page, f"{live_server.url}/certificates/{certificate.pk}/pdf/"
        )
        assert body in text and other not in text, certificate.number
        phone_page.goto(f"{live_server.url}/verify/{certificate.token}/")
        verify = phone_page.locator("main").inner_text()
        assert body in verify and other not in verify, certificate.number
        assert certificate.number in verify
    screenshot(phone_page, "reform_verify_2024_phone")
    assert phone_page.watch.console_errors == []
    assert phone_page.watch.foreign_requests == []
