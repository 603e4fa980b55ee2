"""Where one learner's exam start costs CPU, measured in one process.

Needs the perf dataset (``make perf`` builds it) and a Redis for the cache::

    DATABASE_URL=postgres://…/elearning_perf_l CACHE_URL=redis://…/1 \\
        .venv/bin/python -m bench.exam_profile [--count 100] [--cprofile FILE]

For each of ``--count`` exam learners (after 5 left out: templates
compiled, caches filled) it does what a browser does at the exam's start,
through Django's test client with the production settings of the benchmark:
the quiz page, the start (POST) and the attempt page. Prints the CPU time
(``time.process_time``) and the queries of each request, averaged; the
learners' attempts on the quiz are deleted before and after.
``--cprofile FILE`` also writes a cProfile of the measured requests.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "exam-profile-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault("DJANGO_READ_DOT_ENV", "false")
os.environ.setdefault(
    "STATIC_ROOT", str(ROOT / "bench/.static")
)  # make perf collects it

WARM = 5
START_FORM = re.compile(r'<form[^>]+action="([^"]+/start/)"')


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--cprofile")
    parser.add_argument(
        "--manifest", default=str(ROOT / "bench/.load-L.json"), type=Path
    )
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client

    from bench.perf_django import _quiz
    from elearning.people.models import User
    from quizzes.models import Attempt

    manifest = json.loads(args.manifest.read_text())
    quiz = _quiz(manifest)
    emails = manifest["exam"]["learners"][: WARM + args.count]
    learners = {u.email: u for u in User.objects.filter(email__in=emails)}
    Attempt.objects.filter(quiz=quiz, learner__in=learners.values()).delete()

    cpu: dict[str, float] = defaultdict(float)
    queries: dict[str, int] = defaultdict(int)
    profile = cProfile.Profile() if args.cprofile else None
    connection.force_debug_cursor = True

    def timed(name, measured, call):
        reset_queries()
        if measured and profile:
            profile.enable()
        started = time.process_time()
        response = call()
        spent = time.process_time() - started
        if measured and profile:
            profile.disable()
        if measured:
            cpu[name] += spent
            queries[name] += len(connection.queries)
        return response

    try:
        # One client (one handler, its middleware loaded once, as in a
        # worker), its cookies cleared between learners.
        client = Client(enforce_csrf_checks=True)
        for i, email in enumerate(emails):
            measured = i >= WARM
            client.cookies.clear()
            client.force_login(learners[email])
            page = timed("quiz page", measured, lambda c=client: c.get(quiz.url))
            action = START_FORM.search(page.content.decode()).group(1)
            token = client.cookies["csrftoken"].value
            reply = timed(
                "start",
                measured,
                lambda c=client, a=action, t=token: c.post(
                    a, {"csrfmiddlewaretoken": t}
                ),
            )
            if reply.status_code != 302:
                raise SystemExit(f"{email}: not started ({reply.status_code})")
            location = reply["Location"]
            attempt = timed(
                "attempt page", measured, lambda c=client, u=location: c.get(u)
            )
            if attempt.status_code != 200:
                raise SystemExit(f"{email}: attempt page {attempt.status_code}")
    finally:
        connection.force_debug_cursor = False
        Attempt.objects.filter(quiz=quiz, learner__in=learners.values()).delete()

    count = args.count
    total = 0.0
    for name in ("quiz page", "start", "attempt page"):
        ms = cpu[name] / count * 1000
        total += ms
        print(f"{name:14} {ms:6.1f} ms CPU  {queries[name] / count:5.1f} queries")
    print(f"{'a learner':14} {total:6.1f} ms CPU  ({count} learners)")
    if profile:
        profile.dump_stats(args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
