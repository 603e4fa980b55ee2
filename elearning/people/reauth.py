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

from allauth.account.decorators import reauthentication_required
from django.http import HttpRequest


@reauthentication_required
def _passes(request: HttpRequest) -> None:
    return None


def require_reauthentication(request: HttpRequest) -> None:
    """Raise ``ReauthenticationRequired`` unless the user re-authenticated recently."""
    _passes(request)


def export_personal_data(request: HttpRequest, *, what: str) -> None:
    """Gate an export of personal data: recent re-authentication, then a log line.

    Call it after the view's permission and scoping checks, right before the
    file is built.
    """
    from .models import AccessLog
    from .services import access_log_record

    require_reauthentication(request)
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=what,
        path=request.get_full_path(),
    )
