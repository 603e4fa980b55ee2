"""Drill: Redis (broker and cache) stops while people use the site.

A private redis-server is the Celery broker and the cache, as in production.
With it stopped: /healthz answers 503 naming the broker; the home, course,
lesson and login pages and the quiz autosave still serve; an action that
dispatches background work (a district officer's bulk certificate issue)
answers within seconds with a 503 page that says so in plain words, never a
500. Once Redis is back, the same action queues its tasks.
"""

from __future__ import annotations

import json
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse

from tests.courses.conftest import make_lessons
from tests.factories import DEFAULT_PASSWORD, verify_email
from tests.quizzes.conftest import make_quiz

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

# A web request must not wait on a dead broker longer than this (seconds).
MAX_WAIT = 8


@pytest.fixture
def broker(private_redis, settings):
    """Point Celery (publisher side) and the cache at the private Redis."""
    from elearning.celery import app

    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "broker_write_url")
    }
    settings.CELERY_BROKER_URL = private_redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "elearning.cache.ResilientRedisCache",
            "LOCATION": private_redis.url.replace("/0", "/1"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    app.conf.update(
        broker_url=private_redis.url, broker_write_url=None, task_always_eager=False
    )
    _reset_pools(app)
    try:
        yield private_redis
    finally:
        _reset_pools(app)
        app.conf.update(saved)


def _reset_pools(app) -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


def _timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_pages_serve_and_dispatch_fails_cleanly_while_redis_is_down(
    broker, course, bank, learner, officer, completion, enrol, template
):
    from quizzes.services import attempt_start

    lesson = make_lessons(course, 1)[0]
    quiz = make_quiz(course)
    enrol(learner, course, 90)  # eligible for a certificate
    verify_email(learner)
    attempt = attempt_start(learner=learner, quiz=quiz)
    answer = attempt.answers.first()
    issue = {"course": course.pk, "issue": "1"}

    anonymous = Client(raise_request_exception=False)
    student = Client(raise_request_exception=False)
    student.force_login(learner)
    staff = Client(raise_request_exception=False)
    staff.force_login(officer)

    healthy = anonymous.get("/healthz")
    assert healthy.status_code == 200, healthy.content
    assert healthy.json()["checks"]["broker"] is True

    broker.stop()

    health, seconds = _timed(lambda: anonymous.get("/healthz"))
    assert health.status_code == 503
    assert health.json()["checks"] == {"database": True, "broker": False}
    assert seconds < MAX_WAIT

    for client, url in [
        (anonymous, "/"),
        (anonymous, course.url),
        (anonymous, reverse("account_login")),
        (student, "/"),
        (student, course.url),
        (student, lesson.url),
        (student, reverse("quizzes:attempt", args=[attempt.pk])),
    ]:
        response, seconds = _timed(lambda c=client, u=url: c.get(u))
        assert response.status_code == 200, (url, response.status_code)
        assert seconds < MAX_WAIT, (url, seconds)

    saved, seconds = _timed(
        lambda: student.post(
            reverse("quizzes:save", args=[attempt.pk]),
            data=json.dumps(
                {
                    "question": answer.question_id,
                    "response": {"choice": answer.snapshot["choices"][0]["key"]},
                    "version": 1,
                }
            ),
            content_type="application/json",
        )
    )
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert seconds < MAX_WAIT

    # Sign-in reads and writes the rate-limit counters in the (dead) cache.
    login, seconds = _timed(
        lambda: Client(raise_request_exception=False).post(
            reverse("account_login"),
            {"login": learner.email, "password": DEFAULT_PASSWORD},
        )
    )
    assert login.status_code == 302, login.content.decode()[:2000]
    assert seconds < MAX_WAIT

    refused, seconds = _timed(lambda: staff.post(reverse("certificates:issue"), issue))
    body = refused.content.decode()
    assert refused.status_code == 503
    assert refused["Retry-After"]
    assert "Hệ thống xử lý nền" in body and "Traceback" not in body
    assert seconds < MAX_WAIT, seconds
    print(f"dispatch refused after {seconds:.2f} s")  # noqa: T201

    broker.start()
    wait_for_health = None
    for _ in range(50):
        wait_for_health = anonymous.get("/healthz")
        if wait_for_health.status_code == 200:
            break
        time.sleep(0.2)
    assert wait_for_health.status_code == 200

    queued = staff.post(reverse("certificates:issue"), issue)
    assert queued.status_code == 302
    assert redis.Redis.from_url(broker.url).llen("celery") == 1
