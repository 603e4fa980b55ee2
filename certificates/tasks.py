"""Background work of certificates: thin tasks over services, idempotent."""

from __future__ import annotations

import io
import logging
import smtplib
import zipfile

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses.models import CoursePage

from .models import Certificate, CertificateExport

logger = logging.getLogger(__name__)


# Learners of a bulk issue handed to one task: what a task costs besides
# its certificates (Celery's message and its hand-out, reading the course
# and the issuing user) is paid once for them, while a bulk issue still
# spreads over every worker process (bench/results/history.md, "bulk issue
# in chunks").
ISSUE_CHUNK = 10


def _course_and_issuer(course_id: int, issued_by_id: int | None):
    course = CoursePage.objects.get(pk=course_id)
    issued_by = (
        get_user_model().objects.filter(pk=issued_by_id).first()
        if issued_by_id
        else None
    )
    return course, issued_by


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def certificate_issue_for(
    learner_id: int,
    course_id: int,
    issued_by_id: int | None = None,
    training_class_code: str = "",
) -> int | None:
    """Issue (or find) a learner's certificate; None when not eligible.

    A certificate this task issues is rendered and emailed here, after the
    commit (:func:`certificate_render_here`): one task per certificate
    instead of three queued one after the other.
    """
    course, issued_by = _course_and_issuer(course_id, issued_by_id)
    return _issue(learner_id, course, issued_by, training_class_code)


def _issue(learner_id: int, course, issued_by, training_class_code: str) -> int | None:
    """The issue task's work for one learner (its certificate's pk, or None
    when not eligible), rendered and emailed after its commit."""
    from .services import NotEligible, certificate_issue_or_get, render_in_this_task

    learner = (
        get_user_model()
        .objects.select_related("profile__unit", "profile__agency")
        .get(pk=learner_id)
    )
    token = render_in_this_task.set(True)
    try:
        certificate, created = certificate_issue_or_get(
            learner=learner,
            course=course,
            issued_by=issued_by,
            training_class_code=training_class_code,
        )
    except NotEligible as exc:
        logger.info("No certificate for %s in %s: %s", learner_id, course.pk, exc)
        return None
    finally:
        render_in_this_task.reset(token)
    if not created and (not certificate.pdf_sha256 or certificate.emailed_at is None):
        # Issued earlier but never rendered or emailed: a crash between the
        # commit and the email. (A new certificate was rendered on commit.)
        certificate.learner = learner
        transaction.on_commit(lambda: certificate_render_here(certificate))
    return certificate.pk


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def certificate_issue_batch(
    course_id: int,
    learner_ids: list[int],
    issued_by_id: int | None = None,
    training_class_code: str = "",
) -> int:
    """Queue :func:`certificate_issue_chunk` for each ``ISSUE_CHUNK``
    learners (the bulk issue screen's one task: the request never queues one
    per learner). Running it twice queues them twice, which issues nothing
    twice."""
    for start in range(0, len(learner_ids), ISSUE_CHUNK):
        certificate_issue_chunk.delay(
            course_id,
            learner_ids[start : start + ISSUE_CHUNK],
            issued_by_id,
            training_class_code,
        )
    return len(learner_ids)


@shared_task(acks_late=True)
def certificate_issue_chunk(
    course_id: int,
    learner_ids: list[int],
    issued_by_id: int | None = None,
    training_class_code: str = "",
) -> int:
    """Issue, render and email the certificates of a few learners of a bulk
    issue, one after the other, each as :func:`certificate_issue_for` does
    (its own transaction; idempotent, so a chunk delivered again after a
    lost worker issues nothing twice). A learner whose issue fails is handed
    to :func:`certificate_issue_for` on its own; the others go on. Returns
    how many certificates were issued or found."""
    course, issued_by = _course_and_issuer(course_id, issued_by_id)
    done = 0
    for learner_id in learner_ids:
        try:
            if _issue(learner_id, course, issued_by, training_class_code) is not None:
                done += 1
        except Exception:
            logger.exception(
                "Issuing %s's certificate in %s failed; queued on its own",
                learner_id,
                course_id,
            )
            certificate_issue_for.delay(
                learner_id, course_id, issued_by_id, training_class_code
            )
    return done


@shared_task
def certificate_finish_left_behind() -> dict[str, int]:
    """Queue what the background work left undone (beat, every
    ``CERTIFICATE_SWEEP_EVERY`` seconds): a completed course without its
    certificate, a certificate without its PDF or email. A task can be lost
    when a worker dies as it takes it from Redis; the tasks queued here are
    idempotent, so one still waiting is harmless."""
    from .selectors import certificates_left_behind

    to_issue, to_finish = certificates_left_behind()
    for learner_id, course_id in to_issue:
        certificate_issue_for.delay(learner_id, course_id)
    for certificate_id in to_finish:
        certificate_render.delay(certificate_id)
    if to_issue or to_finish:
        logger.warning(
            "Queued again: %d certificates to issue, %d to render or email",
            len(to_issue),
            len(to_finish),
        )
    return {"issue": len(to_issue), "finish": len(to_finish)}


