"""Authentication backends: Django's and allauth's, loading the user of each
request from the cache, or in one query (profile and roles included, see
``UserQuerySet.for_request``) instead of three.

Building that query (four EXISTS for the roles) costs ~10 ms of CPU a
request; the user read back from Redis ~0.3 ms. The cached copy is dropped
whenever the user, the profile or the roles change (``people.signals``:
``forget_request_user``), and expires after ``REQUEST_USER_CACHE_TIMEOUT``
seconds in any case. With Redis down, every request reads the database.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.cache import cache
from django.db import transaction


def request_user_key(user_id) -> str:
    return f"people:request-user:{user_id}"


def forget_request_user(user_id) -> None:
    """Drop the cached request user (now, and again when the transaction
    commits: a request reading the old row meanwhile cannot keep it)."""
    if user_id is None:
        return
    key = request_user_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_request_users(user_ids) -> None:
    """``forget_request_user`` for many users at once (bulk writes send no
    signals): one cache call now and one on commit."""
    keys = [request_user_key(pk) for pk in user_ids if pk is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _get_user(backend, user_id):
    key = request_user_key(user_id)
    user = cache.get(key)
    if user is None:
        user = (
            get_user_model()._default_manager.for_request().filter(pk=user_id).first()
        )
        if user is not None:
            cache.set(key, user, getattr(settings, "REQUEST_USER_CACHE_TIMEOUT", 300))
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        return _get_user(self, user_id)


class EmailBackend(AuthenticationBackend):
    """allauth's (email login, rate limits), same per-request user loading."""

    def get_user(self, user_id):
        return _get_user(self, user_id)
