"""Project-wide services other apps call by name."""

from __future__ import annotations

from django.db import transaction


def email_send(
    *, to: list[str], subject: str, body: str, html: str | None = None
) -> None:
    """Queue an email once the surrounding transaction commits.

    A message dispatched inside a transaction that rolls back is never sent.
    """
    from .tasks import send_email

    transaction.on_commit(
        lambda: send_email.delay(to=list(to), subject=subject, body=body, html=html)
    )
