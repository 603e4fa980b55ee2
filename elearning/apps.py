from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    """Project-wide pieces: home page, health check, mail task, demo data."""

    name = "elearning"
    verbose_name = _("Hệ thống học trực tuyến")

    def ready(self):
        # The Celery app, so that every task binds to it (the package itself
        # does not import it: see elearning/__init__.py).
        from . import (
            celery,  # noqa: F401
            pagecache,
            wagtail_exports,
        )

        pagecache.connect()
        wagtail_exports.install()
