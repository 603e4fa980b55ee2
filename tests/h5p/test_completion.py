"""The "h5p" completion rule and the lesson block."""

from __future__ import annotations

import json

import pytest

from courses.h5p.services import attempt_start, content_iri
from courses.h5p.tokens import token_make, token_read
from courses.models import Enrolment
from courses.selectors import course_eligibility

pytestmark = pytest.mark.django_db


def answered(version, raw):
    return json.dumps(
        {
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": content_iri(version)},
            "result": {"score": {"raw": raw, "max": version.max_score}},
        }
    )


def test_rule_unused_without_course_field(course_tree, learner):
    Enrolment.objects.create(learner=learner, course=course_tree["course"])
    from courses.h5p.selectors import h5p_requirement

    enrolment = Enrolment.objects.get()
    assert h5p_requirement(enrolment) is None


def test_finished_attempt_moves_completion(course_tree, learner, h5p_version, client):
    # The H5P score is the course's only completion rule here.
    course = course_tree["course"]
    course.min_h5p_percent = 80
    course.require_lessons = False
    course.save()
    Enrolment.objects.create(learner=learner, course=course)

    eligibility = course_eligibility(user=learner, course=course)
    h5p = next(r for r in eligibility.requirements if r.key == "h5p")
    assert not h5p.done
    assert h5p.progress == (0, 1)
    assert h5p.reasons == ["Chưa đạt bài tập H5P “Bài tập thử” (cần từ 80 % điểm)."]

    attempt = attempt_start(learner=learner, version=h5p_version)
    token = token_make(attempt=attempt, course=course)
    client.defaults["HTTP_HOST"] = "localhost:8000"
    url = f"/h5p-embed/{token}/xapi"
    client.post(url, answered(h5p_version, 1), content_type="application/json")
    h5p = next(
        r
        for r in course_eligibility(user=learner, course=course).requirements
        if r.key == "h5p"
    )
    assert not h5p.done  # 50 % < 80 %

    client.post(url, answered(h5p_version, 2), content_type="application/json")
    eligibility = course_eligibility(user=learner, course=course)
    h5p = next(r for r in eligibility.requirements if r.key == "h5p")
    assert h5p.done and h5p.progress == (1, 1)
    assert eligibility.complete
    assert Enrolment.objects.get().status == Enrolment.Status.COMPLETED

    # Opened again (a reload, another phone), the lesson shows what is recorded.
    client.defaults.pop("HTTP_HOST")
    client.force_login(learner)
    html = client.get(course_tree["lesson"].url).content.decode()
    assert "Kết quả đã ghi nhận: 2/2 điểm (100 %, trình duyệt báo)" in html


def test_lesson_renders_iframe_to_content_origin(
    course_tree, learner, client, settings
):
    # Lessons are for enrolled learners (anyone else goes to the course page).
    Enrolment.objects.create(learner=learner, course=course_tree["course"])
    client.force_login(learner)
    response = client.get(course_tree["lesson"].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'src="{settings.H5P_CONTENT_ORIGIN}/h5p-embed/' in html
    assert 'loading="lazy"' in html
    assert 'title="Bài tập H5P: Bài tập thử"' in html
    assert "Kết quả đã ghi nhận" not in html  # nothing recorded yet
    token = html.split("/h5p-embed/")[1].split("/")[0]
    grant = token_read(token)
    assert grant.learner_id == learner.pk
    assert grant.course_id == course_tree["course"].pk


def test_each_learner_gets_their_own_exercise_token(
    course_tree, learner, other_learner, client
):
    """Lesson bodies are kept in the shared page cache; one with an exercise
    is not: its iframe carries the learner's own token."""
    tokens = {}
    for person in (learner, other_learner, learner):
        Enrolment.objects.get_or_create(learner=person, course=course_tree["course"])
        client.force_login(person)
        html = client.get(course_tree["lesson"].url).content.decode()
        token = html.split("/h5p-embed/")[1].split("/")[0]
        tokens.setdefault(person.pk, set()).add(token_read(token).learner_id)
    assert tokens == {learner.pk: {learner.pk}, other_learner.pk: {other_learner.pk}}


def test_lesson_without_login_shows_no_iframe(course_tree, client, rf):
    from django.contrib.auth.models import AnonymousUser

    lesson = course_tree["lesson"]
    # A visitor who is not signed in is sent to the course page ...
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response.url == course_tree["course"].url
    # ... and the block itself, shown without a user, asks to sign in.
    request = rf.get(lesson.url)
    request.user = AnonymousUser()
    block = lesson.body[0]
    html = block.render(context={"request": request, "page": lesson})
    assert "/h5p-embed/" not in html
    assert "Hãy đăng nhập để làm bài tập này." in html


def test_system_check_refuses_same_origin(settings):
    from courses.h5p.checks import content_origin_is_separate

    settings.SITE_URL = "https://elearning.example.gov.vn"
    settings.H5P_CONTENT_ORIGIN = "https://elearning.example.gov.vn"
    assert [e.id for e in content_origin_is_separate(None)] == ["h5p.E002"]
    settings.H5P_CONTENT_ORIGIN = "https://h5p.elearning.example.gov.vn"
    assert content_origin_is_separate(None) == []


def test_import_command(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    from courses.h5p.models import H5PLibrary

    from .helpers import true_false_package, zip_bytes

    good = tmp_path / "bai-tap.h5p"
    good.write_bytes(true_false_package())
    call_command("import_h5p", str(good), "--approve-libraries")
    assert H5PLibrary.objects.get().status == H5PLibrary.Status.APPROVED

    bad = tmp_path / "xau.h5p"
    bad.write_bytes(zip_bytes({"h5p.json": b"{}", "../x.json": b"{}"}))
    with pytest.raises(CommandError):
        call_command("import_h5p", str(bad))
    assert "Đường dẫn không hợp lệ: ../x.json" in capsys.readouterr().err


def test_officer_sees_each_score_and_who_computed_it(
    course_tree, learner, officer, h5p_version, client
):
    from django.urls import reverse

    course = course_tree["course"]
    course.min_h5p_percent = 50
    course.save()
    Enrolment.objects.create(learner=learner, course=course)
    attempt = attempt_start(learner=learner, version=h5p_version)
    client.defaults["HTTP_HOST"] = "localhost:8000"
    client.post(
        f"/h5p-embed/{token_make(attempt=attempt, course=course)}/xapi",
        answered(h5p_version, 1),
        content_type="application/json",
    )
    client.defaults.pop("HTTP_HOST")
    client.force_login(officer)
    response = client.get(reverse("courses:officer_learner", args=[learner.pk]))
    assert response.status_code == 200
    assert "“Bài tập thử”: 1/2 điểm (50 %, trình duyệt báo)" in (
        response.content.decode()
    )
