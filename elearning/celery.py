"""Celery application: configured from Django settings (namespace CELERY_)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")

app = Celery("elearning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
