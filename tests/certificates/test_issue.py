import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateSeries
from certificates.selectors import issuing_unit_for
from certificates.services import (
    NotEligible,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from tests.factories import UnitFactory, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_issue_numbers_in_the_issuers_series(issued, learner, units, issuers):
    year = timezone.localtime(issued.issued_at).year
    assert issued.number == f"0001/{year}/GCN-SKHCN"
    assert issued.sequence == 1
    assert issued.series.issuer == issuers["SKHCN"]
    assert issued.series.unit is None
    assert issued.series.last_number == 1
    assert issued.issuer == issuers["SKHCN"]
    assert issued.unit_name == units["741"].full_name


def test_issue_numbers_per_unit_where_the_issuer_says_so(
    learner, course, template, enrol, units, issuers
):
    from certificates.services import issuer_save

    skhcn = issuers["SKHCN"]
    skhcn.numbering = skhcn.Numbering.UNIT
    issuer_save(issuer=skhcn)
    enrol(learner, course, 85)
    certificate = certificate_issue(learner=learner, course=course)
    year = timezone.localtime(certificate.issued_at).year
    assert certificate.number == f"0001/{year}/GCN-741"
    assert certificate.series.unit == units["741"]
    assert certificate.series.issuer is None
    assert certificate.issuer == skhcn


def test_issue_snapshots_the_learner_and_course(issued, learner, course):
    assert issued.full_name == "Nguyễn Văn An"
    assert (
        issued.date_of_birth is None
    )  # not printed: not kept (Issuer.print_date_of_birth)
    assert issued.agency_name == learner.profile.agency.name
    assert issued.course_title == "An toàn thông tin cơ bản"
    assert issued.score == Decimal("85")
    assert issued.grade == "Giỏi"
    # Later changes do not touch what was issued.
    learner.profile.full_name = "Nguyễn Văn Bình"
    learner.profile.save()
    issued.refresh_from_db()
    assert issued.full_name == "Nguyễn Văn An"


def test_issue_pins_the_template_revision(issued, template):
    pinned = issued.template_revision
    assert pinned == template.latest_revision
    template.title = "GIẤY CHỨNG NHẬN HOÀN THÀNH"
    template.save()
    template.save_revision(log_action=False)
    issued.refresh_from_db()
    assert issued.template_revision == pinned
    assert issued.template().title == "GIẤY CHỨNG NHẬN"


def test_issue_is_idempotent(issued, learner, course):
    again = certificate_issue(learner=learner, course=course)
    assert again.pk == issued.pk
    assert Certificate.objects.count() == 1
    assert CertificateSeries.objects.get().last_number == 1


@pytest.mark.parametrize("numbering", ["issuer", "unit"])
def test_numbers_are_consecutive_per_series(
    course, template, enrol, units, issuers, numbering
):
    from certificates.services import issuer_save

    skhcn = issuers["SKHCN"]
    skhcn.numbering = numbering
    issuer_save(issuer=skhcn)
    people = [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Học Viên {i}",
            email=f"hv{i}@xuanloc.example.gov.vn",
        )
        for i in range(3)
    ]
    other = make_person(
        role="learner",
        unit=units["731"],
        full_name="Người Biên Hòa",
        email="nbh@bienhoa.example.gov.vn",
    )
    for person in [*people, other]:
        enrol(person, course, 70)
    numbers = [certificate_issue(learner=p, course=course).sequence for p in people]
    assert numbers == [1, 2, 3]
    last = certificate_issue(learner=other, course=course)
    if numbering == "unit":
        # Biên Hòa's own book starts at 1.
        assert (last.sequence, last.number[-7:]) == (1, "GCN-731")
    else:
        # One book for the province: Biên Hòa's learner takes the next number.
        assert (last.sequence, last.number[-9:]) == (4, "GCN-SKHCN")


