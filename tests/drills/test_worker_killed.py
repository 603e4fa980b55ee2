"""Drill: a Celery worker killed (kill -9) in the middle of a certificate batch.

A real prefork worker (2 processes) issues certificates for 60 eligible
learners against PostgreSQL and a private Redis, as the bulk issue screen
has it done: one batch task, which queues chunks of 10 learners. Once part of the batch is
done, the worker and its children are killed with SIGKILL and a new worker
is started. With ``acks_late`` and ``task_reject_on_worker_lost`` the tasks
that were running come back (after the broker's visibility timeout, shortened
here to 10 s) and, being idempotent, finish the batch.

A task the worker was taking from Redis at the moment of the kill can be
lost: kombu's Redis transport pops it from the queue before recording it as
unacknowledged. The drill kills right after a certificate is written, which
is when the worker fetches its next task at the end of a chunk, so that this
happens in some runs. Such learners are left without a certificate, never
with a wrong one,
until the beat's sweep (``certificate_finish_left_behind``, its grace
shortened to 0 here) queues the issue again; the drill sends that task
once the queue is empty. So that this is tried in every run, the drill
also takes one waiting task out of Redis after the first kill. Then every learner has exactly one certificate,
every series has consecutive numbers from 1 with no gap and no repeat, and
every certificate has its PDF whose SHA-256 matches.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest
import redis
from celery import Celery

from .conftest import ROOT, app_env, children_of, kill_tree, wait_for

pytestmark = [
    pytest.mark.drill,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

LEARNERS = 60
VISIBILITY_TIMEOUT = 10


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


class Worker:
    def __init__(self, env: dict[str, str], name: str):
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix=f"drill-worker-{name}-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "bench.celery_app",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "2",
                "--hostname",
                f"drill-{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def ready(self) -> bool:
        return "ready." in self.output()

    def kill9(self) -> list[int]:
        pids = [self.process.pid, *children_of(self.process.pid)]
        kill_tree(self.process)
        return pids

    def stop(self) -> None:
        kill_tree(self.process)
        self.log.close()
        print(Path(self.log.name).read_text(errors="replace")[-3000:])  # noqa: T201
        Path(self.log.name).unlink(missing_ok=True)


def test_worker_killed_mid_batch_leaves_every_certificate_once(
    private_redis, settings, base_data
):
    from wagtail.models import Page

    from bench.certificates import prepare
    from certificates.models import Certificate, CertificateSeries

    # An earlier transactional test may have flushed the tree's root.
    Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    course, users = prepare(LEARNERS)
    assert len(users) == LEARNERS
    env = app_env(
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=private_redis.url,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CERTIFICATE_SWEEP_GRACE="0",
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    client = Celery("drill-client", broker=private_redis.url)
    broker = redis.Redis.from_url(private_redis.url)
    certificates = Certificate.objects.filter(course=course)
    workers: list[Worker] = []
    try:
        first = Worker(env, "first")
        workers.append(first)
        wait_for(first.ready, timeout=90, what="first worker ready")
        started = time.monotonic()
        # What the bulk issue screen sends: one task, which queues chunks.
        client.send_task(
            "certificates.tasks.certificate_issue_batch",
            args=[course.pk, [user.pk for user in users]],
        )
        # Kill once a part of the batch is done, well before the end.
        wait_for(
            lambda: certificates.count() >= LEARNERS // 4,
            timeout=180,
            interval=0.1,
            what="a quarter of the batch",
        )
        killed = first.kill9()
        at_kill = certificates.count()
        rendered_at_kill = certificates.exclude(pdf_sha256="").count()
        assert len(killed) == 3, f"expected main + 2 children, killed {killed}"
        assert rendered_at_kill < LEARNERS, "the batch ended before the kill"
        # What kombu's window does to a task now and then, done here every
        # time: the next task to be delivered leaves Redis with no worker
        # holding it.
        assert broker.rpop("celery") is not None, "no task left waiting"

        # Second kill while the new worker renders: once it has written
        # PDFs of its own, before the batch ends.
        second = Worker(env, "second")
        workers.append(second)
        wait_for(
            lambda: (
                second.ready()
                and certificates.exclude(pdf_sha256="").count() >= rendered_at_kill + 5
            ),
            timeout=180,
            interval=0.05,
            what="the second worker to render",
        )
        second.kill9()
        rendered_at_second_kill = certificates.exclude(pdf_sha256="").count()
        assert rendered_at_second_kill < LEARNERS, "rendering ended before the kill"

        third = Worker(env, "third")
        workers.append(third)
        # Done when Redis holds no task, waiting or unacknowledged (the
        # killed workers' tasks come back after the visibility timeout), and
        # every certificate issued has its PDF and its email.
        wait_for(
            lambda: (
                broker.llen("celery") == 0
                and broker.hlen("unacked") == 0
                and not certificates.filter(pdf_sha256="").exists()
                and not certificates.filter(emailed_at__isnull=True).exists()
            ),
            timeout=240,
            interval=0.5,
            what="the batch to finish after the restart",
        )
        elapsed = time.monotonic() - started
        lost = sorted(
            {user.pk for user in users}
            - set(certificates.values_list("learner_id", flat=True))
        )
        # What the beat sends every CERTIFICATE_SWEEP_EVERY seconds.
        client.send_task("certificates.tasks.certificate_finish_left_behind")
        wait_for(
            lambda: (
                "certificate_finish_left_behind" in third.output()
                and certificates.exclude(pdf_sha256="").count() == LEARNERS
                and not certificates.filter(emailed_at__isnull=True).exists()
            ),
            timeout=60,
            interval=0.5,
            what="the sweep's issues for the learners left without one",
        )
        assert lost, "the task taken out of Redis was not lost"
        assert f"Queued again: {len(lost)} certificates to issue" in third.output()
        # Let anything redelivered late run too, then check nothing changed.
        time.sleep(VISIBILITY_TIMEOUT + 3)
    finally:
        for worker in workers:
            worker.stop()
        client.close()
        broker.close()

    print(  # noqa: T201
        f"killed at {at_kill} issued / {rendered_at_kill} rendered, then at "
        f"{rendered_at_second_kill} rendered of {LEARNERS}; "
        f"batch done {elapsed:.1f} s after dispatch; tasks lost at a kill, "
        f"issued by the sweep: {len(lost)}"
    )
    per_learner = defaultdict(int)
    for learner_id in certificates.values_list("learner_id", flat=True):
        per_learner[learner_id] += 1
    assert per_learner == {user.pk: 1 for user in users}
    assert certificates.count() == LEARNERS
    by_series = defaultdict(list)
    for series_id, sequence in certificates.values_list("series_id", "sequence"):
        by_series[series_id].append(sequence)
    assert len(set(certificates.values_list("number", flat=True))) == LEARNERS
    for series in CertificateSeries.objects.filter(pk__in=by_series):
        sequences = sorted(by_series[series.pk])
        assert sequences == list(range(1, len(sequences) + 1)), series
        assert series.last_number == len(sequences), series
    for certificate in certificates:
        assert certificate.pdf, certificate.number
        # Read where the worker wrote (the test's storage is another tmp dir).
        content = (
            Path(settings.PRIVATE_MEDIA_ROOT) / certificate.pdf.name
        ).read_bytes()
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256
