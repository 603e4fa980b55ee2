"""Audit log of sign-ins, failed sign-ins and refusals (``AccessLog``).

What is written: who (the account, or the address typed for a failed
sign-in), what happened, the path without its query string and with any
secret in the URL (tokens, keys) blanked, and the client address
(``REMOTE_ADDR``: the proxy in front sets it; headers the client writes are
not trusted). Never written: passwords, TOTP or recovery codes, tokens,
session keys.

- ``user_logged_in`` (Django; sent by allauth after the last step, MFA
  included) → ``login``;
- ``user_login_failed`` (Django; allauth's login form, the admin's login
  which redirects to it, and re-authentication by password) →
  ``login_fail``; the credentials Django passes are already cleansed, and
  only the address typed is kept;
- a sign-in refused without checking it (it must wait after too many
  failures: ``adapter.AccountAdapter``, ``throttle``) → ``login_fail`` as
  well, worded as blocked;
- allauth MFA's ``authentication_failed`` (a wrong TOTP or recovery code, at
  sign-in or re-authentication) → ``mfa_fail``;
- ``AuthorisationAuditMiddleware``: a signed-in user answered 403, or 404 on
  a URL naming a record (another district's, another learner's) →
  ``denied``. Views that log a refusal with more detail themselves (the
  staff admin) set ``request._access_denied_logged``.
"""

from __future__ import annotations

from allauth.mfa.signals import authentication_failed
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .models import AccessLog, User
from .services import access_log_record

# URL keyword arguments that carry a secret: blanked in the logged path.
SECRET_KWARGS = {"token", "key", "uidb36", "uidb64"}
REDACTED = "[…]"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def safe_path(request: HttpRequest | None) -> str:
    """The request's path, without query string, secrets in it blanked."""
    if request is None:
        return ""
    path = getattr(request, "path", "") or ""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_KWARGS and value:
                path = path.replace(str(value), REDACTED)
    return path


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    access_log_record(
        actor=user,
        action=AccessLog.Action.LOGIN,
        what=_("Đăng nhập"),
        subject_user_id=user.pk,
        path=safe_path(request),
        ip=client_ip(request),
    )


def _typed_login(credentials) -> tuple[str, int | None]:
    """The identifier typed (never the password) and its account's id."""
    login = str(credentials.get("email") or credentials.get("username") or "")[:150]
    user_id = (
        User.objects.with_email(login).values_list("pk", flat=True).first()
        if login
        else None
    )
    return login, user_id


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    login, user_id = _typed_login(credentials)
    access_log_record(
        actor=None,
        action=AccessLog.Action.LOGIN_FAILED,
        what=_("Đăng nhập không thành công: %(login)s") % {"login": login or "—"},
        subject_user_id=user_id,
        path=safe_path(request),
        ip=client_ip(request),
    )


def log_login_refused(request, credentials) -> None:
    """A sign-in refused unchecked: it must wait (``AccountAdapter``)."""
    login, user_id = _typed_login(credentials)
    access_log_record(
        actor=None,
        action=AccessLog.Action.LOGIN_FAILED,
        what=_("Đăng nhập bị chặn do sai quá nhiều lần: %(login)s")
        % {"login": login or "—"},
        subject_user_id=user_id,
        path=safe_path(request),
        ip=client_ip(request),
    )


@receiver(authentication_failed)
def log_mfa_failed(sender, request, user, authenticator, reauthentication, **kwargs):
    access_log_record(
        actor=user if reauthentication else None,
        action=AccessLog.Action.MFA_FAILED,
        what=(
            _("Sai mã xác thực khi xác thực lại")
            if reauthentication
            else _("Sai mã xác thực khi đăng nhập")
        ),
        subject_user_id=user.pk,
        path=safe_path(request),
        ip=client_ip(request),
    )


class AuthorisationAuditMiddleware:
    """Log refusals of signed-in users: every 403, and 404s on record URLs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            self._record(request, response.status_code)
        return response

    def _record(self, request: HttpRequest, status: int) -> None:
        if getattr(request, "_access_denied_logged", False):
            return
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        match = getattr(request, "resolver_match", None)
        if status == 404 and (match is None or not match.kwargs):
            return  # a page that does not exist, not a record refused
        view = match.view_name if match is not None else ""
        access_log_record(
            actor=user,
            action=AccessLog.Action.DENIED,
            what=_("Từ chối (%(status)s): %(view)s") % {"status": status, "view": view},
            path=safe_path(request),
            ip=client_ip(request),
        )