def test_series_start_again_at_one_on_1_january_vietnam_time(
    course, template, enrol, units, time_machine
):
    people = [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Học Viên {i}",
            email=f"hv{i}@xuanloc.example.gov.vn",
        )
        for i in range(3)
    ]
    for person in people:
        enrol(person, course, 70)
    # 23:59 on 31/12/2026 in Vietnam is 16:59 UTC: still 2026.
    time_machine.move_to(datetime.datetime(2026, 12, 31, 16, 59, tzinfo=datetime.UTC))
    last = certificate_issue(learner=people[0], course=course)
    # One minute past midnight in Vietnam, still 31 December in UTC.
    time_machine.move_to(datetime.datetime(2026, 12, 31, 17, 1, tzinfo=datetime.UTC))
    first = certificate_issue(learner=people[1], course=course)
    second = certificate_issue(learner=people[2], course=course)
    assert last.number == "0001/2026/GCN-SKHCN"
    assert [first.number, second.number] == [
        "0001/2027/GCN-SKHCN",
        "0002/2027/GCN-SKHCN",
    ]
    assert [c.series.year for c in (last, first)] == [2026, 2027]


def test_not_eligible_raises_with_reasons(learner, course, template, enrol):
    enrol(learner, course)  # enrolled, not done
    with pytest.raises(NotEligible) as info:
        certificate_issue(learner=learner, course=course)
    assert info.value.reasons == ["Chưa đạt bài kiểm tra cuối khóa."]
    assert not CertificateSeries.objects.exists()


def test_not_enrolled_is_not_eligible(learner, course, template, completion):
    with pytest.raises(NotEligible):
        certificate_issue(learner=learner, course=course)


def test_rolled_back_issue_consumes_no_number(
    learner, other_learner, course, template, enrol, units
):
    enrol(learner, course, 90)
    enrol(other_learner, course, 90)
    bob = make_person(
        role="learner",
        unit=units["741"],
        full_name="Đỗ Văn Bảo",
        email="bao@xuanloc.example.gov.vn",
    )
    enrol(bob, course, 90)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        certificate_issue(learner=learner, course=course)
        raise Boom
    assert not Certificate.objects.exists()
    first = certificate_issue(learner=bob, course=course)
    assert first.sequence == 1
    assert certificate_issue(learner=learner, course=course).sequence == 2


def test_commune_learner_climbs_to_the_district(units):
    commune = UnitFactory(
        code="26107",
        name="Xuân Định",
        full_name="Xã Xuân Định",
        level="commune",
        kind="commune",
        parent=units["741"],
    )
    person = make_person(
        role="learner", unit=commune, full_name="Lý Thị Hoa", email="hoa@example.gov.vn"
    )
    assert issuing_unit_for(person) == units["741"]


