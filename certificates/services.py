"""Writes about certificates: issue, revoke, reissue, attach the PDF.

Each certificate is issued by the :class:`~certificates.models.Issuer` valid
on its issue date (Vietnam's day) and numbered in that issuer's series of the
year, or in the learner's unit's series where the issuer numbers per unit.
Numbers come from ``CertificateSeries.last_number`` taken under a row lock
(``SELECT … FOR UPDATE``; on SQLite the IMMEDIATE transaction serialises)
in the same transaction that creates the certificate, so a rolled-back issue
consumes no number and two issues never get the same one.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models import Enrolment
from courses.selectors import course_eligibility
from courses.services import enrolment_refresh
from elearning.people.selectors import unit_id_now

from .models import (
    ISSUER_NUMBER_FORMAT,
    UNIT_NUMBER_FORMAT,
    Certificate,
    CertificateSeries,
    Issuer,
)
from .selectors import (
    certificate_year,
    issuer_on,
    issuing_unit_for,
    no_issuer_message,
    template_for_course,
)
from .text import new_short_code, new_token


class NotEligible(Exception):
    """The learner may not (yet) receive this certificate; ``reasons`` say why."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class NoIssuer(NotEligible):
    """No issuer is valid on the issue date: nothing is issued."""


def _series_locked(*, issuer: Issuer, unit, year: int) -> CertificateSeries:
    """The series numbering ``issuer``'s certificate of ``year``, locked
    (created first if it is new): the issuer's own, or ``unit``'s where the
    issuer numbers per unit."""
    if issuer.numbering == Issuer.Numbering.UNIT:
        key = {"unit": unit, "issuer": None}
        number_format = UNIT_NUMBER_FORMAT
    else:
        key = {"issuer": issuer, "unit": None}
        number_format = ISSUER_NUMBER_FORMAT
    locked = CertificateSeries.objects.select_for_update()
    try:
        series = locked.get(year=year, **key)
    except CertificateSeries.DoesNotExist:
        created, _created = CertificateSeries.objects.get_or_create(
            year=year, **key, defaults={"number_format": number_format}
        )
        series = locked.get(pk=created.pk)
    # format_number reads their codes: no query for them.
    series.unit = key["unit"]
    series.issuer = key["issuer"]
    return series


def _existing_valid(learner, course) -> Certificate | None:
    # Most issues find none: asked first with EXISTS (~0.5 ms of CPU less
    # than reading the row's 40 columns), read only when there is one.
    held = Certificate.objects.valid().filter(learner=learner, course=course)
    return held.first() if held.exists() else None


def _snapshot(learner, course, *, issuer: Issuer, enrolment=None) -> dict:
    """What the certificate keeps of the learner and the course; the
    enrolment's dates from ``enrolment`` when the caller holds it."""
    profile = getattr(learner, "profile", None)
    if enrolment is None:
        enrolment = (
            Enrolment.objects.filter(learner=learner, course=course)
            .only("created_at", "completed_at")
            .first()
        )
    return {
        "full_name": (profile.full_name if profile else "") or learner.get_full_name(),
        # Only where the issuer's legal form prints it.
        "date_of_birth": profile.date_of_birth
        if profile and issuer.print_date_of_birth
        else None,
        "agency_name": profile.agency.name if profile and profile.agency_id else "",
        "course_title": course.title,
        "course_code": course.code,
        "started_on": timezone.localdate(enrolment.created_at) if enrolment else None,
        "completed_on": timezone.localdate(enrolment.completed_at)
        if enrolment and enrolment.completed_at
        else None,
    }


