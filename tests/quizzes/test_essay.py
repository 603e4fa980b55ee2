"""Essay questions: written, autosaved, pending until a trainer marks them."""

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from quizzes import gift
from quizzes.models import Attempt, Question, QuizFixedQuestion, QuizRandomDraw
from quizzes.selectors import report_attempts, report_question_stats
from quizzes.services import (
    QuizError,
    answer_save,
    attempt_start,
    attempt_submit,
    essay_grade,
    questions_import,
)
from tests.factories import make_person

from .conftest import make_quiz

pytestmark = pytest.mark.integration

BANK = (
    "$CATEGORY: Tự luận\n\n"
    "::Sự cố:: Mô tả các bước xử lý khi phát hiện máy tính nhiễm mã độc. {}\n\n"
    "::Mật khẩu:: Mật khẩu nên dài. {T}\n"
)


@pytest.fixture
def essay_quiz(course, learner):
    from courses.models import Enrolment

    questions, errors = gift.parse(BANK)
    assert errors == []
    questions_import(questions=questions)
    essay = Question.objects.get(qtype="essay")
    quiz = make_quiz(
        course,
        counts_for_completion=True,
        pass_mark=50,
        random_draws=[
            QuizRandomDraw(
                category=essay.category, count=1, include_subcategories=False
            )
        ],
        fixed_questions=[QuizFixedQuestion(question=essay)],
    )
    Enrolment.objects.create(learner=learner, course=course)
    return quiz


def test_essay_attempt_waits_for_the_trainer_then_counts(
    essay_quiz,
    course,
    learner,
    trainer,
    units,
    client,
    django_capture_on_commit_callbacks,
):
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[essay_quiz.pk]))
    attempt = Attempt.objects.get()
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'data-type="essay"' in page and 'maxlength="20000"' in page
    essay = attempt.answers.get(snapshot__type="essay")
    tf = attempt.answers.get(snapshot__type="true_false")
    text = "Ngắt mạng.\nBáo cán bộ phụ trách.\nKhông tự cài lại."
    for answer, response in (
        (essay, {"text": text}),
        (
            tf,
            {
                "choice": next(
                    c["key"]
                    for c in tf.snapshot["choices"]
                    if float(c["fraction"]) == 0
                )
            },
        ),
    ):
        reply = client.post(
            reverse("quizzes:save", args=[attempt.pk]),
            data=json.dumps(
                {"question": answer.question_id, "response": response, "version": 1}
            ),
            content_type="application/json",
        )
        assert reply.status_code == 200
    too_long = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps(
            {
                "question": essay.question_id,
                "response": {"text": "a" * 20001},
                "version": 2,
            }
        ),
        content_type="application/json",
    )
    assert too_long.status_code == 400
    longest = "ồ" * 20000  # Vietnamese at the limit (not counted as \\u escapes)
    assert (
        answer_save(
            attempt_id=attempt.pk,
            learner=learner,
            question_id=essay.question_id,
            response={"text": longest},
            client_version=3,
        ).version
        == 3
    )
    answer_save(
        attempt_id=attempt.pk,
        learner=learner,
        question_id=essay.question_id,
        response={"text": text},
        client_version=4,
    )
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.grading_pending and attempt.score is None and attempt.passed is None
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "đang chờ chấm" in result
    assert "Ngắt mạng.<br>Báo cán bộ phụ trách." in result

    from courses.selectors import course_eligibility

    waiting = course_eligibility(user=learner, course=course)
    assert not waiting.complete
    assert any("đang chờ chấm bài tự luận" in r for r in waiting.reasons)

    # A trainer who neither owns the course nor teaches it sees nothing.
    stranger = make_person(
        role="trainer", unit=units["731"], full_name="Lạ", email="la@example.gov.vn"
    )
    client.force_login(stranger)
    queue = client.get(reverse("quizzes_admin:grading")).content.decode()
    assert "Không có bài tự luận nào đang chờ chấm" in queue
    with pytest.raises(QuizError):
        essay_grade(answer_id=essay.pk, points=Decimal(1), comment="", user=stranger)
    assert (
        client.get(reverse("quizzes_admin:essay_grade", args=[essay.pk])).status_code
        == 404
    )

    course.owner = trainer
    course.save(update_fields=["owner"])
    client.force_login(trainer)
    for by in ("cau-hoi", "hoc-vien"):
        queue = client.get(reverse("quizzes_admin:grading") + f"?theo={by}")
        assert "Sự cố" in queue.content.decode()
    url = reverse("quizzes_admin:essay_grade", args=[essay.pk])
    assert "Ngắt mạng." in client.get(url).content.decode()
    refused = client.post(url, {"points": "1,5", "comment": ""})
    assert "không được vượt quá 1" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"points": "1", "comment": "Đủ các bước."})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert not attempt.grading_pending
    assert attempt.score == 50  # essay 1/1, true/false wrong: 1 of 2 points
    assert attempt.passed is True
    essay.refresh_from_db()
    assert (essay.points, essay.comment, essay.graded_by) == (
        1,
        "Đủ các bước.",
        trainer,
    )
    entry = ModelLogEntry.objects.get(action="quizzes.essay_graded")
    assert entry.user == trainer
    (marked,) = [m for m in mail.outbox if "đã được chấm" in m.subject]
    assert marked.to == [learner.email] and "Đủ các bước." in marked.body
    client.force_login(learner)
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Đủ các bước." in result and "đang chờ chấm" not in result
    reasons = course_eligibility(user=learner, course=course).reasons
    assert not any("bài kiểm tra" in r for r in reasons), reasons