def test_database_allows_one_valid_certificate_per_learner_course(issued):
    duplicate = Certificate(
        number="X-1",
        series=issued.series,
        sequence=99,
        learner=issued.learner,
        course=issued.course,
        full_name="x",
        unit_name="x",
        course_title="x",
        issued_at=issued.issued_at,
        token="t" * 32,
        short_code="22222-22222",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_revoke_keeps_the_record_and_logs(issued, province_admin):
    certificate_revoke(
        certificate=issued,
        revoked_by=province_admin,
        category="error",
        reason="Cấp nhầm người",
    )
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert issued.revoked_by == province_admin
    assert issued.revocation_category == "error"
    assert issued.revocation_reason == "Cấp nhầm người"
    assert issued.public_revocation_reason == "Cấp nhầm"
    entry = ModelLogEntry.objects.get(action="certificates.revoke")
    assert entry.user == province_admin
    assert entry.object_id == str(issued.pk)
    assert entry.data["reason"] == "Cấp nhầm người"
    assert entry.data["category"] == "error"


@pytest.mark.parametrize(
    "category,reason",
    [("fraud", "  "), ("", "Chép bài"), ("replaced", "Chép bài"), ("x", "Chép bài")],
    ids=["no-reason", "no-category", "replaced-by-hand", "unknown-category"],
)
def test_revoke_needs_admin_category_and_reason(
    issued, officer, province_admin, category, reason
):
    with pytest.raises(PermissionDenied):
        certificate_revoke(
            certificate=issued, revoked_by=officer, category="fraud", reason="x"
        )
    with pytest.raises(ValidationError):
        certificate_revoke(
            certificate=issued,
            revoked_by=province_admin,
            category=category,
            reason=reason,
        )
    issued.refresh_from_db()
    assert issued.is_valid
    assert not ModelLogEntry.objects.filter(action="certificates.revoke").exists()


def test_reissue_gets_a_new_number_pointing_to_the_old(issued, province_admin, learner):
    learner.profile.full_name = "Nguyễn Văn Ân"
    learner.profile.save()
    new = certificate_reissue(
        certificate=issued, issued_by=province_admin, reason="Sai chính tả họ tên"
    )
    issued.refresh_from_db()
    assert new.replaces == issued
    assert new.number != issued.number
    assert new.sequence == 2
    assert new.full_name == "Nguyễn Văn Ân"
    assert new.grade == issued.grade
    assert not issued.is_valid
    assert issued.revocation_reason == "Sai chính tả họ tên"
    # Filled in by the reissue: the public reads the new number.
    assert issued.revocation_category == "replaced"
    assert issued.public_revocation_reason == (
        f"Đã thay bằng giấy chứng nhận số {new.number}"
    )
    assert ModelLogEntry.objects.filter(action="certificates.reissue").count() == 1


def test_issue_is_audit_logged(issued):
    entry = ModelLogEntry.objects.get(action="certificates.issue")
    assert entry.object_id == str(issued.pk)
    assert entry.data["number"] == issued.number


def test_visible_to(
    issued, learner, officer, other_officer, other_learner, province_admin
):
    assert list(Certificate.objects.visible_to(learner)) == [issued]
    assert list(Certificate.objects.visible_to(officer)) == [issued]
    assert list(Certificate.objects.visible_to(province_admin)) == [issued]
    assert not Certificate.objects.visible_to(other_officer).exists()
    assert not Certificate.objects.visible_to(other_learner).exists()


def test_template_body_placeholders_are_checked(template):
    template.body = "Ông/bà {ho_ten} hoàn thành {khong_co}"
    with pytest.raises(ValidationError) as info:
        template.full_clean()
    assert "body" in info.value.message_dict


@pytest.mark.parametrize(
    ("fmt", "ok"),
    [
        ("{n:04d}/{year}/GCN-{unit}", True),
        ("GCN-{unit}-{year}-{n:05d}", True),
        ("{year}/GCN", False),
        ("{n}/{nam}", False),
    ],
)
def test_number_format_validation(fmt, ok):
    from certificates.models import validate_number_format

    if ok:
        validate_number_format(fmt)
    else:
        with pytest.raises(ValidationError):
            validate_number_format(fmt)


def test_course_grade_word_is_used(learner, course, template, enrol, monkeypatch):
    monkeypatch.setattr(
        type(course), "grade_word", lambda self, score: "Đạt", raising=False
    )
    enrol(learner, course, 55)
    assert certificate_issue(learner=learner, course=course).grade == "Đạt"


def test_issuing_completes_the_enrolment_first(
    learner, course, template, enrol, completion, time_machine
):
    """issue_certificates once left the enrolment "in progress": the report
    showed 0 completed beside the certificates."""
    from django.core.management import call_command

    from courses.models import Enrolment

    enrolment = enrol(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.IN_PROGRESS
    )
    completion.scores[learner.pk] = Decimal("90")  # done, not yet recorded
    moment = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC)
    time_machine.move_to(moment, tick=False)
    call_command("issue_certificates", "--course", course.code)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at == moment
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.completed_on == datetime.date(2026, 12, 4)
    assert ModelLogEntry.objects.filter(action="courses.enrolment.complete").exists()


def test_migration_categorises_certificates_revoked_before(
    issued, province_admin, learner
):
    """Revocations recorded before categories: replaced where a reissue
    replaced them, "Khác" for the rest; the public page never needs the
    free text."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "certificates.migrations.0002_revocation_category"
    )
    new = certificate_reissue(
        certificate=issued, issued_by=province_admin, reason="Sửa tên"
    )
    certificate_revoke(
        certificate=new, revoked_by=province_admin, category="error", reason="x"
    )
    Certificate.objects.update(revocation_category="")
    migration.categorise_existing(apps, None)
    issued.refresh_from_db()
    new.refresh_from_db()
    assert issued.revocation_category == "replaced"
    assert new.revocation_category == "other"
    assert new.public_revocation_reason == "Khác"
