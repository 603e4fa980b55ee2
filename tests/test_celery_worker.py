"""A real Celery worker consuming from Redis runs the project's tasks."""

import pytest
from celery import Celery

from tests.celery_workers import celery_worker, shared_database_url

pytestmark = pytest.mark.celery


@pytest.fixture
def worker(request):
    """Start ``celery worker`` against the test broker; yields a client app."""
    database = request.getfixturevalue("worker_database_url")
    with celery_worker(database=database) as (url, queue):
        client = Celery("test-client", broker=url, backend=url)
        client.conf.task_default_queue = queue
        yield client, queue


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
        return shared_database_url()

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


@pytest.mark.django_db(transaction=True)
def test_a_task_starts_with_a_checked_connection_as_a_request_does(settings):
    """Workers keep their database connection between tasks (Celery reads
    CELERY_DB_REUSE_MAX); before each task it is closed if past CONN_MAX_AGE,
    as before a request. A task run eagerly, inside its caller's transaction,
    leaves the connection alone."""
    from types import SimpleNamespace

    from django.db import connection

    from elearning.celery import app, start_like_a_request

    assert app.conf.get("CELERY_DB_REUSE_MAX") == settings.CELERY_DB_REUSE_MAX > 1
    connection.ensure_connection()
    eager = SimpleNamespace(request=SimpleNamespace(is_eager=True))
    start_like_a_request(task=eager)
    assert connection.connection is not None
    connection.close_at = 0  # CONN_MAX_AGE has passed
    queued = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    start_like_a_request(task=queued)
    assert connection.connection is None
