"""Reads about certificates: issuers, issuing units, templates, bulk
previews, books."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.attendance.selectors import class_learner_ids
from courses.models import CoursePage, Enrolment
from courses.selectors import enrolment_eligibility
from elearning.people.models import AdministrativeUnit
from elearning.people.scoping import visible_unit_ids

from .models import Certificate, CertificateTemplate, Issuer


def issuing_unit_for(learner) -> AdministrativeUnit | None:
    """The unit whose series numbers ``learner``'s certificate.

    The learner's district; a commune-level unit climbs to its district, so
    the same rule keeps working once communes carry people.
    """
    profile = getattr(learner, "profile", None)
    unit = profile.unit if profile is not None else None
    while (
        unit is not None
        and unit.level == AdministrativeUnit.Level.COMMUNE
        and unit.parent_id is not None
    ):
        unit = unit.parent
    return unit


def issuer_on(day: datetime.date) -> Issuer | None:
    """The issuer valid on ``day`` (Vietnam's day), if any."""
    return Issuer.objects.valid_on(day).select_related("signature_image").first()


def issuing_names_on(day: datetime.date) -> tuple[str, str] | None:
    """(superior, body) of the issuer valid on ``day``, as document headings
    print them; the attendance app's sign-in sheet asks (registered in
    ``CertificatesConfig.ready``)."""
    issuer = issuer_on(day)
    if issuer is None:
        return None
    return issuer.issuing_parent, issuer.issuing_body


def no_issuer_message(day: datetime.date) -> str:
    return _(
        "Chưa có cơ quan cấp giấy chứng nhận áp dụng ngày %(day)s. Quản trị cấp "
        "tỉnh cần khai báo trong mục “Cơ quan cấp giấy chứng nhận”."
    ) % {"day": day.strftime("%d/%m/%Y")}


def template_for_course(course) -> CertificateTemplate | None:
    """The course's own template, else the default one (one query)."""
    return (
        CertificateTemplate.objects.filter(Q(course=course) | Q(is_default=True))
        .annotate(
            own=Case(When(course=course, then=Value(0)), default=Value(1)),
        )
        .order_by("own", "pk")
        .first()
    )


def units_for_issuer(user) -> QuerySet[AdministrativeUnit]:
    """District-level (or province) units ``user`` may issue for."""
    qs = AdministrativeUnit.objects.exclude(level=AdministrativeUnit.Level.COMMUNE)
    ids = visible_unit_ids(user)
    if ids is None:
        return qs
    return qs.filter(pk__in=ids)


@dataclass
class Candidate:
    enrolment: Enrolment
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def learner(self):
        return self.enrolment.learner


@dataclass
class Preview:
    candidates: list[Candidate]
    error: str = ""

    @property
    def eligible(self) -> list[Candidate]:
        return [c for c in self.candidates if c.eligible]

    @property
    def skipped(self) -> list[Candidate]:
        """Everyone who will not be issued a certificate now."""
        return [c for c in self.candidates if not c.eligible]

    @property
    def held(self) -> list[Candidate]:
        """Those who already hold a valid certificate of the course."""
        return [c for c in self.candidates if c.certificate is not None]

    @property
    def not_eligible(self) -> list[Candidate]:
        """Those without a certificate who have not completed the course."""
        return [c for c in self.candidates if not c.eligible and c.certificate is None]


def issue_preview(
    *,
    user,
    course: CoursePage,
    unit: AdministrativeUnit | None = None,
    training_class_code: str = "",
) -> Preview:
    """Who would get a certificate for ``course``, and why the others would not.

    Only learners ``user`` may see are considered (an officer: their district).
    With no issuer valid today nobody can be issued a certificate: the
    preview says so as its error.
    """
    today = timezone.localdate()
    if issuer_on(today) is None:
        return Preview([], no_issuer_message(today))
    enrolments = (
        Enrolment.objects.visible_to(user)
        .filter(course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("learner__profile__unit", "course")
        .order_by("learner__profile__sort_key", "pk")
    )
    if unit is not None:
        enrolments = enrolments.filter(learner__profile__unit__in=unit.subtree_ids())
    if training_class_code:
        ids = class_learner_ids(course, training_class_code)
        if ids is None:
            return Preview(
                [],
                _("Không tìm thấy lớp tập huấn có mã %(code)s.")
                % {"code": training_class_code},
            )
        enrolments = enrolments.filter(learner_id__in=ids)
    existing = {
        c.learner_id: c
        for c in Certificate.objects.valid().filter(
            course=course, learner_id__in=[e.learner_id for e in enrolments]
        )
    }
    candidates = []
    for enrolment in enrolments:
        held = existing.get(enrolment.learner_id)
        if held is not None:
            candidates.append(
                Candidate(
                    enrolment,
                    False,
                    [_("Đã có giấy chứng nhận số %(n)s.") % {"n": held.number}],
                    held,
                )
            )
            continue
        if issuing_unit_for(enrolment.learner) is None:
            candidates.append(
                Candidate(enrolment, False, [_("Học viên chưa có đơn vị hành chính.")])
            )
            continue
        eligibility = enrolment_eligibility(enrolment)
        reasons = eligibility.reasons or (
            [] if eligibility.complete else [_("Chưa hoàn thành khóa học.")]
        )
        candidates.append(Candidate(enrolment, eligibility.complete, reasons))
    return Preview(candidates)


def register_rows(
    *,
    user,
    year: int,
    issuer: Issuer | None = None,
    unit: AdministrativeUnit | None = None,
) -> QuerySet:
    """The register book of ``issuer`` (its own series) or of ``unit`` (the
    unit's series) for ``year``, in number order, scoped."""
    if issuer is not None:
        book = Q(series__issuer=issuer)
    elif unit is not None:
        book = Q(series__unit=unit)
    else:
        raise ValueError("register_rows needs an issuer or a unit")
    return (
        Certificate.objects.visible_to(user)
        .filter(book, series__year=year)
        .select_related("replaced_by", "issuer", "issuer_revision")
        .order_by("sequence")
    )


def certificate_year(moment: datetime.datetime) -> int:
    return timezone.localtime(moment).year


def certificates_left_behind(
    *, now: datetime.datetime | None = None, limit: int = 2000
) -> tuple[list[tuple[int, int]], list[int]]:
    """What the background work should have done and has not, for the last
    ``CERTIFICATE_SWEEP_DAYS`` days, leaving out the last
    ``CERTIFICATE_SWEEP_GRACE`` seconds (their tasks may still be queued).

    Returns the (learner, course) of completed enrolments of active learners
    with no certificate at all (a revoked one counts: it is not issued
    again by itself), and the valid certificates still without their PDF or,
    for a learner with an address, their email. At most ``limit`` of each,
    oldest first.
    """
    now = now or timezone.now()
    until = now - datetime.timedelta(seconds=settings.CERTIFICATE_SWEEP_GRACE)
    since = now - datetime.timedelta(days=settings.CERTIFICATE_SWEEP_DAYS)
    held = Certificate.objects.filter(
        learner_id=OuterRef("learner_id"), course_id=OuterRef("course_id")
    )
    to_issue = list(
        Enrolment.objects.filter(
            status=Enrolment.Status.COMPLETED,
            completed_at__gte=since,
            completed_at__lt=until,
            learner__is_active=True,
        )
        .exclude(Exists(held))
        .order_by("completed_at", "pk")
        .values_list("learner_id", "course_id")[:limit]
    )
    to_finish = list(
        Certificate.objects.filter(
            status=Certificate.Status.VALID, issued_at__gte=since, issued_at__lt=until
        )
        .filter(Q(pdf_sha256="") | (Q(emailed_at__isnull=True) & ~Q(learner__email="")))
        .order_by("issued_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return to_issue, to_finish
