"""Report jobs (the yearly report made in the background), reminders sent
and the province's figures kept between requests."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class ReportJob(models.Model):
    """One yearly report requested from the web, made by a Celery task.

    The page that asked polls ``status``/``progress``; only the person who
    asked may see the job or download its file.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang lập báo cáo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    year = models.PositiveSmallIntegerField(_("năm báo cáo"))
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    format = models.CharField(_("định dạng"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(
        _("tệp báo cáo"), storage=_private_storage, upload_to="reports/", blank=True
    )
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu lập báo cáo")
        verbose_name_plural = _("yêu cầu lập báo cáo")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year} {self.unit or ''} {self.format}".strip()


class YearlyReminder(models.Model):
    """A yearly-report reminder sent to one officer for one year (sent once)."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc lập báo cáo năm")
        verbose_name_plural = _("nhắc lập báo cáo năm")
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "year"], name="reports_reminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.year}"


class CourseClosingReminder(models.Model):
    """A reminder sent to one learner that one course closes soon (sent once)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+"
    )
    closes_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc hạn kết thúc khóa học")
        verbose_name_plural = _("nhắc hạn kết thúc khóa học")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"], name="reports_closing_reminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.course_id} {self.closes_on}"


class FigureSnapshot(models.Model):
    """The province's figures for one period, computed in the background.

    The province dashboard reads the heavy part of its figures (the metrics'
    ``rollup`` answers per unit, month and course) from here instead of
    scanning every record on each request; ``snapshots`` keeps it fresh and
    the page says when it was computed. ``key`` names the period, the
    groupings and the metrics, so a snapshot made before a metric was added
    is never read for it.
    """

    key = models.CharField(max_length=200, unique=True)
    start = models.DateField()
    end = models.DateField()
    figures = models.JSONField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField()  # how long the computation took
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("số liệu tổng hợp toàn tỉnh")
        verbose_name_plural = _("số liệu tổng hợp toàn tỉnh")

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} {self.computed_at:%H:%M}"
