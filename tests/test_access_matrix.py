"""Role × page access matrix over every URL pattern of the project.

The rules live in tests/access_rules.py. Unnamed patterns (Wagtail's admin
catch-all and test-404 page) cannot be reversed and are not probed.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from courses.h5p.middleware import content_host
from elearning.people.models import AccessLog, AdministrativeUnit
from tests.factories import make_person, reauthenticate
from tests.people.units_data import UNIT_FILES, load_successions, load_units

from .access_rules import DENIED, LOGIN, PREFIX_RULES, PROJECT_RULES, REDIRECT, ROLES

pytestmark = pytest.mark.django_db


def url_names(patterns=None, namespace=None):
    """Every named URL pattern, namespaced like reverse() wants it."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def prefix_for(name: str) -> str | None:
    return next((p for p in PREFIX_RULES if name.startswith(p)), None)


def undeclared(names, rules=PROJECT_RULES) -> list[str]:
    return sorted({n for n in names if n not in rules and prefix_for(n) is None})


def test_an_undeclared_name_is_caught():
    rules = {k: v for k, v in PROJECT_RULES.items() if k != "people:my_data"}
    assert undeclared(url_names(), rules) == ["people:my_data"]
    # Prefixes cover third-party families only, not project names.
    assert undeclared(["courses:catalogue", "account_login"]) == ["courses:catalogue"]


def test_every_url_name_has_a_rule():
    missing = undeclared(url_names())
    assert not missing, (
        "These URL names have no access rule. Add a row for each to "
        "PROJECT_RULES in tests/access_rules.py saying what every role gets: "
        + ", ".join(missing)
    )


def test_rules_name_real_urls():
    names = set(url_names())
    samples = [n for group in PREFIX_RULES.values() for n in group]
    stale = sorted(n for n in [*PROJECT_RULES, *samples] if n not in names)
    assert not stale, f"Rules for URL names that no longer exist: {stale}"


def outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("account_login")):
        return LOGIN
    if location.split("?")[0] == reverse("wagtailadmin_home"):
        return DENIED
    return REDIRECT


@pytest.fixture
def matrix(
    units, learner, other_learner, officer, other_officer, trainer, province_admin
):
    # Rate-limit counters (certificate verification) live in the cache.
    cache.clear()
    # The units and successions of 1 July 2025: Xuân Lộc's district split
    # into seven communes, among them Xã Xuân Lộc (26425).
    load_units(UNIT_FILES[1:])
    succession = load_successions("741")[0]
    commune_officer, commune_learner, ward_learner = commune_people()
    users = {
        "anonymous": None,
        "learner": learner,
        "officer": officer,
        "other_officer": other_officer,
        "trainer": trainer,
        "admin": province_admin,
        "commune_officer": commune_officer,
    }
    clients = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
            # Exports and revocation ask for a recent re-authentication
            # (tests/people/test_reauth.py); the matrix probes the page itself.
            reauthenticate(client)
        clients[role] = client
    access_log = AccessLog.objects.create(
        actor=officer, action="view", what="Hồ sơ cán bộ", subject_user_id=learner.pk
    )
    from elearning.people.data_requests import data_request_file
    from elearning.people.incidents import incident_record

    ctx = {
        "incident": incident_record(
            title="Lộ danh sách",
            description="Tệp bị gửi nhầm",
            discovered_at=timezone.now(),
            kinds=["profile"],
            unit=None,
            measures="",
            actor=province_admin,
        ),
        "data_request": data_request_file(
            person=learner, kind="correction", details="Sửa chức vụ"
        ),
        "access_log": access_log,
        "units": units,
        "learner": learner,
        "other_learner": other_learner,
        "succession": succession,
        "commune_learner": commune_learner,
        "ward_learner": ward_learner,
        **learning_records(units, learner, officer, trainer),
    }
    return clients, ctx


