"""Re-authentication before sensitive actions, with allauth's own mechanism.

allauth keeps, in the session, when the user last proved who they are
(password, or a TOTP / recovery code for people with MFA). A sensitive view
calls ``require_reauthentication(request)`` after its permission checks (so a
refused user still gets 403/404, not a password prompt); if the last proof is
older than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` it raises allauth's
``ReauthenticationRequired``, which allauth's ``AccountMiddleware`` turns into
a redirect to the re-authentication page and, for a POST, replays the
suspended request once the user has re-authenticated.

Sensitive here means: exports of personal data, certificate revocation and
changes to accounts (roles, active flag).
"""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.decorators import reauthentication_required
from django.http import HttpRequest


@reauthentication_required
def _passes(request: HttpRequest) -> None:
    return None


def require_reauthentication(request: HttpRequest) -> None:
    """Raise ``ReauthenticationRequired`` unless the user re-authenticated recently."""
    _passes(request)


def export_personal_data(
    request: HttpRequest, *, what: str, subjects: Iterable[int] | None = None
) -> None:
    """Gate an export of personal data: recent re-authentication, then the log.

    Call it after the view's permission and scoping checks, right before the
    file is built. ``subjects`` (user ids, or a ``values_list`` QuerySet) are
    the people the file holds: one ``export`` line each, written in bulk,
    so each of them can see who exported their data, when and why. Without
    it (a table of figures) one line records the export.
    """
    from .audit import client_ip, safe_path
    from .models import AccessLog
    from .services import access_log_record, access_log_record_many

    require_reauthentication(request)
    if subjects is not None and access_log_record_many(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=what,
        subject_user_ids=subjects,
        path=safe_path(request),
        ip=client_ip(request),
    ):
        return
    # A table of figures, or a file with nobody in it: one line.
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=what,
        path=request.get_full_path(),
    )


def list_personal_data(
    request: HttpRequest, *, what: str, subjects: Iterable[int]
) -> None:
    """Log that ``request.user`` was shown a list of these people."""
    from .audit import client_ip, safe_path
    from .models import AccessLog
    from .services import access_log_record_many

    access_log_record_many(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        what=what,
        subject_user_ids=subjects,
        path=safe_path(request),
        ip=client_ip(request),
    )
