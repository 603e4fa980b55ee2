"""The Django-side steps of `make perf` (run by bench/perf.py, app venv).

    python bench/perf_django.py check MANIFEST        exit 0 if the data is there
    python bench/perf_django.py reset-exam MANIFEST   no attempt on the exam quiz
    python bench/perf_django.py vacuum                VACUUM (ANALYZE) the database
    python bench/perf_django.py sessions MANIFEST N FILE
    python bench/perf_django.py reconcile MANIFEST ACKS SUBMITTED
    python bench/perf_django.py reports MANIFEST
    python bench/perf_django.py import-file FILE ROWS
    python bench/perf_django.py import-cleanup

Each prints one JSON object on its last line of output.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

IMPORT_PREFIX = "perf-import-"
# The exam-day scenario's learners: the first PERF_EXAM_USERS of the
# manifest's list.
EXAM_LEARNERS = int(os.environ.get("PERF_EXAM_USERS", "2000"))


def _setup():
    import django

    django.setup()


def _quiz(manifest):
    from wagtail.models import Page

    from quizzes.models import QuizPage

    path = manifest["exam"]["quiz_url"]
    for page in Page.objects.live().type(QuizPage).specific():
        if page.url == path:
            return page
    raise SystemExit(f"no live quiz at {path}")


def check(manifest) -> dict:
    from elearning.people.models import User

    emails = [manifest["learners"][0], *manifest["exam"]["learners"][:1]]
    found = User.objects.filter(email__in=emails).count()
    ok = found == len(set(emails))
    if ok:
        _quiz(manifest)
    return {"ok": ok}


def vacuum() -> dict:
    """VACUUM (ANALYZE) the whole database: the rows a step deleted or
    rewrote are cleared and every table's figures are fresh, so autovacuum
    does not start in the middle of the next step."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return {"seconds": round(time.perf_counter() - started, 1)}


def reset_exam(manifest) -> dict:
    from quizzes.models import Attempt

    quiz = _quiz(manifest)
    deleted, _ = Attempt.objects.filter(
        quiz=quiz, learner__email__in=manifest["exam"]["learners"][:EXAM_LEARNERS]
    ).delete()
    return {"deleted": deleted}


