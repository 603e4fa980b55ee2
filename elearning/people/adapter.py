"""The platform's allauth account adapter.

allauth refuses a sign-in once an account (or an address) has failed too
often (``ACCOUNT_RATE_LIMITS["login_failed"]``) before it even checks the
password, so Django's ``user_login_failed`` is not sent and the refusal
would leave no trace in the access log; an officer looking into a guessing
attack must see every attempt, the refused ones included.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Closed unless the province lists work domains (signup.py)."""
        from .signup import signup_domains

        return bool(signup_domains())

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from .audit import log_login_refused

            log_login_refused(request, credentials)
            raise
