"""Test settings: fast hashing, in-memory mail and cache, eager Celery unless a
test brings its own broker."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": env.cache("TEST_CACHE_URL", default="locmemcache://")}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The suite runs eagerly by default; tests marked "celery" point Celery at a
# real Redis broker and worker themselves.
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
# Every test sees the figures of the records it wrote; the kept figures of
# production are tested with their own value (tests/reports/test_snapshots.py).
REPORTS_FIGURES_MAX_AGE = 0