def commune_people():
    """The officer and a learner of Xã Xuân Lộc (26425), and a learner of
    Phường Trấn Biên (26041), as they are since 1 July 2025."""
    current = AdministrativeUnit.objects.current()
    commune = current.get(code="26425")
    ward = current.get(code="26041")
    return (
        make_person(
            role="officer",
            unit=commune,
            full_name="Đỗ Thị Lan",
            email="lan.dt@xuanloc.example.gov.vn",
        ),
        make_person(
            role="learner",
            unit=commune,
            full_name="Hồ Văn Xã",
            email="xa.hv@xuanloc.example.gov.vn",
        ),
        make_person(
            role="learner",
            unit=ward,
            full_name="Mai Thị Phường",
            email="phuong.mt@tranbien.example.gov.vn",
        ),
    )


def learning_records(units, learner, officer, trainer) -> dict:
    """Xuân Lộc's learning records: one of each object a URL names."""
    from django.core.files.base import ContentFile
    from wagtail.models import Site

    from courses.attendance.models import ClassSession, TrainingClass
    from courses.attendance.services import class_membership_add
    from courses.h5p.services import attempt_start as h5p_attempt_start
    from courses.h5p.tokens import token_make
    from courses.imports import import_job_create
    from courses.models import CourseIndexPage, CoursePage, Enrolment
    from elearning.reports.models import ReportJob
    from quizzes.gift import parse
    from quizzes.models import Question
    from quizzes.services import attempt_start, questions_import

    from .courses.conftest import make_lessons
    from .h5p.helpers import import_bytes, true_false_package
    from .quizzes.conftest import GIFT, make_quiz

    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    course = index.add_child(
        instance=CoursePage(
            title="An toàn thông tin",
            slug="attt",
            code="ATTT-MX",
            enrolment_policy=CoursePage.EnrolmentPolicy.OPEN,
        )
    )
    (lesson,) = make_lessons(course, 1)
    questions, errors = parse(GIFT.read_text(encoding="utf-8"))
    questions_import(questions=questions, errors=errors)
    quiz = make_quiz(course)
    enrolment = Enrolment.objects.create(learner=learner, course=course)
    attempt = attempt_start(learner=learner, quiz=quiz)
    request_course = index.add_child(
        instance=CoursePage(
            title="Bảo mật thư điện tử",
            slug="email",
            code="ATTT-MX2",
            enrolment_policy=CoursePage.EnrolmentPolicy.APPROVAL,
        )
    )
    request = Enrolment.objects.create(
        learner=learner, course=request_course, status=Enrolment.Status.REQUESTED
    )

    klass = TrainingClass.objects.create(
        course=course,
        code="ATTT-XL-MX",
        name="Lớp tập huấn Xuân Lộc",
        unit=units["741"],
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 10),
    )
    klass.trainers.add(trainer)
    now = timezone.now()
    session = ClassSession.objects.create(
        training_class=klass,
        start=now,
        end=now + datetime.timedelta(hours=3),
        topic="Buổi 1",
    )
    class_membership_add(training_class=klass, learner=learner, added_by=officer)

    h5p_version = import_bytes(true_false_package(), approve_libraries=True).version
    h5p_attempt = h5p_attempt_start(learner=learner, version=h5p_version)

    import_job = import_job_create(
        data=(Path(__file__).parent / "data" / "sample_staff_import.csv").read_bytes(),
        filename="danh-sach.csv",
        actor=officer,
    )
    report_job = ReportJob(
        requested_by=officer,
        year=2026,
        unit=units["741"],
        format="pdf",
        status=ReportJob.Status.DONE,
    )
    report_job.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    report_job.save()
    certificate, certificate_export = certificate_records(
        index, units, learner, officer
    )
    return {
        "certificate": certificate,
        "certificate_export": certificate_export,
        "course": course,
        "lesson": lesson,
        "quiz": quiz,
        "question": Question.objects.first(),
        "enrolment": enrolment,
        "request": request,
        "attempt": attempt,
        "klass": klass,
        "session": session,
        "h5p_version": h5p_version,
        "h5p_library": h5p_version.main_library,
        "h5p_token": token_make(attempt=h5p_attempt, course=course),
        "import_job": import_job,
        "report_job": report_job,
    }


