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
