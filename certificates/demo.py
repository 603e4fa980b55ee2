"""Demo data for certificates: the province's issuers and default template."""

import datetime

from .models import CertificateTemplate, Issuer
from .services import issuer_save

DEFAULT_TEMPLATE_NAME = "Mẫu mặc định – Giấy chứng nhận bồi dưỡng"

# The issuers the data migration seeds (0004_issuer_seed), made again where a
# database lost them (a test's flush) so the demo can issue certificates.
PROVINCE_ISSUERS = (
    {
        "code": "STTTT",
        "issuing_body": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "valid_from": datetime.date(2000, 1, 1),
        "valid_to": datetime.date(2025, 2, 28),
    },
    {
        "code": "SKHCN",
        "issuing_body": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "valid_from": datetime.date(2025, 3, 1),
        "valid_to": None,
    },
)

# A demo signer, not a real person.
DEMO_SIGNER = "Nguyễn Văn Minh"


def seed_issuers() -> list[Issuer]:
    """The province's issuers, made if missing; a missing signer name gets
    the demo one. Idempotent."""
    issuers = []
    for values in PROVINCE_ISSUERS:
        issuer = Issuer.objects.filter(code=values["code"]).first()
        if issuer is None:
            issuer = issuer_save(issuer=Issuer(**values, signer_name=DEMO_SIGNER))
        elif not issuer.signer_name:
            issuer.signer_name = DEMO_SIGNER
            issuer = issuer_save(issuer=issuer)
        issuers.append(issuer)
    return issuers


def seed(*, stdout, style) -> None:
    issuers = seed_issuers()
    stdout.write("Certificate issuers: " + ", ".join(issuer.code for issuer in issuers))
    template, created = default_template()
    stdout.write("Certificate template: " + ("created" if created else "already there"))
    seed_history(stdout=stdout, template=template)


# The 2024 certificates of the district's class, issued by the body of then.
HISTORY_ISSUED = datetime.datetime(2024, 11, 15, 9, 0)


def seed_history(*, stdout, template: CertificateTemplate) -> None:
    """Certificates of the 2024 course for the Xuân Lộc learners who finished
    it then: issued on 15/11/2024 by the Sở Thông tin và Truyền thông, in its
    2024 series, under Huyện Xuân Lộc. Written as they were made then (the
    issuing service takes today's issuer and number). Idempotent."""
    from django.db import transaction
    from django.utils import timezone

    from courses.demo import history_course
    from courses.models import Enrolment
    from elearning.people.demo import agency_name, history_unit

    from .models import ISSUER_NUMBER_FORMAT, Certificate, CertificateSeries
    from .selectors import issuer_on
    from .text import new_short_code, new_token

    course = history_course()
    if course is None:
        return
    issued_at = timezone.make_aware(HISTORY_ISSUED)
    issuer = issuer_on(timezone.localdate(issued_at))
    unit = history_unit()
    made = 0
    enrolments = (
        Enrolment.objects.filter(course=course, status=Enrolment.Status.COMPLETED)
        .select_related("learner__profile__agency")
        .order_by("completed_at", "pk")
    )
    with transaction.atomic():
        series, _created = CertificateSeries.objects.select_for_update().get_or_create(
            issuer=issuer,
            unit=None,
            year=issued_at.year,
            defaults={"number_format": ISSUER_NUMBER_FORMAT},
        )
        for enrolment in enrolments:
            learner = enrolment.learner
            if Certificate.objects.filter(learner=learner, course=course).exists():
                continue
            profile = learner.profile
            series.last_number += 1
            Certificate.objects.create(
                number=series.format_number(series.last_number),
                series=series,
                sequence=series.last_number,
                learner=learner,
                unit=unit,
                course=course,
                template_revision_id=template.latest_revision_id,
                issuer=issuer,
                issuer_revision_id=issuer.latest_revision_id
                or issuer.save_revision(log_action=False).pk,
                training_class_code="ATTT-XL-2024",
                full_name=profile.full_name,
                date_of_birth=profile.date_of_birth,
                agency_name=agency_name("Văn phòng HĐND và UBND", unit),
                unit_name=unit.full_name,
                course_title=course.title,
                course_code=course.code,
                started_on=timezone.localdate(enrolment.created_at),
                completed_on=timezone.localdate(enrolment.completed_at),
                grade=course.grade_word(None),
                issued_at=issued_at,
                token=new_token(),
                short_code=new_short_code(),
            )
            made += 1
        series.save(update_fields=["last_number"])
    stdout.write(
        f"Certificates of 2024 ({issuer.code}, {unit.full_name}): {made} issued"
    )


def default_template() -> tuple[CertificateTemplate, bool]:
    """The default template (made if there is none) with a revision."""
    template = CertificateTemplate.objects.filter(is_default=True).first()
    created = template is None
    if created:
        template = CertificateTemplate.objects.create(
            name=DEFAULT_TEMPLATE_NAME, is_default=True
        )
    if template.latest_revision_id is None:
        template.save_revision(log_action=False)
    return template, created
