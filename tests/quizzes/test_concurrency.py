"""Concurrent submits and starts on PostgreSQL: row locks make them safe."""

import threading

import pytest
from django.db import close_old_connections, connection
from wagtail.models import ModelLogEntry

from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_ten_concurrent_submits_grade_once(base_data, quiz, enrolled):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    results, errors = run_threads(
        10, lambda: attempt_submit(attempt_id=attempt.pk).submitted_at
    )
    assert errors == []
    assert len(set(results)) == 1
    assert ModelLogEntry.objects.filter(action="quizzes.attempt_graded").count() == 1


def test_ten_concurrent_starts_make_one_live_attempt(base_data, quiz, enrolled):
    results, errors = run_threads(
        10, lambda: attempt_start(learner=enrolled, quiz=quiz).pk
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(learner=enrolled, quiz=quiz).count() == 1