def sessions(manifest, count: int, path) -> dict:
    """Signed-in sessions for the first ``count`` learners, without the form.

    The same session a sign-in makes (auth keys, the allauth session record
    comes with the first request); the browsing scenario measures reading,
    not signing in.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from elearning.people.models import User

    emails = manifest["learners"][:count]
    out = {}
    for user in User.objects.filter(email__in=emails):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out[user.email] = {settings.SESSION_COOKIE_NAME: session.session_key}
    Path(path).write_text(json.dumps(out))
    return {"sessions": len(out)}


def reconcile(manifest, acks_file, submitted_file) -> dict:
    """Every acknowledged save is stored, no learner holds two live attempts,
    and every acknowledged hand-in is one graded attempt."""
    from django.db.models import Count

    from bench.quiz_autosave import verify_acked
    from quizzes.models import Attempt

    def read(path, default):
        path = Path(path)
        return json.loads(path.read_text()) if path.exists() else default

    acked = {
        tuple(int(part) for part in key.split(":")): (version, response)
        for key, (version, response) in read(acks_file, {}).items()
    }
    lost = verify_acked(acked)
    quiz = _quiz(manifest)
    doubles = (
        Attempt.objects.live()
        .values("learner_id", "quiz_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    attempts = Attempt.objects.filter(
        quiz=quiz, learner__email__in=manifest["exam"]["learners"][:EXAM_LEARNERS]
    )
    started = attempts.values("learner_id").distinct().count()
    submitted = set(read(submitted_file, []))
    graded = attempts.filter(
        pk__in=submitted, state=Attempt.State.SUBMITTED, score__isnull=False
    )
    # One grade each: no learner has two graded attempts of this exam.
    twice = (
        attempts.filter(score__isnull=False)
        .values("learner_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    ungraded = len(submitted) - graded.count()
    return {
        "acknowledged": len(acked),
        "lost": lost,
        "learners_with_two_live_attempts": doubles,
        "learners_started": started,
        "handed_in": len(submitted),
        "handed_in_without_grade": ungraded,
        "learners_graded_twice": twice,
        "ok": lost == 0 and doubles == 0 and ungraded == 0 and twice == 0,
    }


# Lists an officer opens every day (reports:learners gets its filter below).
OFFICER_PAGES = (
    "reports:dashboard",
    "reports:learners",
    "courses:officer_enrolments",
    "courses:officer_requests",
    "people:confirmations",
    "attendance:class_list",
    "certificates:register",
    "people_staff:index",
)


def _busiest_officer(manifest):
    """The officer of the commune or ward with the most learners."""
    from django.db.models import Count

    from elearning.people.models import User

    codes = {o["unit"]: o["email"] for o in manifest["officers"]}
    busiest = (
        User.objects.filter(profile__unit__code__in=codes)
        .values("profile__unit__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "profile__unit__code")
        .first()
    )
    code = busiest["profile__unit__code"]
    return User.objects.get(email=codes[code]), code, busiest["n"]


def _timed_get(client, url) -> tuple[list[float], int, int]:
    """Three timed visits after a first one; (ms each, status, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(round((time.perf_counter() - started) * 1000, 1))
    return timings, response.status_code, len(queries)


def reports(manifest) -> dict:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from elearning.people.middleware import MFA_SESSION_KEY
    from elearning.people.models import User
    from elearning.reports.snapshots import province_figures_refresh_due

    admin = User.objects.get(email=manifest["admin"]["email"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    year = timezone.localdate().year
    url = reverse("reports:province") + f"?year={year}"
    # What Celery beat does every REPORTS_FIGURES_REFRESH seconds: the
    # province's figures computed from the records and kept; the page reads
    # them (elearning/reports/snapshots.py).
    started = time.perf_counter()
    province_figures_refresh_due()
    refresh = time.perf_counter() - started
    timings, status, queries = _timed_get(client, url)
    pages = {
        "admin reports:province": {"ms": timings, "status": status, "queries": queries}
    }

    officer, code, people = _busiest_officer(manifest)
    officer_client = Client(HTTP_HOST="127.0.0.1")
    officer_client.force_login(officer)
    session = officer_client.session
    session[MFA_SESSION_KEY] = True  # signed in with their authenticator
    session.save()
    for name in OFFICER_PAGES:
        url = reverse(name)
        if name == "reports:learners":
            url += f"?year={year}&metric=enrolled&unit={officer.profile.unit_id}"
        timings, status, queries = _timed_get(officer_client, url)
        pages[f"officer {name}"] = {"ms": timings, "status": status, "queries": queries}

    yearly = {}
    with tempfile.TemporaryDirectory() as tmp:
        for unit in (None, code):
            for fmt in ("pdf", "xlsx"):
                started = time.perf_counter()
                call_command(
                    "yearly_report",
                    f"--year={year}",
                    f"--format={fmt}",
                    f"--output={Path(tmp) / ('r.' + fmt)}",
                    *([f"--unit={unit}"] if unit else []),
                    stdout=io.StringIO(),
                )
                yearly[f"{unit or 'province'} {fmt}"] = round(
                    (time.perf_counter() - started) * 1000, 1
                )
    return {
        "pages": pages,
        "officer": {"unit": code, "people": people},
        "province_figures_refresh_ms": round(refresh * 1000, 1),
        "yearly_report_ms": yearly,
    }


def import_file(path, rows: int) -> dict:
    """A staff file of ``rows`` new people in Xuân Lộc (741), 20 agencies."""
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ"]
    givens = ["An", "Bình", "Châu", "Dũng", "Giang", "Hải", "Khánh", "Linh"]
    lines = ["ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong"]
    for i in range(rows):
        name = f"{families[i % 8]} Văn {givens[i // 8 % 8]}"
        lines.append(
            f"{name},{IMPORT_PREFIX}{i:05d}@xuanloc.example.gov.vn,"
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 30},Chuyên viên,"
            f"Phòng ban số {i % 20 + 1},741,cong_chuc"
        )
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"rows": rows}


def import_cleanup() -> dict:
    from courses.models import Enrolment
    from elearning.people.models import User

    people = User.objects.filter(email__startswith=IMPORT_PREFIX)
    Enrolment.objects.filter(learner__in=people).delete()
    deleted, _ = people.delete()
    return {"deleted": deleted}


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "import-file":
        result = import_file(args[0], int(args[1]))
    else:
        _setup()
        manifest = json.loads(Path(args[0]).read_text()) if args else None
        result = {
            "check": lambda: check(manifest),
            "reset-exam": lambda: reset_exam(manifest),
            "vacuum": vacuum,
            "reconcile": lambda: reconcile(manifest, args[1], args[2]),
            "sessions": lambda: sessions(manifest, int(args[1]), args[2]),
            "reports": lambda: reports(manifest),
            "import-cleanup": import_cleanup,
        }[command]()
    print(json.dumps(result))
    return 0 if result.get("ok", True) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
