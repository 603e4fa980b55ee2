"""A lesson is done when it was studied: the page's heartbeats record how
long it was on screen (and how much of its video was played), and "done"
is refused until the lesson's minimum is reached.

Written as the attack was made: the learner's own HTTP requests, the
clock moved with time-machine.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from courses import services
from courses.models import Enrolment, LessonPage, LessonProgress, LessonStudy
from courses.selectors import course_eligibility

from .conftest import make_lessons, studied

T0 = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
JSON = {"accept": "application/json"}


@pytest.fixture
def clock(time_machine):
    """A frozen clock the test moves by hand."""
    state = {"now": T0}
    time_machine.move_to(T0, tick=False)

    def advance(seconds):
        state["now"] += datetime.timedelta(seconds=seconds)
        time_machine.move_to(state["now"], tick=False)

    return advance


@pytest.fixture
def enrolled(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    return client


def beat(client, lesson, *, visible=True, **extra):
    return client.post(
        reverse("courses:lesson_beat", args=[lesson.pk]),
        {"visible": "1" if visible else "0", **extra},
        headers=JSON,
    )


def done(client, lesson):
    return client.post(reverse("courses:lesson_done", args=[lesson.pk]), headers=JSON)


def seconds(learner, lesson) -> float:
    return LessonStudy.objects.get(learner=learner, lesson=lesson).seconds_visible


def test_default_minimum_is_a_quarter_of_the_lesson_at_least_30_seconds(db):
    assert LessonPage(estimated_minutes=20).study_seconds_required == 300
    assert LessonPage(estimated_minutes=15).study_seconds_required == 225
    assert LessonPage(estimated_minutes=1).study_seconds_required == 30
    lesson = LessonPage(estimated_minutes=20, min_study_seconds=45)
    assert lesson.study_seconds_required == 45


def test_eight_lessons_marked_done_in_a_second_are_refused(
    enrolled, course, lessons, learner, clock
):
    lessons += make_lessons(course, 5, start=4)
    for lesson in lessons:
        beat(enrolled, lesson)  # opened
        clock(0.1)
        response = done(enrolled, lesson)
        assert response.status_code == 409
        # 15 minutes estimated: a quarter is 3 min 45 s, "4 phút" to go.
        assert response.json() == {"ok": False, "error": "Cần học thêm 4 phút."}
    # The form without JavaScript is refused the same way.
    response = enrolled.post(
        reverse("courses:lesson_done", args=[lessons[0].pk]), follow=True
    )
    assert "Cần học thêm 4 phút." in response.content.decode()
    assert not LessonProgress.objects.exists()
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert not course_eligibility(user=learner, course=course).complete


def test_heartbeats_faster_than_the_clock_add_only_the_time_that_passed(
    enrolled, lessons, learner, clock
):
    lesson = lessons[0]
    assert beat(enrolled, lesson).json()["seconds"] == 0  # opened
    for _ in range(50):  # fifty beats in the same instant
        beat(enrolled, lesson)
    assert seconds(learner, lesson) == 0
    for _ in range(10):  # a beat every second for ten seconds
        clock(1)
        beat(enrolled, lesson)
        beat(enrolled, lesson)
    assert seconds(learner, lesson) == pytest.approx(10)
    # One beat after ten minutes of silence credits at most 30 s.
    clock(600)
    beat(enrolled, lesson)
    assert seconds(learner, lesson) == pytest.approx(40)
    response = done(enrolled, lesson)
    assert response.status_code == 409
    assert response.json()["error"] == "Cần học thêm 4 phút."
    assert not LessonProgress.objects.exists()


def test_several_lessons_beating_at_once_share_the_learners_time(
    enrolled, lessons, learner, clock
):
    for lesson in lessons:
        beat(enrolled, lesson)
    for _ in range(20):  # three tabs, each claiming to be on screen
        clock(15)
        for lesson in lessons:
            beat(enrolled, lesson)
    total = sum(seconds(learner, lesson) for lesson in lessons)
    assert total == pytest.approx(300)  # five minutes passed, not fifteen
    # Five minutes are enough for one lesson of 3 min 45 s, not three.
    accepted = [done(enrolled, lesson).status_code for lesson in lessons]
    assert sorted(accepted) == [200, 409, 409]
    assert LessonProgress.objects.count() == 1


def test_a_page_in_the_background_adds_nothing(enrolled, lessons, learner, clock):
    lesson = lessons[0]
    beat(enrolled, lesson)
    clock(15)
    beat(enrolled, lesson, visible=False)
    assert seconds(learner, lesson) == 0
    clock(20)
    beat(enrolled, lesson)  # back on screen: only the time since then
    clock(15)
    beat(enrolled, lesson)
    assert seconds(learner, lesson) == pytest.approx(35)
    clock(25)
    beat(enrolled, lesson, visible=False)
    assert seconds(learner, lesson) == pytest.approx(35)


def test_after_enough_visible_time_the_lesson_is_done(
    enrolled, course, lessons, learner, clock
):
    lesson = lessons[0]
    beat(enrolled, lesson)
    for _ in range(14):  # 14 × 15 s = 3 min 30 s of 3 min 45 s
        clock(15)
        data = beat(enrolled, lesson).json()
    assert data["ready"] is False and data["missing"] == "Cần học thêm 15 giây."
    reasons = course_eligibility(user=learner, course=course).reasons
    assert "Bài “Bài 1”: Cần học thêm 15 giây." in reasons
    assert done(enrolled, lesson).status_code == 409
    clock(15)
    assert beat(enrolled, lesson).json() == {
        "ok": True,
        "ready": True,
        "missing": "",
        "seconds": 225,
    }
    assert done(enrolled, lesson).json()["ok"] is True
    assert LessonProgress.objects.filter(page=lesson).count() == 1
    # The lesson's own minimum counts where the trainer set one.
    second = lessons[1]
    second.min_study_seconds = 30
    second.save()
    beat(enrolled, second)
    clock(15)
    beat(enrolled, second)
    assert done(enrolled, second).json()["error"] == "Cần học thêm 15 giây."
    clock(15)
    beat(enrolled, second)
    assert done(enrolled, second).json()["ok"] is True


def test_a_learner_not_enrolled_records_nothing(client, lessons, learner, clock):
    client.force_login(learner)
    response = beat(client, lessons[0])
    assert response.status_code == 409
    assert not LessonStudy.objects.exists()
    assert done(client, lessons[0]).status_code == 409
    assert not LessonProgress.objects.exists()


def test_lessons_done_before_keep_their_completion(course, lessons, learner):
    """Completions recorded before study time was measured stay done."""
    enrolment = services.enrolment_create(learner=learner, course=course, actor=learner)
    for lesson in lessons:
        LessonProgress.objects.create(enrolment=enrolment, page=lesson)
    assert course_eligibility(user=learner, course=course).complete
    progress = services.lesson_complete(learner=learner, lesson=lessons[0])
    assert progress.enrolment_id == enrolment.pk


# --- Video ---------------------------------------------------------------


def _video_lesson(course, **video):
    lesson = LessonPage(
        title="Bài có video",
        slug="bai-video",
        estimated_minutes=2,  # minimum 30 s
        body=[("video", {"caption": "Bài giảng", **video})],
    )
    course.add_child(instance=lesson)
    return lesson


@pytest.fixture
def uploaded_video(db):
    return get_document_model().objects.create(
        title="Bài giảng", file=ContentFile(b"\x00" * 16, name="bai-giang.mp4")
    )


def test_an_uploaded_video_counts_when_most_of_it_was_watched(
    enrolled, course, learner, uploaded_video, clock
):
    lesson = _video_lesson(course, file=uploaded_video)
    assert lesson.video_tracked
    beat(enrolled, lesson, video_duration="100")
    for _ in range(4):  # a minute on screen, the video not played
        clock(15)
        beat(enrolled, lesson, video_duration="100")
    response = done(enrolled, lesson)
    assert response.json()["error"] == (
        "Cần xem video của bài: đã xem 0%, cần ít nhất 80%."
    )
    # Claiming the whole video in one 15 s beat credits at most twice that.
    clock(15)
    beat(enrolled, lesson, video_watched="100", video_duration="100")
    study = LessonStudy.objects.get(learner=learner, lesson=lesson)
    assert study.video_seconds == pytest.approx(30)
    assert "đã xem 30%" in done(enrolled, lesson).json()["error"]
    # A later, shorter duration does not shrink what must be watched.
    for _ in range(3):
        clock(15)
        beat(enrolled, lesson, video_watched="15", video_duration="10")
    assert "đã xem 75%" in done(enrolled, lesson).json()["error"]
    # A video played while the page is in the background does not count.
    clock(15)
    beat(enrolled, lesson, visible=False, video_watched="15")
    assert "đã xem 75%" in done(enrolled, lesson).json()["error"]
    assert not LessonProgress.objects.filter(page=lesson).exists()
    clock(15)
    beat(enrolled, lesson, video_watched="15", video_duration="100")
    assert done(enrolled, lesson).json()["ok"] is True


def test_an_embedded_video_falls_back_to_the_time_on_screen(
    enrolled, course, learner, clock
):
    lesson = _video_lesson(course, embed="https://www.youtube.com/watch?v=abc")
    assert not lesson.video_tracked
    beat(enrolled, lesson)
    clock(15)
    beat(enrolled, lesson)
    assert done(enrolled, lesson).json()["error"] == "Cần học thêm 15 giây."
    clock(15)
    beat(enrolled, lesson)
    assert done(enrolled, lesson).json()["ok"] is True


# --- Officers ------------------------------------------------------------


def test_officer_sees_time_spent_per_lesson_of_their_own_learners_only(
    client, enrolled, course, lessons, learner, officer, other_officer, clock
):
    beat(enrolled, lessons[0])
    for _ in range(49):  # 12 min 15 s
        clock(15)
        beat(enrolled, lessons[0])
    beat(enrolled, lessons[1])
    clock(15)
    beat(enrolled, lessons[1])
    done(enrolled, lessons[0])
    url = reverse("courses:officer_learner", args=[learner.pk])

    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "Bài 1: đã học 12 phút" in html
    assert "Bài 2: đã học 15 giây" in html
    assert "Bài 3: chưa mở bài" in html
    assert "Bài “Bài 2”: Cần học thêm 4 phút." in html

    client.force_login(other_officer)
    response = client.get(url)
    assert response.status_code == 404
    assert "đã học 12 phút" not in response.content.decode()


def test_lesson_page_says_the_minimum_and_beats_until_done(enrolled, learner, lessons):
    html = enrolled.get(lessons[0].url).content.decode()
    assert (
        "Bài học được tính là đã học khi trang này hiện trên màn hình ít nhất 4 phút."
        in html
    )
    beat_url = reverse("courses:lesson_beat", args=[lessons[0].pk])
    assert f'data-beat-url="{beat_url}"' in html
    studied(learner, lessons[0])
    assert done(enrolled, lessons[0]).json()["ok"] is True
    html = enrolled.get(lessons[0].url).content.decode()
    assert "data-beat-url" not in html and "ít nhất 4 phút" not in html


def test_two_first_beats_at_once_make_one_row_and_no_error(
    enrolled, lessons, learner, clock, monkeypatch
):
    """Two tabs of a lesson send their first beat in the same instant: the
    second finds no row to lock, then the first's row is there when it
    inserts. It answers as a first beat would, not with a server error."""
    lesson = lessons[0]
    original = LessonStudy.objects.select_for_update

    class ThenTheOtherTab:
        """The rows as they were locked, then the other tab's insert."""

        def filter(self, **lookups):
            rows = list(original().filter(**lookups))
            if not LessonStudy.objects.filter(learner=learner, lesson=lesson).exists():
                LessonStudy.objects.create(
                    learner=learner, lesson=lesson, first_opened_at=T0, last_beat_at=T0
                )
            return rows

    monkeypatch.setattr(LessonStudy.objects, "select_for_update", ThenTheOtherTab)
    assert beat(enrolled, lesson).status_code == 200
    assert LessonStudy.objects.filter(learner=learner, lesson=lesson).count() == 1
    assert seconds(learner, lesson) == 0