def certificate_records(index, units, learner, officer):
    """A certificate of the Xuân Lộc learner and the officer's batch export."""
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from certificates.models import CertificateExport, CertificateTemplate
    from certificates.services import certificate_issue
    from courses import completion
    from courses.models import CoursePage, Enrolment

    course = index.add_child(
        instance=CoursePage(title="Nhận diện lừa đảo", slug="lua-dao", code="ATTT-MX3")
    )
    Enrolment.objects.create(
        learner=learner,
        course=course,
        status=Enrolment.Status.COMPLETED,
        completed_at=datetime.datetime(2026, 2, 3, 9, 0, tzinfo=datetime.UTC),
    )
    template = CertificateTemplate.objects.create(name="Mặc định", is_default=True)
    template.save_revision(log_action=False)
    passed = completion.Requirement(
        "test", "Bài kiểm tra", True, [], None, Decimal("85")
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(completion, "_CHECKS", {"test": lambda enrolment: passed})
        certificate = certificate_issue(learner=learner, course=course)
    export = CertificateExport(
        requested_by=officer,
        course=course,
        unit=units["741"],
        status=CertificateExport.Status.DONE,
        total=1,
        done=1,
    )
    export.file.save("giay-chung-nhan.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    return certificate, export


def probe(clients, ctx, name, rule):
    url = reverse(
        name,
        kwargs=rule.kwargs(ctx) if rule.kwargs else None,
        args=rule.args(ctx) if rule.args else None,
    )
    query = rule.query(ctx) if rule.query else {}
    extra = {}
    if rule.host == "content":
        extra["HTTP_HOST"] = content_host()
    wrong = []
    for role in ROLES:
        got = outcome(clients[role].get(url, query, **extra))
        if got != rule.expect[role]:
            wrong.append(
                f"{name} ({url}) as {role}: expected {rule.expect[role]}, got {got}"
            )
    return wrong


def test_project_pages_per_role(matrix):
    clients, ctx = matrix
    wrong = []
    for name, rule in PROJECT_RULES.items():
        wrong += probe(clients, ctx, name, rule)
    assert not wrong, "\n".join(wrong)


def test_third_party_samples_per_role(matrix):
    clients, ctx = matrix
    wrong = []
    for group in PREFIX_RULES.values():
        for name, rule in group.items():
            wrong += probe(clients, ctx, name, rule)
    assert not wrong, "\n".join(wrong)


def test_other_district_probe_is_404_and_logged(matrix, other_officer, learner):
    clients, ctx = matrix
    url = reverse("people_staff:edit", kwargs={"pk": learner.profile.pk})
    response = clients["other_officer"].get(url)
    assert response.status_code == 404
    entry = AccessLog.objects.get(actor=other_officer, action=AccessLog.Action.DENIED)
    assert entry.subject_user_id == learner.pk
    assert entry.path == url
    # Nothing leaks through the listing either.
    listing = clients["other_officer"].get(reverse("people_staff:index"))
    assert learner.email not in listing.content.decode()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_enrolment_actions_refused_across_districts(
    matrix, learner, other_officer, other_learner
):
    """Approve, refuse and withdraw on a Xuân Lộc enrolment: Biên Hòa's
    officer gets 404, a learner 403, and nothing changes."""
    from courses.models import Enrolment

    clients, ctx = matrix
    request, enrolment = ctx["request"], ctx["enrolment"]
    attempts = [
        ("other_officer", "courses:officer_approve", request, 404),
        ("other_officer", "courses:officer_refuse", request, 404),
        ("other_officer", "courses:officer_withdraw", enrolment, 404),
        ("learner", "courses:officer_approve", request, 403),
        ("learner", "courses:officer_withdraw", enrolment, 403),
        ("trainer", "courses:officer_refuse", request, 403),
    ]
    for role, name, target, status in attempts:
        url = reverse(name, kwargs={"pk": target.pk})
        response = clients[role].post(url, {"reason": "Không thuộc diện"})
        assert response.status_code == status, (role, name)
    other = signed_in(other_learner).post(
        reverse("courses:officer_withdraw", kwargs={"pk": enrolment.pk})
    )
    assert other.status_code == 403
    request.refresh_from_db()
    enrolment.refresh_from_db()
    assert request.status == Enrolment.Status.REQUESTED
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert not Enrolment.objects.filter(status=Enrolment.Status.WITHDRAWN).exists()


def test_quiz_answers_refused_to_anyone_but_the_owner(
    matrix, other_learner, other_officer
):
    import json

    from quizzes.models import Attempt

    clients, ctx = matrix
    attempt = ctx["attempt"]
    answer = attempt.answers.order_by("pk").first()
    before = (answer.response, answer.version)
    payload = json.dumps(
        {"question": answer.question_id, "response": {"choice": "a"}, "version": 9}
    )
    # Another learner, and staff too: an attempt is answered by its owner only.
    others = [signed_in(other_learner)] + [
        clients[role] for role in ("other_officer", "officer", "trainer", "admin")
    ]
    for client in others:
        saved = client.post(
            reverse("quizzes:save", kwargs={"attempt_id": attempt.pk}),
            payload,
            content_type="application/json",
        )
        assert saved.status_code == 404
        submitted = client.post(
            reverse("quizzes:submit", kwargs={"attempt_id": attempt.pk})
        )
        assert submitted.status_code == 404
    answer.refresh_from_db()
    assert (answer.response, answer.version) == before
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS


def test_attendance_marks_refused_across_districts(matrix, learner, other_learner):
    import json

    from courses.attendance.models import AttendanceRecord

    clients, ctx = matrix
    url = reverse(
        "attendance:roster_save",
        kwargs={"code": ctx["klass"].code, "session_id": ctx["session"].pk},
    )
    body = json.dumps({"marks": [{"learner": learner.pk, "status": "present"}]})
    for client in (
        clients["other_officer"],
        clients["learner"],
        signed_in(other_learner),
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 404
    # Nobody puts people into a class of a district they cannot see, nor
    # someone of another district into their own district's class.
    from courses.attendance.models import ClassMembership

    detail = reverse("attendance:class_detail", kwargs={"code": ctx["klass"].code})
    other_id = other_learner.pk
    assert (
        clients["other_officer"].post(detail, {"learner": other_id}).status_code == 404
    )
    assert clients["learner"].post(detail, {"learner": other_id}).status_code == 404
    assert clients["officer"].post(detail, {"learner": other_id}).status_code == 200
    assert not ClassMembership.objects.filter(learner=other_learner).exists()
    # A non-member scanning the class's QR code is not checked in.
    from django.utils import timezone

    from courses.attendance.tokens import make_token

    token = make_token(session_id=ctx["session"].pk, now=timezone.now())
    check_in = reverse(
        "attendance:check_in",
        kwargs={
            "code": ctx["klass"].code,
            "session_id": ctx["session"].pk,
            "token": token,
        },
    )
    clients["other_officer"].post(check_in)
    signed_in(other_learner).post(check_in)
    assert not AttendanceRecord.objects.exists()
    # The trainer who leads the class may mark (the refusals above are scoping,
    # not a broken endpoint).
    led = clients["trainer"].post(url, body, content_type="application/json")
    assert led.status_code == 200
    assert AttendanceRecord.objects.get().learner == learner


def test_h5p_routes_live_on_the_content_origin(matrix):
    from courses.h5p.models import H5PState, H5PStatement

    _, ctx = matrix
    token = ctx["h5p_token"]
    embed = reverse("h5p:embed", kwargs={"token": token})
    content = Client(HTTP_HOST=content_host())
    # The token is the credential: no session needed on the content origin.
    assert content.get(embed).status_code == 200
    # On the platform's host the embed routes do not exist.
    assert Client().get(embed).status_code == 404
    # A bad token posts nothing.
    for name, kwargs in (
        ("h5p:xapi", {}),
        ("h5p:state", {"data_type": "state", "sub_content_id": "0"}),
    ):
        url = reverse(name, kwargs={"token": "khong-hop-le", **kwargs})
        response = content.post(url, {"data": "{}"})
        assert response.status_code in (403, 404), name
    assert not H5PStatement.objects.exists()
    assert not H5PState.objects.exists()


def text(response) -> str:
    """A page's text, or every cell of a spreadsheet download."""
    if "spreadsheetml" not in response["Content-Type"]:
        return response.content.decode()
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


def test_listings_show_nothing_of_another_district(matrix, learner):
    """Pages every officer may open list their own district only: nothing
    of the Xuân Lộc learner, class or import appears to Biên Hòa's officer,
    while Xuân Lộc's officer sees them (so the test can fail)."""
    from quizzes.services import attempt_submit

    clients, ctx = matrix
    attempt_submit(attempt_id=ctx["attempt"].pk, learner=learner)
    name = learner.profile.full_name
    pages = {
        reverse("courses:officer_enrolments"): [name],
        reverse("courses:officer_enrolments_export"): [learner.email],
        reverse("courses:officer_requests"): [name],
        reverse("courses:officer_enrol"): [name],
        reverse("courses:import_upload"): [ctx["import_job"].filename],
        reverse("attendance:class_list"): [ctx["klass"].code],
        reverse("quizzes_admin:report", kwargs={"quiz_id": ctx["quiz"].pk}): [name],
        reverse("quizzes_admin:report", kwargs={"quiz_id": ctx["quiz"].pk})
        + f"?unit={ctx['units']['741'].pk}&format=xlsx": [name],
        reverse("certificates:list"): [name],
        # The issuing body's book: each officer's copy holds their own rows.
        reverse("certificates:register")
        + f"?issuer={ctx['certificate'].issuer_id}"
        + f"&year={ctx['certificate'].series.year}": [name],
    }
    for url, marks in pages.items():
        own = text(clients["officer"].get(url))
        other = text(clients["other_officer"].get(url))
        for mark in marks:
            assert mark in own, (url, mark)
            assert mark not in other, (url, mark)


def test_certificate_revoke_refused_but_to_province_admins(
    matrix, other_learner, learner
):
    from certificates.models import Certificate

    clients, ctx = matrix
    certificate = ctx["certificate"]
    url = reverse("certificates:revoke", kwargs={"pk": certificate.pk})
    data = {"category": "error", "reason": "Cấp nhầm"}
    for role in ("learner", "officer", "other_officer", "trainer"):
        assert clients[role].post(url, data).status_code == 403, role
    assert signed_in(other_learner).post(url, data).status_code == 403
    assert clients["anonymous"].post(url, data).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    # Another district's learner cannot download it either.
    download = reverse("certificates:download", kwargs={"pk": certificate.pk})
    assert signed_in(other_learner).get(download).status_code == 404
    # The province admin may (so the refusals above are about who asks).
    assert clients["admin"].post(url, data).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_province_figures_refreshed_by_province_admins_only(matrix, other_learner):
    from elearning.reports.models import FigureSnapshot

    clients, _ctx = matrix
    year = timezone.localdate().year
    url = reverse("reports:province_refresh") + f"?year={year}"
    for role in ("learner", "officer", "other_officer", "trainer"):
        assert clients[role].post(url).status_code == 403, role
    assert signed_in(other_learner).post(url).status_code == 403
    assert clients["anonymous"].post(url).status_code == 302
    assert not FigureSnapshot.objects.exists()
    response = clients["admin"].post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:province") + f"?year={year}"
    assert FigureSnapshot.objects.get().start.year == year


# --- Officers of the communes and wards of 1 July 2025 ------------------------


def test_commune_officer_gets_what_another_units_officer_gets_everywhere(matrix):
    """Every page of the matrix, as Xã Xuân Lộc's officer: the district's
    records are another unit's (what Biên Hòa's officer gets)."""
    clients, ctx = matrix
    wrong = []
    for name, rule in PROJECT_RULES.items():
        url = reverse(
            name,
            kwargs=rule.kwargs(ctx) if rule.kwargs else None,
            args=rule.args(ctx) if rule.args else None,
        )
        query = rule.query(ctx) if rule.query else {}
        extra = {"HTTP_HOST": content_host()} if rule.host == "content" else {}
        got = outcome(clients["commune_officer"].get(url, query, **extra))
        if got != rule.expect["other_officer"]:
            wrong.append(
                f"{name} ({url}) as commune_officer: expected "
                f"{rule.expect['other_officer']}, got {got}"
            )
    assert not wrong, "\n".join(wrong)


def test_commune_officer_sees_and_changes_their_communes_people_only(matrix):
    clients, ctx = matrix
    client = clients["commune_officer"]
    own, ward = ctx["commune_learner"], ctx["ward_learner"]
    listing = client.get(reverse("people_staff:index")).content.decode()
    assert own.email in listing
    assert ward.email not in listing and ctx["learner"].email not in listing
    enrol = client.get(reverse("courses:officer_enrol")).content.decode()
    assert own.profile.full_name in enrol
    assert ward.profile.full_name not in enrol
    edit = reverse("people_staff:edit", kwargs={"pk": own.profile.pk})
    response = client.post(
        edit,
        {
            "email": own.email,
            "full_name": own.profile.full_name,
            "agency": own.profile.agency_id,
            "phone": "0909000111",
        },
    )
    assert response.status_code == 302
    own.profile.refresh_from_db()
    assert own.profile.phone == "0909000111"
    other = reverse("people_staff:edit", kwargs={"pk": ward.profile.pk})
    assert client.post(other, {"full_name": "X", "phone": "1"}).status_code == 404
    ward.profile.refresh_from_db()
    assert ward.profile.full_name == "Mai Thị Phường"
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, subject_user_id=ward.pk
    ).exists()
    # Xuân Lộc district's officer sees nobody of the new communes.
    district = clients["officer"].get(reverse("people_staff:index")).content.decode()
    assert own.email not in district


def test_a_person_moved_into_the_commune_brings_their_history(matrix, learner):
    """The Xuân Lộc learner's enrolments, attempt and certificate were made
    in the district; moved to Xã Xuân Lộc, the commune's officer sees them and
    the district's officer no longer does."""
    from elearning.people.unit_moves import person_move_unit
    from quizzes.services import attempt_submit

    clients, ctx = matrix
    attempt_submit(attempt_id=ctx["attempt"].pk, learner=learner)
    commune = ctx["commune_learner"].profile.unit
    person_move_unit(profile=learner.profile, to=commune)
    name = learner.profile.full_name
    report = reverse("quizzes_admin:report", kwargs={"quiz_id": ctx["quiz"].pk})
    pages = {
        reverse("courses:officer_enrolments"): name,
        reverse("courses:officer_enrolments_export"): learner.email,
        reverse("courses:officer_requests"): name,
        report: name,
        report + f"?unit={commune.pk}&format=xlsx": name,
        reverse("certificates:list"): name,
        reverse("people_staff:index"): learner.email,
    }
    for url, mark in pages.items():
        assert mark in text(clients["commune_officer"].get(url)), url
        assert mark not in text(clients["officer"].get(url)), url
        assert mark not in text(clients["other_officer"].get(url)), url
    edit = reverse("people_staff:edit", kwargs={"pk": learner.profile.pk})
    assert clients["commune_officer"].get(edit).status_code == 200
    assert clients["officer"].get(edit).status_code == 404
