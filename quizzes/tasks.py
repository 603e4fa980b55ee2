"""Periodic jobs of the quizzes app."""

from celery import shared_task

from .services import attempt_close_overdue


@shared_task(ignore_result=True)
def close_overdue_attempts() -> int:
    """Grade and close attempts past their deadline plus grace (idempotent)."""
    return attempt_close_overdue()
