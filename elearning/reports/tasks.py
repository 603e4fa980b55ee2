from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=3,
)
def run_report_job(self, job_id: str) -> None:
    try:
        services.report_job_run(job_id=job_id)
    except OperationalError:
        raise
    except Exception as exc:  # noqa: BLE001 - recorded for the person waiting
        logger.exception("Report job %s failed", job_id)
        services.report_job_fail(job_id=job_id, error=str(exc))


@shared_task
def send_yearly_report_reminders() -> int:
    return services.yearly_reminders_send()


@shared_task
def send_course_closing_reminders() -> int:
    return services.course_closing_reminders_send()


@shared_task
def refresh_province_figures() -> int:
    from . import snapshots

    return snapshots.province_figures_refresh_due()
