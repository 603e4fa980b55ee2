"""Gates every signed-in request must pass: MFA for staff, then privacy
consent, then (for a self-registered account) its unit's confirmation.

Both sit after AuthenticationMiddleware and allauth's AccountMiddleware. A
request that fails a gate is redirected to the page that clears it; the
pages needed to get there (sign out, MFA setup, the notice itself, static
files, the health check, the language switch) stay reachable.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

# Reachable by everyone whatever gate they are stuck at.
ALWAYS_OPEN = {
    "account_logout",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "healthz",
    "set_language",
    "javascript-catalog",
}
CONSENT_OPEN = {"people:privacy_notice", "people:consent"}
CONSENT_SESSION_KEY = "people.privacy_consent"
# Set once a staff user is seen with a TOTP device; cleared when one is
# removed (people.signals), so the check costs no query on later requests.
MFA_SESSION_KEY = "people.mfa_ok"


def _url_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


def _exempt(request: HttpRequest, name: str | None) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    return name in ALWAYS_OPEN or (name or "").startswith("mfa_")


def _redirect(to: str, request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        to = f"{to}?{urlencode({'next': request.get_full_path()})}"
    return HttpResponseRedirect(to)


class MFARequiredMiddleware:
    """Staff (officers, trainers, province admins) must set up TOTP first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_mfa
            and not request.session.get(MFA_SESSION_KEY)
            and not _exempt(request, _url_name(request))
        ):
            if not user_has_totp(user):
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            request.session[MFA_SESSION_KEY] = True
        return self.get_response(request)


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).exists()


class PrivacyConsentMiddleware:
    """Everyone signed in accepts the current privacy notice once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from .services import PRIVACY_NOTICE_VERSION

            if request.session.get(CONSENT_SESSION_KEY) != PRIVACY_NOTICE_VERSION:
                name = _url_name(request)
                if not (
                    _exempt(request, name)
                    or name in CONSENT_OPEN
                    or consent_remember(request, user)
                ):
                    return _redirect(reverse("people:consent"), request)
        return self.get_response(request)


def consent_remember(request, user) -> bool:
    """Whether ``user`` accepted the current notice; if so it is kept in the
    session. Called by the gate above and at sign-in (whose response saves
    the session anyway), so the first page after it neither asks the
    database nor writes the session again."""
    from .models import PrivacyConsent
    from .services import PRIVACY_NOTICE_VERSION

    if getattr(request, "session", None) is None:
        return False
    accepted = PrivacyConsent.objects.filter(
        user=user, notice_version=PRIVACY_NOTICE_VERSION
    ).exists()
    if accepted:
        request.session[CONSENT_SESSION_KEY] = PRIVACY_NOTICE_VERSION
    return accepted


AWAITING_OPEN = {"people:awaiting", "people:my_data", "people:my_data_download"}


class AwaitingConfirmationMiddleware:
    """A self-registered account reaches nothing but the page that says it
    waits for its unit's officer (and its own data) until confirmed. The
    profile comes with the request's user (``User.objects.for_request``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.awaiting_confirmation:
                name = _url_name(request)
                if not (_exempt(request, name) or name in CONSENT_OPEN | AWAITING_OPEN):
                    return HttpResponseRedirect(reverse("people:awaiting"))
        return self.get_response(request)
