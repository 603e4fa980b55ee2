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
from elearning.loaddata import EMAIL_DOMAIN, REFORM, SIZES, LoadContext, generate
from elearning.people.models import (
    AdministrativeUnit,
    PrivacyConsent,
    StaffProfile,
    UnitSuccession,
    User,
)
from quizzes.models import Attempt, AttemptAnswer, QuizPage

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
    # Answers (through COPY on PostgreSQL) keep their JSON and dates.
    answer = AttemptAnswer.objects.filter(response__isnull=False).first()
    assert answer.snapshot["choices"], answer.snapshot
    assert answer.points is not None
    assert answer.saved_at == answer.attempt.started_at
    assert AttemptAnswer.objects.count() == ctx.counts["answers"]


# Each model of records with the moment that decides its unit.
DATED = {
    "enrolment": "created_at",
    "attempt": "started_at",
    "attendance": "session__start",
    "certificate": "issued_at",
}


def _dated_models():
    from courses.attendance.models import AttendanceRecord

    return {
        "enrolment": Enrolment,
        "attempt": Attempt,
        "attendance": AttendanceRecord,
        "certificate": Certificate,
    }


def test_people_sit_in_the_communes_and_wards_of_2025(ctx):
    profiles = StaffProfile.objects.filter(user__email__endswith=EMAIL_DOMAIN)
    learners = profiles.filter(user__email__startswith="lt.hv")
    assert learners.count() == ctx.size.learners
    for profile in learners.select_related("unit"):
        unit = profile.unit
        assert unit.level == AdministrativeUnit.Level.COMMUNE, unit
        assert unit.valid_from == REFORM and unit.valid_to is None, unit
        assert unit.parent.code == "75"
    # One officer per commune or ward; trainers and the admin at the province.
    officers = profiles.filter(user__email__startswith="lt.cb")
    assert officers.count() == 95 * ctx.size.officers
    assert set(officers.values_list("unit_id", flat=True)) == {
        u.pk for u in ctx.communes
    }
    others = profiles.exclude(user__email__startswith="lt.hv").exclude(
        user__email__startswith="lt.cb"
    )
    assert set(others.values_list("unit__code", flat=True)) == {"75"}


def test_records_keep_the_unit_of_their_day(units):
    """Before 01/07/2025 the district the learner's commune came from, since
    then the commune or ward; no record before the reform for a learner of
    a commune without a 2018 predecessor. (XS: enough records on both sides
    on any day the suite runs.)"""
    ctx = build("XS", seed=4)
    reform = ctx.reform_at
    current = dict(
        StaffProfile.objects.filter(user__email__startswith="lt.hv").values_list(
            "user_id", "unit_id"
        )
    )
    without_history = {pk for pk, former in ctx.former.items() if former is None}
    assert without_history and len(without_history) < len(ctx.former)
    # Each learner's district is one their commune's predecessor communes
    # were under, through the units' successions.
    for learner_id, former in ctx.former.items():
        if former is None:
            continue
        assert UnitSuccession.objects.filter(
            successor_id=current[learner_id],
            predecessor__parent_id=former,
            predecessor__level=AdministrativeUnit.Level.COMMUNE,
        ).exists()
    for name, model in _dated_models().items():
        when = DATED[name]
        rows = model.objects.values_list("learner_id", "unit__level", "unit_id", when)
        before = [r for r in rows if r[3] < reform]
        after = [r for r in rows if r[3] >= reform]
        assert before, name
        assert after, name
        for learner_id, level, unit_id, _at in before:
            assert learner_id not in without_history, name
            assert level == AdministrativeUnit.Level.DISTRICT, name
            assert unit_id == ctx.former[learner_id], name
        for learner_id, level, unit_id, _at in after:
            assert level == AdministrativeUnit.Level.COMMUNE, name
            assert unit_id == current[learner_id], name
    # A certificate names the unit and the agency of its day.
    certificates = Certificate.objects.select_related("unit", "learner__profile")
    early = certificates.filter(issued_at__lt=reform).first()
    assert early.unit.level == AdministrativeUnit.Level.DISTRICT
    assert early.unit_name == early.unit.full_name
    assert early.agency_name.endswith(early.unit.full_name)
    late = certificates.filter(issued_at__gte=reform).first()
    assert late.unit_id == late.learner.profile.unit_id
    assert late.agency_name == late.learner.profile.agency.name
    # Classes: the districts' before the reform, the communes' since.
    from courses.attendance.models import TrainingClass

    for klass in TrainingClass.objects.select_related("unit"):
        expected = (
            AdministrativeUnit.Level.DISTRICT
            if klass.start_date < REFORM
            else AdministrativeUnit.Level.COMMUNE
        )
        assert klass.unit.level == expected, klass


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
    assert officer.profile.unit.valid_from == REFORM  # a commune or ward of 2025
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


def test_command_offers_every_size_up_to_xxl():
    from elearning.management.commands.generate_load_data import Command

    parser = Command().create_parser("manage.py", "generate_load_data")
    assert parser.parse_args(["--size", "XXL"]).size == "XXL"
    assert SIZES["XXL"].learners == 150_000
    with pytest.raises(CommandError):
        parser.parse_args(["--size", "T"])  # the test suite's own


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
