"""Quiz autosave under load: N simulated learners saving answers.

Not part of the test suite. Two steps, against the same database the server
uses:

1. ``setup`` (runs Django directly): makes N learners enrolled in the demo
   course, starts an attempt on "Bài kiểm tra cuối khóa" for each, opens a
   session for each and writes their cookies to a JSON file::

       DATABASE_URL=postgres://... python bench/quiz_autosave.py setup --users 100

2. ``run`` (plain HTTP, no Django): each learner changes a random answer
   every ``--think`` seconds for ``--duration`` seconds; prints latency
   percentiles, throughput and errors, then checks that the last acknowledged
   version of every answer is the one stored (``--verify`` needs Django)::

       DATABASE_URL=postgres://... gunicorn elearning.wsgi -w 4 -b 127.0.0.1:8000
       python bench/quiz_autosave.py run --url http://127.0.0.1:8000 --users 100

Only loopback addresses are accepted as targets.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "bench" / ".quiz_autosave.json"


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")
    import django

    django.setup()


def setup(users: int) -> None:
    django_setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from courses.models import Enrolment
    from elearning.people.models import User
    from elearning.people.services import consent_record
    from quizzes.models import Attempt, QuizPage
    from quizzes.services import attempt_start

    quiz = QuizPage.objects.get(title="Bài kiểm tra cuối khóa")
    quiz.attempts_allowed = 0
    quiz.time_limit_minutes = 600
    quiz.save()
    course = quiz.get_parent().specific
    learners = []
    for n in range(users):
        user, _ = User.objects.get_or_create(email=f"bench{n}@bench.example.gov.vn")
        consent_record(user=user)
        Enrolment.objects.get_or_create(learner=user, course=course)
        Attempt.objects.filter(learner=user, quiz=quiz).delete()
        attempt = attempt_start(learner=user, quiz=quiz)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        learners.append(
            {
                "session": session.session_key,
                "attempt": attempt.pk,
                "questions": [
                    {
                        "id": a.question_id,
                        "keys": [c["key"] for c in a.snapshot["choices"]],
                    }
                    for a in attempt.answers.all()
                ],
            }
        )
    STATE.write_text(json.dumps(learners))
    print(f"{users} learners ready in {STATE}")


def run(
    url: str, users: int, duration: float, think: float, verify: bool, ramp: float = 0
) -> None:
    parsed = urlparse(url)
    if parsed.scheme != "http" or parsed.hostname not in (
        "127.0.0.1",
        "localhost",
        "::1",
    ):
        sys.exit("only loopback targets")
    learners = json.loads(STATE.read_text())[:users]
    latencies: list[float] = []
    errors: list[str] = []
    acked: dict[tuple[int, int], tuple[int, dict]] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + ramp + duration

    def learner_loop(learner, seed):
        rng = random.Random(seed)
        # Learners open the quiz at different moments within the ramp.
        time.sleep(rng.uniform(0, ramp))
        csrf = secrets.token_hex(16)
        cookie = f"sessionid={learner['session']}; csrftoken={csrf}"
        versions: dict[int, int] = {}
        while time.monotonic() < stop_at:
            question = rng.choice(learner["questions"])
            version = versions.get(question["id"], 0) + 1
            versions[question["id"]] = version
            response = {"choice": rng.choice(question["keys"])}
            body = json.dumps(
                {"question": question["id"], "response": response, "version": version}
            ).encode()
            request = urllib.request.Request(  # noqa: S310 - loopback http only
                f"{url}/quizzes/attempts/{learner['attempt']}/save/",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "Cookie": cookie,
                    "X-CSRFToken": csrf,
                    "Referer": url + "/",
                },
            )
            started = time.perf_counter()
            try:
                # S310: the benchmark talks to its own loopback server only.
                with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310  # nosec B310
                    data = json.loads(reply.read())
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if data["version"] == version:
                        acked[(learner["attempt"], question["id"])] = (
                            version,
                            response,
                        )
            except (urllib.error.URLError, OSError, ValueError) as error:
                with lock:
                    errors.append(str(error)[:120])
            time.sleep(rng.uniform(0, 2 * think))

    threads = [
        threading.Thread(target=learner_loop, args=(learner, n))
        for n, learner in enumerate(learners)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    if not latencies:
        sys.exit(f"no successful save; errors: {errors[:5]}")
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    print(
        f"users={len(learners)} saves={len(latencies)} errors={len(errors)} "
        f"wall={wall:.1f}s throughput={len(latencies) / wall:.1f}/s "
        f"p50={pct(50):.0f}ms p95={pct(95):.0f}ms p99={pct(99):.0f}ms "
        f"max={ordered[-1] * 1000:.0f}ms mean={statistics.mean(ordered) * 1000:.0f}ms"
    )
    if errors:
        print("first errors:", errors[:3])
    if verify:
        django_setup()
        lost = verify_acked(acked)
        print(f"verified {len(acked)} acknowledged answers: {lost} lost")


def verify_acked(acked: dict[tuple[int, int], tuple[int, dict]]) -> int:
    """How many acknowledged saves the database does not hold (needs Django).

    ``acked`` maps (attempt id, question id) to the last acknowledged
    (version, response). A stored version above it is a later save whose
    reply never arrived (a timeout): not a loss.
    """
    from quizzes.models import AttemptAnswer

    stored = {
        (row.attempt_id, row.question_id): row
        for row in AttemptAnswer.objects.filter(
            attempt_id__in={attempt for attempt, _question in acked}
        )
    }
    lost = 0
    for key, (version, response) in acked.items():
        row = stored.get(key)
        newer = row is not None and row.version > version
        same = row is not None and row.version == version and row.response == response
        if not (newer or same):
            lost += 1
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_setup = sub.add_parser("setup")
    p_setup.add_argument("--users", type=int, default=100)
    p_run = sub.add_parser("run")
    p_run.add_argument("--url", default="http://127.0.0.1:8000")
    p_run.add_argument("--users", type=int, default=100)
    p_run.add_argument("--duration", type=float, default=30)
    p_run.add_argument(
        "--think", type=float, default=2.0, help="mean seconds between saves"
    )
    p_run.add_argument(
        "--ramp",
        type=float,
        default=0,
        help="seconds over which learners make their first save (0: all at once)",
    )
    p_run.add_argument("--verify", action="store_true")
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.users)
    else:
        run(args.url, args.users, args.duration, args.think, args.verify, args.ramp)


if __name__ == "__main__":
    main()