def _create(
    *,
    learner,
    course,
    issued_by,
    training_class_code: str,
    score: Decimal | None,
    grade: str,
    replaces: Certificate | None = None,
    enrolment: Enrolment | None = None,
) -> tuple[Certificate, bool]:
    """Take the next number and create the certificate (caller holds atomic).

    Returns (certificate, created): a certificate committed by a concurrent
    issue while we waited for the lock is returned with ``False``.
    """
    unit = issuing_unit_for(learner)
    if unit is None:
        raise NotEligible([_("Học viên chưa có đơn vị hành chính.")])
    now = timezone.now()
    issuer = issuer_on(timezone.localdate(now))
    if issuer is None:
        raise NoIssuer([no_issuer_message(timezone.localdate(now))])
    series = _series_locked(issuer=issuer, unit=unit, year=certificate_year(now))
    # Re-check under the lock: a concurrent issue for this learner (same
    # day, same series) has committed by the time we hold the row.
    if replaces is None and (held := _existing_valid(learner, course)) is not None:
        return held, False
    template = template_for_course(course)
    revision_id = None
    if template is not None:
        revision_id = (
            template.latest_revision_id
            or template.save_revision(user=issued_by, log_action=False).pk
        )
    issuer_revision_id = (
        issuer.latest_revision_id
        or issuer.save_revision(user=issued_by, log_action=False).pk
    )
    series.last_number += 1
    series.save(update_fields=["last_number"])
    certificate = Certificate(
        number=series.format_number(series.last_number),
        series=series,
        sequence=series.last_number,
        learner=learner,
        unit_id=unit_id_now(learner),
        course=course,
        template_revision_id=revision_id,
        issuer=issuer,
        issuer_revision_id=issuer_revision_id,
        training_class_code=training_class_code,
        unit_name=unit.full_name,
        score=score,
        grade=grade,
        issued_at=now,
        issued_by=issued_by,
        token=new_token(),
        short_code=new_short_code(),
        replaces=replaces,
        **_snapshot(learner, course, issuer=issuer, enrolment=enrolment),
    )
    # The related rows were just read or locked: no query to check each.
    certificate.full_clean(
        exclude=[
            "series",
            "learner",
            "unit",
            "course",
            "template_revision",
            "issuer",
            "issuer_revision",
            "replaces",
        ],
        validate_unique=False,
        validate_constraints=False,
    )
    certificate.save()
    log(
        instance=certificate,
        action="certificates.issue",
        user=issued_by,
        data={"number": certificate.number, "learner": learner.pk},
    )
    _after_issue(certificate)
    return certificate, True


# Set by the issue task: the certificate it issues is rendered and emailed
# in that same task after the commit, not by a second queued task.
render_in_this_task: ContextVar[bool] = ContextVar(
    "certificates_render_in_this_task", default=False
)


def _after_issue(certificate: Certificate) -> None:
    """After the commit: render and email here (the issue task: the
    certificate as created, no second read), or queue the render task."""
    from .tasks import certificate_render, certificate_render_here

    if render_in_this_task.get():
        transaction.on_commit(lambda: certificate_render_here(certificate))
    else:
        transaction.on_commit(lambda: certificate_render.delay(certificate.pk))


def certificate_issue(
    *, learner, course, issued_by=None, training_class_code: str = ""
) -> Certificate:
    """Issue ``learner``'s certificate for ``course``, or return the one held.

    Idempotent: issuing twice, concurrently or after a crash leaves one valid
    certificate and one number (series row lock + the conditional unique
    constraint). Raises :class:`NotEligible` with the reasons from
    ``courses.selectors.course_eligibility``. Side effects on commit: the PDF
    is rendered and emailed by Celery tasks.
    """
    certificate, _created = certificate_issue_or_get(
        learner=learner,
        course=course,
        issued_by=issued_by,
        training_class_code=training_class_code,
    )
    return certificate


def certificate_issue_many(
    *, course, learner_ids, issued_by=None, training_class_code: str = ""
) -> int:
    """Issue ``course``'s certificate to each of ``learner_ids`` in the
    background (bulk issue from the screen); returns how many were asked.

    One task (``certificate_issue_batch``) is dispatched after the commit,
    whatever the number of learners; it queues each learner's issue (and
    PDF, and email) as its own task, which checks eligibility again and is
    idempotent, so a learner listed twice or issued meanwhile gets one
    certificate."""
    from .tasks import certificate_issue_batch

    ids = sorted(set(learner_ids))
    if ids:
        issued_by_id = issued_by.pk if issued_by is not None else None
        transaction.on_commit(
            lambda: certificate_issue_batch.delay(
                course.pk, ids, issued_by_id, training_class_code
            )
        )
    return len(ids)


def certificate_issue_or_get(
    *, learner, course, issued_by=None, training_class_code: str = ""
) -> tuple[Certificate, bool]:
    """:func:`certificate_issue`, also saying whether this call issued it.

    Every way of issuing (automatic, bulk, command line) comes here: the
    enrolment is marked completed, with its date, by the courses app's own
    service before the number is taken, so a certificate never stands beside
    an enrolment still "in progress"."""
    if (held := _existing_valid(learner, course)) is not None:
        return held, False
    eligibility = course_eligibility(user=learner, course=course)
    if not eligibility.complete:
        raise NotEligible(eligibility.reasons or [_("Chưa hoàn thành khóa học.")])
    score = eligibility.score
    try:
        with transaction.atomic():
            enrolment = enrolment_refresh(learner=learner, course=course)
            if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
                raise NotEligible([_("Chưa hoàn thành khóa học.")])
            return _create(
                learner=learner,
                course=course,
                issued_by=issued_by,
                training_class_code=training_class_code,
                score=score,
                grade=course.grade_word(score),
                enrolment=enrolment,
            )
    except IntegrityError:
        held = _existing_valid(learner, course)
        if held is None:
            raise
        return held, False


def _require_admin(user) -> None:
    if user is None or not user.is_province_admin:
        raise PermissionDenied(_("Chỉ quản trị cấp tỉnh được thu hồi giấy chứng nhận."))


