"""Background work for courses: imports and invitations (thin, idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(max_retries=3, retry_backoff=30)
def import_job_run(job_id: int) -> None:
    from .imports import import_job_run as run

    run(job_id=job_id)


@shared_task(max_retries=5, retry_backoff=60)
def invitations_send(*, user_ids: list[int]) -> int:
    from .imports import invitations_send as send

    return send(user_ids=user_ids)


@shared_task(max_retries=3, retry_backoff=60)
def import_uploads_delete() -> int:
    from .imports import import_uploads_delete as delete

    return delete()
