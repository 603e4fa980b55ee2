"""Local development: `make run`. SECRET_KEY comes from .env (made by make)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# The demo's figures are computed on every request: they are few, and a
# change shows at once (no beat runs under `make run`).
REPORTS_FIGURES_MAX_AGE = env.int("REPORTS_FIGURES_MAX_AGE", default=0)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# runserver serves static files itself; no manifest needed while developing.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
