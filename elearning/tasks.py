"""Project-wide background tasks."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email(
    *, to: list[str], subject: str, body: str, html: str | None = None
) -> int:
    """Send one message; retried with backoff while the mail server is down."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("Cleared %d expired sessions", deleted)
    return deleted
