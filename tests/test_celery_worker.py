"""A real Celery worker consuming from Redis runs the project's tasks."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.celery


@pytest.fixture
def worker(request):
    """Start ``celery worker`` against the test broker; yields a client app."""
    url = os.environ["CELERY_TEST_BROKER_URL"]
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    database = request.getfixturevalue("worker_database_url")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearning.settings.test",
        "DJANGO_READ_DOT_ENV": "0",
        "CELERY_RESULT_BACKEND": url,
    }
    if database:
        env["DATABASE_URL"] = database
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "elearning",
            "-b",
            url,
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery("test-client", broker=url, backend=url)
    client.conf.task_default_queue = queue
    try:
        yield client, queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        # Shown by pytest when the test failed.
        print(output[-4000:])  # noqa: T201


@pytest.fixture
def worker_database_url():
    return None


def test_worker_sends_email_through_redis(worker):
    client, queue = worker
    result = client.send_task(
        "elearning.tasks.send_email",
        kwargs={"to": ["hocvien@example.vn"], "subject": "Chào", "body": "Nội dung"},
        queue=queue,
    )
    # locmem backend in the worker: send() reports one message delivered.
    assert result.get(timeout=60) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestWorkerOnPostgres:
    @pytest.fixture
    def worker_database_url(self):
        from django.db import connection

        s = connection.settings_dict
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def test_worker_clears_expired_sessions_in_the_shared_database(self, worker):
        import datetime

        from django.contrib.sessions.models import Session
        from django.utils import timezone

        now = timezone.now()
        Session.objects.create(
            session_key="old" * 8,
            session_data="",
            expire_date=now - datetime.timedelta(days=1),
        )
        Session.objects.create(
            session_key="new" * 8,
            session_data="",
            expire_date=now + datetime.timedelta(days=1),
        )
        client, queue = worker
        result = client.send_task("elearning.tasks.clear_expired_sessions", queue=queue)
        assert result.get(timeout=60) == 1
        assert list(Session.objects.values_list("session_key", flat=True)) == [
            "new" * 8
        ]
