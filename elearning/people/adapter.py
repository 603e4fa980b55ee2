"""The platform's allauth account adapter.

Password checks are throttled by growing delays per account and address,
per account and per address (``elearning.people.throttle``) instead of
allauth's fixed ``login_failed`` lock, which any stranger who knows an
e-mail address could trigger to keep its owner out. allauth's
``login_failed`` rate stays for the MFA code step (only someone who has the
password reaches it).

A throttled attempt is refused before the password is checked, so Django's
``user_login_failed`` is not sent; the refusal is written to the access log
here: an officer looking into a guessing attack must see every attempt, the
refused ones included.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from .throttle import (
    Throttled,
    login_throttle_check,
    login_throttle_failed,
    login_throttle_release,
    login_throttle_succeeded,
)


class AccountAdapter(DefaultAccountAdapter):
    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """No second password prompt for a staff member's first authenticator.

        Staff are sent to set up TOTP right after signing in; allauth would
        ask for the password again before that step. Someone with no
        authenticator has nothing MFA could protect yet, so that step opens
        straight away; changing or removing an authenticator still asks.
        """
        if app == "allauth.mfa":
            from allauth.core import context

            from .middleware import user_has_totp

            user = getattr(context.request, "user", None)
            if user is not None and user.is_authenticated and not user_has_totp(user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    _throttle_ticket = None

    def is_open_for_signup(self, request) -> bool:
        """Closed unless the province lists work domains (signup.py)."""
        from .signup import signup_domains

        return bool(signup_domains())

    def pre_authenticate(self, request, **credentials):
        # Not allauth's: its per-account lock is the weapon described above.
        login = str(credentials.get("email") or credentials.get("username") or "")
        try:
            self._throttle_ticket = login_throttle_check(
                login, self.get_client_ip(request)
            )
        except Throttled as refused:
            from .audit import log_login_refused

            log_login_refused(request, credentials)
            raise ValidationError(
                refused.message, code="too_many_login_attempts"
            ) from None

    def authenticate(self, request, **credentials):
        self._throttle_ticket = None
        try:
            user = super().authenticate(request, **credentials)
        finally:
            if self._throttle_ticket is not None:
                login_throttle_release(self._throttle_ticket)
        if user is not None and self._throttle_ticket is not None:
            login_throttle_succeeded(self._throttle_ticket)
        return user

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        if self._throttle_ticket is not None:
            login_throttle_failed(self._throttle_ticket)
