"""The load-data generator: deterministic, consistent, usable by the scenarios."""

from __future__ import annotations

import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from certificates.models import Certificate, CertificateSeries
from courses.models import CoursePage, Enrolment, LessonProgress
from courses.selectors import enrolment_eligibility
from elearning.loaddata import LoadContext, generate
from elearning.people.models import PrivacyConsent, User
from quizzes.models import Attempt, QuizPage

pytestmark = pytest.mark.django_db


def build(size="T", **kwargs) -> LoadContext:
    return generate(LoadContext(size, **kwargs))


def fingerprint() -> dict:
    """What the data says, without database ids or insert times."""
    return {
        "people": sorted(
            User.objects.values_list(
                "email", "profile__full_name", "profile__unit__code"
            )
        ),
        "enrolments": sorted(
            Enrolment.objects.values_list("learner__email", "course__code", "status")
        ),
        "attempts": sorted(
            (e, c, n, str(s))
            for e, c, n, s in Attempt.objects.values_list(
                "learner__email", "quiz__title", "number", "score"
            )
        ),
        "certificates": sorted(
            Certificate.objects.values_list("number", "learner__email", "course_code")
        ),
    }


def build_and_forget(**kwargs) -> tuple[dict, dict]:
    with transaction.atomic():
        ctx = build(**kwargs)
        result = (ctx.manifest, fingerprint())
        transaction.set_rollback(True)
    return result


def test_same_seed_same_data_other_seed_other_data():
    first = build_and_forget(seed=7)
    again = build_and_forget(seed=7)
    other = build_and_forget(seed=8)
    assert first == again
    assert first[1]["enrolments"]
    assert other[1] != first[1]
    assert other[0]["officers"] != first[0]["officers"]  # other TOTP secrets


@pytest.fixture
def ctx(units):
    return build("T", seed=3)


def test_certificate_numbers_are_gap_free_per_series(ctx):
    assert Certificate.objects.exists()
    for series in CertificateSeries.objects.select_related("unit"):
        sequences = sorted(series.certificates.values_list("sequence", flat=True))
        assert sequences == list(range(1, series.last_number + 1))
        for certificate in series.certificates.all():
            assert certificate.number == series.format_number(certificate.sequence)
            assert certificate.pdf.name == ""  # not rendered


def test_records_agree_with_each_other(ctx):
    # At most one live attempt per learner and quiz, none on the exam quiz.
    assert not (
        Attempt.objects.live()
        .values("learner", "quiz")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    exam_quiz = QuizPage.objects.child_of(ctx.exam_course).get()
    assert not Attempt.objects.filter(quiz=exam_quiz).exists()
    completed = Enrolment.objects.filter(status=Enrolment.Status.COMPLETED)
    assert completed.exists()
    for enrolment in completed.select_related("course", "learner"):
        # The platform's own eligibility rule agrees the course is done.
        assert enrolment_eligibility(enrolment).complete, enrolment
        assert enrolment.created_at < enrolment.completed_at
        assert (
            Certificate.objects.valid()
            .filter(learner=enrolment.learner, course=enrolment.course)
            .exists()
        )
    # Nobody has a certificate for a course they have not completed.
    assert Certificate.objects.count() == completed.count()
    assert LessonProgress.objects.count() == ctx.counts["lesson_progress"]


def test_records_keep_their_learners_unit(ctx):
    from django.db.models import F

    from courses.attendance.models import AttendanceRecord

    for model in (Enrolment, Attempt, AttendanceRecord, Certificate):
        records = model.objects.all()
        assert records.exists(), model
        assert not records.exclude(unit=F("learner__profile__unit")).exists(), model


def test_manifest_accounts_can_sign_in(ctx, client):
    manifest = ctx.manifest
    email = manifest["learners"][0]
    assert authenticate(email=email, password=manifest["password"]) is not None
    user = User.objects.get(email=email)
    assert PrivacyConsent.objects.filter(user=user).exists()
    assert user.emailaddress_set.get().verified
    for staff in [*manifest["officers"], manifest["admin"]]:
        account = User.objects.get(email=staff["email"])
        authenticator = Authenticator.objects.get(user=account, type="totp")
        assert decrypt(authenticator.data["secret"]) == staff["totp_secret"]
    officer = User.objects.get(email=manifest["officers"][0]["email"])
    assert officer.is_unit_officer
    assert officer.profile.unit.code == manifest["officers"][0]["unit"]
    assert User.objects.get(email=manifest["admin"]["email"]).is_province_admin


def test_manifest_urls_serve_the_exam_and_the_lessons(ctx, client):
    exam = ctx.manifest["exam"]
    quiz = QuizPage.objects.get(url_path__endswith=exam["quiz_url"])
    assert quiz.time_limit_minutes == 60
    assert quiz.attempts_allowed == 0
    assert len(exam["learners"]) == ctx.size.learners
    client.force_login(User.objects.get(email=exam["learners"][0]))
    urls = [
        exam["course_url"],
        exam["quiz_url"],
        *ctx.manifest["browse"]["lesson_urls"],
    ]
    for url in urls + ctx.manifest["browse"]["course_urls"]:
        assert client.get(url).status_code == 200, url
    assert CoursePage.objects.count() == len(ctx.manifest["browse"]["course_urls"])


def test_command_writes_the_manifest_and_refuses_a_second_run(units, tmp_path):
    path = tmp_path / "xs.json"
    call_command("generate_load_data", size="XS", seed=2, manifest=str(path))
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["size"] == "XS"
    assert len(manifest["learners"]) == 50
    assert manifest["counts"]["enrolments"] == Enrolment.objects.count()
    with pytest.raises(CommandError, match="generated data"):
        call_command("generate_load_data", size="XS", manifest=str(path))


def test_command_refuses_a_database_with_people(learner, tmp_path):
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_load_data", size="XS", manifest=str(tmp_path / "m"))


@pytest.mark.postgres
def test_command_analyzes_the_tables_it_filled_on_postgresql(units, tmp_path):
    from django.db import connection

    call_command("generate_load_data", size="XS", seed=3, manifest=str(tmp_path / "m"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [["courses_enrolment", "quizzes_attempt", "people_user"]],
        )
        reltuples = dict(cursor.fetchall())
    # Never analysed, a table says -1; ANALYZE counted the generated rows.
    assert reltuples["courses_enrolment"] == Enrolment.objects.count()
    assert reltuples["quizzes_attempt"] == Attempt.objects.count()
    assert reltuples["people_user"] == User.objects.count()