def test_essay_answer_is_text_only(essay_quiz, learner):
    attempt = attempt_start(learner=learner, quiz=essay_quiz)
    essay = attempt.answers.get(snapshot__type="essay")
    with pytest.raises(QuizError):
        answer_save(
            attempt_id=attempt.pk,
            learner=learner,
            question_id=essay.question_id,
            response={"choice": "1"},
            client_version=1,
        )


def _hand_in(quiz, learner, *, right: bool) -> int:
    """``learner`` answers the true/false question (right or wrong) and the
    essay, and hands the attempt in; returns the essay answer's id."""
    attempt = attempt_start(learner=learner, quiz=quiz)
    tf = attempt.answers.get(snapshot__type="true_false")
    essay = attempt.answers.get(snapshot__type="essay")
    choice = next(
        c["key"] for c in tf.snapshot["choices"] if (float(c["fraction"]) > 0) == right
    )
    for answer, response in ((tf, {"choice": choice}), (essay, {"text": "Bài làm."})):
        answer_save(
            attempt_id=attempt.pk,
            learner=learner,
            question_id=answer.question_id,
            response=response,
            client_version=1,
        )
    attempt_submit(attempt_id=attempt.pk, learner=learner)
    return essay.pk


def test_item_statistics_count_marked_essays_only(
    essay_quiz, course, learner, units, province_admin, client
):
    """Facility and discrimination of a quiz with essays: an essay waiting
    for its mark is "pending", not a zero, and its attempt (no score yet)
    is in neither third."""
    from courses.models import Enrolment

    people = [learner]
    for n in range(3):
        person = make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Học viên {n}",
            email=f"hv{n}@xuanloc.example.gov.vn",
        )
        Enrolment.objects.create(learner=person, course=course)
        people.append(person)
    # True/false right, essay 1/1 → 100 %; right, 0,5 → 75 %; wrong, 0 → 0 %;
    # right, essay not marked yet.
    marks = [Decimal("1"), Decimal("0.5"), Decimal("0"), None]
    for person, mark in zip(people, marks, strict=True):
        essay = _hand_in(essay_quiz, person, right=mark != 0)
        if mark is not None:
            essay_grade(answer_id=essay, points=mark, comment="", user=province_admin)

    attempts = list(
        report_attempts(quiz=essay_quiz, user=province_admin).order_by("pk")
    )
    assert [a.score for a in attempts] == [100, 75, 0, None]
    stats = {s.title: s for s in report_question_stats(attempts)}
    essay_stat, tf_stat = stats["Sự cố"], stats["Mật khẩu"]
    assert (essay_stat.answered, essay_stat.pending) == (3, 1)
    assert essay_stat.facility == Decimal("50.0")  # (1 + 0,5 + 0) / 3
    assert essay_stat.discrimination == Decimal("100.0")  # top 100 %, bottom 0 %
    assert (tf_stat.answered, tf_stat.pending) == (4, 0)
    assert tf_stat.facility == Decimal("75.0")
    assert tf_stat.discrimination == Decimal("100.0")

    client.force_login(province_admin)
    page = client.get(reverse("quizzes_admin:report", args=[essay_quiz.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thống kê theo câu hỏi" in html
    assert "1 bài đang chờ chấm" in html
    # The attempt's row leads to the essays to mark.
    queue = reverse("quizzes_admin:grading")
    assert f'<a href="{queue}">Đang chờ chấm</a>' in html


def test_an_essay_quiz_gates_the_certificate_until_marked(
    essay_quiz, course, learner, province_admin, django_capture_on_commit_callbacks
):
    from certificates.demo import seed_issuers
    from certificates.models import Certificate, CertificateTemplate
    from certificates.services import NotEligible, certificate_issue
    from courses.models import Enrolment

    seed_issuers()
    template = CertificateTemplate.objects.create(name="Mặc định", is_default=True)
    template.save_revision(log_action=False)
    course.require_lessons = False  # the quiz is the course's one rule
    course.save(update_fields=["require_lessons"])

    with django_capture_on_commit_callbacks(execute=True):
        essay = _hand_in(essay_quiz, learner, right=True)
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert enrolment.status != Enrolment.Status.COMPLETED
    assert not Certificate.objects.exists()
    with pytest.raises(NotEligible) as refused:
        certificate_issue(learner=learner, course=course)
    assert any("đang chờ chấm bài tự luận" in r for r in refused.value.reasons)

    # Marked: 1 + 0,5 of 2 points = 75 %, above the pass mark (50 %); the
    # course is completed and its certificate issued, as after any quiz.
    with django_capture_on_commit_callbacks(execute=True):
        essay_grade(
            answer_id=essay, points=Decimal("0.5"), comment="", user=province_admin
        )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    certificate = Certificate.objects.get(learner=learner, course=course)
    assert certificate.score == Decimal("75")


def test_a_failing_mark_keeps_the_certificate_away(
    essay_quiz, course, learner, province_admin, django_capture_on_commit_callbacks
):
    from certificates.models import Certificate
    from courses.models import Enrolment

    course.require_lessons = False
    course.save(update_fields=["require_lessons"])
    essay = _hand_in(essay_quiz, learner, right=False)
    with django_capture_on_commit_callbacks(execute=True):
        essay_grade(
            answer_id=essay, points=Decimal("0.5"), comment="", user=province_admin
        )
    attempt = Attempt.objects.get()
    assert (attempt.score, attempt.passed) == (Decimal("25"), False)
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert enrolment.status != Enrolment.Status.COMPLETED
    assert not Certificate.objects.exists()


def test_the_marking_email_is_vietnamese_with_the_result_link(
    essay_quiz, learner, province_admin, settings, django_capture_on_commit_callbacks
):
    """The learner's email does not follow the language of the trainer's
    admin, and it links to the result page where the comment is."""
    from django.utils import translation

    settings.SITE_URL = "https://hoc.dongnai.example.gov.vn"
    essay = _hand_in(essay_quiz, learner, right=True)
    with (
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        essay_grade(
            answer_id=essay,
            points=Decimal("0.5"),
            comment="Thiếu bước báo cáo.",
            user=province_admin,
        )
    (message,) = [m for m in mail.outbox if "tự luận" in m.subject]
    assert message.to == [learner.email]
    assert message.subject == "Bài tự luận của anh/chị đã được chấm"
    attempt = Attempt.objects.get()
    assert message.body.splitlines() == [
        "Bài “Bài kiểm tra cuối khóa” (lượt 1) có câu tự luận vừa được chấm: "
        "0,5/1 điểm.",
        "Nhận xét: Thiếu bước báo cáo.",
        "Điểm bài làm: 75%.",
        "Xem bài làm và nhận xét: https://hoc.dongnai.example.gov.vn"
        f"/quizzes/attempts/{attempt.pk}/result/",
    ]


def test_an_essay_handed_in_by_the_form_keeps_its_end_and_its_version(
    essay_quiz, learner, client
):
    """The submit form posts the textarea's line breaks as CRLF, two
    characters where its maxlength (and autosave) counted one. The essay
    is measured and stored with LF: an essay at the limit loses nothing of
    its end, and one already autosaved is not saved again."""
    from quizzes.responses import ESSAY_MAX_CHARS

    client.force_login(learner)
    attempt = attempt_start(learner=learner, quiz=essay_quiz)
    essay = attempt.answers.get(snapshot__type="essay")
    lines = ["ồ" * 1999] * 9 + ["Hết." + "a" * 1995]
    text = "\n".join(lines)
    assert len(text) == ESSAY_MAX_CHARS - 1
    answer_save(
        attempt_id=attempt.pk,
        learner=learner,
        question_id=essay.question_id,
        response={"text": text},
        client_version=1,
    )
    posted = text.replace("\n", "\r\n")  # as Chromium and Firefox post it
    assert len(posted) > ESSAY_MAX_CHARS
    response = client.post(
        reverse("quizzes:submit", args=[attempt.pk]),
        {f"q-{essay.question_id}": posted},
    )
    assert response.status_code == 302
    essay.refresh_from_db()
    assert essay.response == {"text": text}
    assert essay.version == 1


def test_a_form_answer_with_crlf_is_stored_with_lf(essay_quiz, learner, client):
    client.force_login(learner)
    attempt = attempt_start(learner=learner, quiz=essay_quiz)
    essay = attempt.answers.get(snapshot__type="essay")
    client.post(
        reverse("quizzes:submit", args=[attempt.pk]),
        {f"q-{essay.question_id}": "Ngắt mạng.\r\nBáo cán bộ.\rXong."},
    )
    essay.refresh_from_db()
    assert essay.response == {"text": "Ngắt mạng.\nBáo cán bộ.\nXong."}


def test_marks_and_scores_are_written_without_trailing_zeros(
    essay_quiz, learner, province_admin, client
):
    """ "0,5 / 1" and "75 %", as the glossary writes numbers (85,5 %), not
    "0,50 / 1" and "75,00 %"."""
    essay = _hand_in(essay_quiz, learner, right=True)
    essay_grade(answer_id=essay, points=Decimal("0.5"), comment="", user=province_admin)
    attempt = Attempt.objects.get()
    client.force_login(learner)
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Điểm: 0,5 / 1" in result
    assert "<strong>75 %</strong>" in result
    assert "Điểm đạt: 50 %" in result
    assert "0,50" not in result and "75,00" not in result
    page = client.get(essay_quiz.url).content.decode()
    assert "<strong>75 %</strong>" in page and ">75 %</a>" in page