def certificate_render_here(certificate: Certificate) -> None:
    """Render and email in the running task; on failure, queue the render task.

    The queued task starts again from what is stored (a PDF already attached
    is not rendered twice, an email already claimed is not sent twice), so a
    failure here costs a retry, never a second certificate or email.
    """
    try:
        _render_and_email(certificate)
    except Exception:
        logger.exception(
            "Rendering certificate %s failed; queued again", certificate.pk
        )
        certificate_render.delay(certificate.pk)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def certificate_render(certificate_id: int, *, force: bool = False) -> str:
    """Render and store the PDF once, then send it to the learner once."""
    # Only what the page and the email read: the template and the issuer as
    # issued come from their revisions, kept per process (certificates.pdf).
    certificate = (
        Certificate.objects.select_related("issuer", "learner")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        return ""
    return _render_and_email(certificate, force=force)


def _render_and_email(certificate: Certificate, *, force: bool = False) -> str:
    """Render, store and email ``certificate`` (the one the issue just
    created, or one read back), each step that is not done yet."""
    from .pdf import render_certificate_pdf
    from .services import certificate_attach_pdf

    content = None
    if force or not certificate.pdf_sha256:
        content = render_certificate_pdf(certificate)
        attached = certificate_attach_pdf(
            certificate_id=certificate.pk, content=content
        )
        certificate.pdf = attached.pdf
        certificate.pdf_sha256 = attached.pdf_sha256
        certificate.emailed_at = attached.emailed_at
        certificate.status = attached.status
    if certificate.emailed_at is None and certificate.is_valid:
        # Sent from here once; a failure hands it to the email task, which
        # owns the retries with backoff.
        try:
            _send_email(certificate, content)
        except Exception:
            logger.exception(
                "Emailing certificate %s failed; queued for retries", certificate.pk
            )
            certificate_email.delay(certificate.pk)
    return certificate.pdf_sha256


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def certificate_email(certificate_id: int) -> bool:
    """Email the learner their certificate with the PDF attached (once)."""
    certificate = (
        Certificate.objects.select_related("learner").filter(pk=certificate_id).first()
    )
    if certificate is None:
        return False
    return _send_email(certificate)


def _send_email(certificate: Certificate, content: bytes | None = None) -> bool:
    """Claim the certificate's one email and send it; False if not to send.

    ``content`` is the PDF just rendered (else it is read from storage).
    """
    from .pdf import pdf_filename
    from .services import certificate_mark_emailed

    if not certificate.pdf or not certificate.learner.email:
        return False
    if not certificate_mark_emailed(certificate_id=certificate.pk):
        return False
    try:
        with translation.override("vi"):
            context = {
                "certificate": certificate,
                "site_url": settings.SITE_URL,
                "verification_url": certificate.get_verification_url(),
            }
            subject = render_to_string(
                "certificates/email/issued_subject.txt", context
            ).strip()
            body = render_to_string("certificates/email/issued_body.txt", context)
        message = EmailMessage(
            subject=subject, body=body, to=[certificate.learner.email]
        )
        if content is None:
            with certificate.pdf.open("rb") as handle:
                content = handle.read()
        message.attach(pdf_filename(certificate), content, "application/pdf")
        message.send()
    except Exception:
        # Give the claim back so the retry sends it.
        Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)
        raise
    return True


@shared_task(acks_late=True, max_retries=2, default_retry_delay=60)
def certificate_export_build(export_id: int) -> str:
    """Build the ZIP of an export, updating its progress as it goes."""
    from .pdf import pdf_filename, render_certificate_pdf
    from .services import certificate_attach_pdf

    export = CertificateExport.objects.select_related("requested_by", "unit").get(
        pk=export_id
    )
    if export.status == CertificateExport.Status.DONE:
        return export.file.name
    qs = (
        Certificate.objects.visible_to(export.requested_by)
        .valid()
        .select_related("issuer")
        .order_by("series__year", "sequence")
    )
    if export.course_id:
        qs = qs.filter(course_id=export.course_id)
    if export.unit_id:
        # Numbered per issuing body, a certificate's series names no unit:
        # the learner's unit (as the issue screen's preview) decides too.
        qs = qs.filter(
            Q(series__unit_id=export.unit_id)
            | Q(learner__profile__unit__in=export.unit.subtree_ids())
        )
    if export.training_class_code:
        qs = qs.filter(training_class_code=export.training_class_code)
    certificates = list(qs)
    CertificateExport.objects.filter(pk=export.pk).update(
        status=CertificateExport.Status.RUNNING, total=len(certificates), done=0
    )
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, certificate in enumerate(certificates, start=1):
                if not certificate.pdf_sha256:
                    certificate = certificate_attach_pdf(
                        certificate_id=certificate.pk,
                        content=render_certificate_pdf(certificate),
                    )
                with certificate.pdf.open("rb") as handle:
                    archive.writestr(pdf_filename(certificate), handle.read())
                if index % 10 == 0 or index == len(certificates):
                    CertificateExport.objects.filter(pk=export.pk).update(done=index)
    except Exception as exc:
        CertificateExport.objects.filter(pk=export.pk).update(
            status=CertificateExport.Status.FAILED, error=str(exc)[:500]
        )
        raise
    export.refresh_from_db()
    export.file.save(
        f"certificates-{export.pk}.zip", ContentFile(buffer.getvalue()), save=False
    )
    export.status = CertificateExport.Status.DONE
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "finished_at"])
    return export.file.name
