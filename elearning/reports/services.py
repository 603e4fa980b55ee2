"""Writes of the reports app: report jobs and yearly reminders."""

from __future__ import annotations

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from elearning.people.models import AdministrativeUnit, Role, User
from elearning.services import email_send

from .metrics import Period, registered_metrics
from .models import CourseClosingReminder, ReportJob, YearlyReminder
from .selectors import figures, learners_visible_to, own_unit
from .templatetags.reports_tags import format_figure
from .yearly import figures_day, report_day, yearly_report_render

logger = logging.getLogger(__name__)


def report_job_create(
    *,
    requested_by: User,
    year: int,
    unit: AdministrativeUnit | None,
    fmt: str,
) -> ReportJob:
    """Record the request and queue the task once the transaction commits.

    The caller has checked that ``unit`` is within the requester's scope.
    """
    from .tasks import run_report_job

    with transaction.atomic():
        job = ReportJob(requested_by=requested_by, year=year, unit=unit, format=fmt)
        job.full_clean()
        job.save()
        transaction.on_commit(lambda: run_report_job.delay(str(job.pk)))
    return job


def _set_progress(job_id, value: int) -> None:
    ReportJob.objects.filter(pk=job_id).update(progress=value)


def report_job_run(*, job_id) -> ReportJob:
    """Make the file of one job. Idempotent: a finished job is left alone."""
    job = ReportJob.objects.select_related("unit").get(pk=job_id)
    if job.status == ReportJob.Status.DONE:
        return job
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING, progress=5
    )
    content, name = yearly_report_render(
        year=job.year,
        unit=job.unit,
        fmt=job.format,
        progress=lambda p: _set_progress(job.pk, p),
    )
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if job.file:
            job.file.delete(save=False)
        job.file.save(name, ContentFile(content), save=False)
        job.status = ReportJob.Status.DONE
        job.progress = 100
        job.error = ""
        job.finished_at = timezone.now()
        job.save()
    return job


def report_job_fail(*, job_id, error: str) -> None:
    ReportJob.objects.filter(pk=job_id).update(
        status=ReportJob.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def officers_to_remind() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            groups__name=str(Role.OFFICER),
            profile__unit__isnull=False,
        )
        .select_related("profile__unit")
        .distinct()
    )


def yearly_reminder_send(
    *, officer: User, year: int, today: datetime.date | None = None
) -> bool:
    """Email ``officer`` their district's draft figures for ``year``, once:
    the figures from 1 January to ``today`` (Vietnam time).

    Returns False if they were already reminded for that year.
    """
    today = today or timezone.localdate()
    period = Period(datetime.date(year, 1, 1), figures_day(year, today))
    metrics = registered_metrics()
    unit = own_unit(officer)
    learners = learners_visible_to(officer, unit=unit)
    row = figures(learners, period, "total", metrics).get(None, {})
    lines = [
        f"- {m.label}: {format_figure(row.get(m.key), m.is_rate)}" for m in metrics
    ]
    try:
        with transaction.atomic():
            YearlyReminder.objects.create(officer=officer, year=year)
            with translation.override("vi"):
                body = render_to_string(
                    "reports/email/yearly_reminder.txt",
                    {
                        "officer": officer,
                        "unit": unit,
                        "year": year,
                        "due": report_day(year),
                        "lines": lines,
                        "today": today,
                    },
                )
                subject = _("Nhắc lập báo cáo kết quả thực hiện năm %(year)d") % {
                    "year": year
                }
            email_send(to=[officer.email], subject=subject, body=body)
    except IntegrityError:
        return False
    return True


def yearly_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind every district officer, on the configured day only."""
    from . import conf

    today = today or timezone.localdate()
    if (today.month, today.day) != tuple(conf.get("REPORTS_REMINDER_DATE")):
        return 0
    return sum(
        yearly_reminder_send(officer=o, year=today.year, today=today)
        for o in officers_to_remind()
    )


def course_closing_reminder_send(
    *, enrolment, today: datetime.date | None = None
) -> bool:
    """Email the learner of ``enrolment`` that its course closes soon, once.

    Returns False if they were already reminded of that course.
    """
    course, learner = enrolment.course, enrolment.learner
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            CourseClosingReminder.objects.create(
                learner=learner, course=course, closes_on=course.closes_on
            )
            with translation.override("vi"):
                body = render_to_string(
                    "reports/email/course_closing.txt",
                    {
                        "learner": learner,
                        "course": course,
                        "closes_on": course.closes_on,
                        "days_left": (course.closes_on - today).days,
                        "url": _course_url(course),
                    },
                )
                subject = _("Khóa học “%(course)s” sắp kết thúc") % {
                    "course": course.title
                }
            email_send(to=[learner.email], subject=subject, body=body)
    except IntegrityError:
        return False
    return True


def _course_url(course) -> str:
    from django.conf import settings

    url = course.get_url() or ""
    return url if url.startswith("http") else settings.SITE_URL + url


def course_closing_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind every learner who has not completed a course closing within
    ``REPORTS_COURSE_CLOSING_DAYS`` days (today included) — once per learner
    and course. Returns how many were sent."""
    from courses.models import Enrolment

    from . import conf

    if not conf.get("REPORTS_COURSE_CLOSING_REMINDERS"):
        return 0
    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=conf.get("REPORTS_COURSE_CLOSING_DAYS"))
    already = CourseClosingReminder.objects.filter(
        learner=OuterRef("learner"), course=OuterRef("course")
    )
    enrolments = (
        Enrolment.objects.filter(
            status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.IN_PROGRESS],
            completed_at__isnull=True,
            learner__is_active=True,
            course__live=True,
            course__closes_on__gte=today,
            course__closes_on__lte=last,
        )
        .exclude(Exists(already))
        .select_related("learner__profile", "course")
        .order_by("course_id", "learner_id")
    )
    return sum(
        course_closing_reminder_send(enrolment=e, today=today) for e in enrolments
    )
