"""A real Celery worker for tests: started against the test broker
(``CELERY_TEST_BROKER_URL``) on a queue of its own, stopped afterwards with
its output printed (pytest shows it when the test failed)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def shared_database_url() -> str:
    """The URL of the test database this process uses (PostgreSQL), for a
    worker that must see the same rows."""
    s = connection.settings_dict
    host = s["HOST"] or "127.0.0.1"
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{s['PORT'] or 5432}/{s['NAME']}"
    )


@contextlib.contextmanager
def celery_worker(
    *, database: str | None = None, env: dict | None = None
) -> Iterator[tuple[str, str]]:
    """Run ``celery worker`` (solo pool) on a new queue; yields the broker
    URL and the queue's name."""
    url = os.environ["CELERY_TEST_BROKER_URL"]
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearning.settings.test",
        "DJANGO_READ_DOT_ENV": "0",
        "CELERY_RESULT_BACKEND": url,
        **(env or {}),
    }
    if database:
        process_env["DATABASE_URL"] = database
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
        env=process_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield url, queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-4000:])  # noqa: T201


def _reset_pools(app) -> None:
    """Forget the publisher's pools: the next task is sent to the broker the
    configuration now names (Celery keeps its first pool). Not closed: kombu
    may hand the same pool to the next publisher."""
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def tasks_sent_to(url: str, queue: str) -> Iterator[None]:
    """The platform's tasks are published to ``url`` on ``queue`` instead of
    running in the request, then as before."""
    from elearning.celery import app

    keys = ("task_always_eager", "broker_url", "broker_write_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url=url,
        broker_write_url=None,
        task_default_queue=queue,
    )
    _reset_pools(app)
    try:
        yield
    finally:
        _reset_pools(app)
        app.conf.update(saved)
