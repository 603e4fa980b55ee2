"""Celery application: configured from Django settings (namespace CELERY_)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")
# Celery's Django fixup runs the system checks in every worker by default,
# which imports the whole URLconf (every view, the Wagtail admin, WeasyPrint
# through the certificate views): ~40 MiB resident in the worker's parent,
# and so in each prefork child forked from it. The checks run where they
# belong (`manage.py check` at deploy, `make checks` in CI), not in workers.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("elearning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
