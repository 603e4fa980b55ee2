"""Celery application: configured from Django settings (namespace CELERY_)."""

import os

from celery import Celery
from celery.signals import task_prerun

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


@task_prerun.connect
def start_like_a_request(task=None, **_kwargs):
    """Before each task, what Django does before each request: a database
    connection past ``CONN_MAX_AGE``, or left broken by the last task (one
    stopped by its time limit mid-query), is closed, and the one kept is
    checked before its first query (``CONN_HEALTH_CHECKS``). Celery then
    reuses it for ``CELERY_DB_REUSE_MAX`` tasks."""
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inside the caller's request and transaction
    close_old_connections()
