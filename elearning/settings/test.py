"""Test settings: fast hashing, in-memory mail and cache, eager Celery unless a
test brings its own broker."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's in-memory test database. With an in-memory one the
    # live server's request threads all share the test's single connection,
    # so two requests at once (an H5P player posting two statements) collide
    # with "database table is locked". On a file each thread opens its own
    # connection, with WAL and the busy timeout, as `make run` does. The file
    # lives in a private directory of this process (each xdist worker has its
    # own), in memory-backed /dev/shm when there is one, removed at exit.
    # /dev/shm is only the parent of that private (0700) directory.
    _shm = "/dev/shm"  # noqa: S108  # nosec B108
    _test_dir = tempfile.mkdtemp(
        prefix="elearning-test-", dir=_shm if os.access(_shm, os.W_OK) else None
    )
    atexit.register(shutil.rmtree, _test_dir, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": str(Path(_test_dir) / "db.sqlite3")}  # noqa: F405
# The suite runs eagerly by default; tests marked "celery" point Celery at a
# real Redis broker and worker themselves.
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
# Every test sees the figures of the records it wrote; the kept figures of
# production are tested with their own value (tests/reports/test_snapshots.py).
REPORTS_FIGURES_MAX_AGE = 0
