"""Authentication backends: Django's and allauth's, loading the user of each
request in one query (profile and roles included, see
``UserQuerySet.for_request``) instead of three."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import backends, get_user_model


def _get_user(backend, user_id):
    user = get_user_model()._default_manager.for_request().filter(pk=user_id).first()
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        return _get_user(self, user_id)


class EmailBackend(AuthenticationBackend):
    """allauth's (email login, rate limits), same per-request user loading."""

    def get_user(self, user_id):
        return _get_user(self, user_id)