Category = Certificate.RevocationCategory

# What an admin may choose by hand; "replaced" comes only from a reissue.
REVOKE_CATEGORIES = [c for c in Category if c != Category.REPLACED]


def _revoke(
    *, certificate: Certificate, revoked_by, category: str, reason: str
) -> Certificate:
    """Revoke (never delete) under a row lock; caller holds the transaction."""
    _require_admin(revoked_by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải nêu lý do thu hồi.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.is_valid:
        return certificate
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = revoked_by
    certificate.revocation_category = category
    certificate.revocation_reason = reason
    certificate.save(
        update_fields=[
            "status",
            "revoked_at",
            "revoked_by",
            "revocation_category",
            "revocation_reason",
        ]
    )
    log(
        instance=certificate,
        action="certificates.revoke",
        user=revoked_by,
        data={"number": certificate.number, "category": category, "reason": reason},
    )
    return certificate


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, revoked_by, category: str, reason: str
) -> Certificate:
    """Revoke (never delete) a certificate. Province admins only.

    ``category`` (one of ``REVOKE_CATEGORIES``) is what the public
    verification page shows; ``reason``, required, is read by staff only.
    "Replaced" is not accepted here: :func:`certificate_reissue` sets it.
    """
    _require_admin(revoked_by)
    if category not in REVOKE_CATEGORIES:
        raise ValidationError({"category": _("Phải chọn loại lý do thu hồi.")})
    return _revoke(
        certificate=certificate,
        revoked_by=revoked_by,
        category=category,
        reason=reason,
    )


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, issued_by, reason: str
) -> Certificate:
    """Revoke ``certificate`` and issue a new one (new number) that replaces it.

    The old one's category is "replaced" (the public sees the new number);
    ``reason`` is for staff. The new paper carries the learner's current
    name and unit (the usual reason is a correction) and the original
    result.
    """
    old = _revoke(
        certificate=certificate,
        revoked_by=issued_by,
        category=Category.REPLACED,
        reason=reason,
    )
    if hasattr(old, "replaced_by"):
        return old.replaced_by
    new, _created = _create(
        learner=old.learner,
        course=old.course,
        issued_by=issued_by,
        training_class_code=old.training_class_code,
        score=old.score,
        grade=old.grade,
        replaces=old,
    )
    log(
        instance=new,
        action="certificates.reissue",
        user=issued_by,
        data={"number": new.number, "replaces": old.number, "reason": reason},
    )
    return new


@transaction.atomic
def issuer_save(*, issuer: Issuer, user=None) -> Issuer:
    """Validate and save an issuer, and record the revision certificates will
    pin (in the history and audit log, as the admin's edit screen does).

    Every issuer row is locked first, so two saves cannot both pass the
    "no overlapping periods" check."""
    list(Issuer.objects.select_for_update().values_list("pk", flat=True))
    created = issuer.pk is None
    if not created:
        issuer_pin_issued(issuer_id=issuer.pk)
    issuer.full_clean()
    issuer.save()
    if created:
        log(instance=issuer, action="wagtail.create", user=user)
    issuer.save_revision(user=user, log_action=not created)
    return issuer


@transaction.atomic
def issuer_pin_issued(*, issuer_id: int) -> int:
    """Pin the issuer's certificates that carry no revision of it to one of
    the issuer as it stands; returns how many.

    Called before an issuer is edited (by :func:`issuer_save` and the admin's
    edit screen): certificates given their issuer by migration
    ``0004_issuer_seed`` read the issuer as it is until then, and keep that
    after the edit."""
    issuer = Issuer.objects.select_for_update().get(pk=issuer_id)
    unpinned = Certificate.objects.filter(issuer=issuer, issuer_revision__isnull=True)
    if not unpinned.exists():
        return 0
    revision_id = issuer.latest_revision_id or issuer.save_revision(log_action=False).pk
    return unpinned.update(issuer_revision_id=revision_id)


def certificate_attach_pdf(*, certificate_id: int, content: bytes) -> Certificate:
    """Store the rendered PDF in private storage and record its SHA-256."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("series")
            .get(pk=certificate_id)
        )
        old_name = certificate.pdf.name
        digest = hashlib.sha256(content).hexdigest()
        certificate.pdf.save(
            f"{certificate.series.year}/{certificate.pk}-{digest[:12]}.pdf",
            ContentFile(content),
            save=False,
        )
        certificate.pdf_sha256 = digest
        certificate.save(update_fields=["pdf", "pdf_sha256"])
    if old_name and old_name != certificate.pdf.name:
        certificate.pdf.storage.delete(old_name)
    return certificate


def certificate_mark_emailed(*, certificate_id: int) -> bool:
    """Claim the one email of a certificate; False if already sent."""
    return bool(
        Certificate.objects.filter(pk=certificate_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    )
