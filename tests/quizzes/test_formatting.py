"""Question texts in their formats: sanitised HTML, Markdown, plain text."""

import pytest
from django.urls import reverse

from quizzes import gift
from quizzes.formatting import render, to_plain
from quizzes.models import Attempt, Choice, Question, QuestionCategory, QuizRandomDraw
from quizzes.services import questions_import

from .conftest import make_quiz

PRE = "<p>Kết quả?</p>\n<pre>\n    if (a) \\{\n        b();\n    \\}\n</pre>"


def test_html_is_sanitised_with_images_from_own_media_only():
    html = str(
        render(
            '<p onclick="x()">Xem <script>alert(1)</script><b>kỹ</b>'
            '<img src="https://evil.example/a.png">'
            '<img src="/media/images/so-do.png" alt="Sơ đồ" onerror="x()">'
            '<a href="javascript:alert(1)">a</a><a href="https://dongnai.gov.vn">b</a>'
            "<iframe src=/media/x></iframe></p>",
            "html",
        )
    )
    assert "script" not in html and "alert" not in html and "onclick" not in html
    assert "evil.example" not in html and "onerror" not in html
    assert '<img src="/media/images/so-do.png" alt="Sơ đồ">' in html
    assert "<b>kỹ</b>" in html and "iframe" not in html
    assert 'href="https://dongnai.gov.vn"' in html and "javascript" not in html


def test_pre_keeps_its_lines():
    html = str(render("<pre>\n  a\n      b\n</pre>", "html"))
    assert "  a\n      b\n" in html


def test_markdown_is_rendered_then_sanitised():
    html = str(render("Ai **được** chọn?\n\n<script>x()</script>", "markdown"))
    assert "<strong>được</strong>" in html and "<script" not in html


def test_plain_text_is_escaped_with_line_breaks():
    assert (
        str(render("a < b\n<b>c</b>", "plain")) == "a &lt; b<br>\n&lt;b&gt;c&lt;/b&gt;"
    )


def test_moodle_format_keeps_line_breaks_and_html():
    assert str(render("Dòng 1\nDòng <i>2</i>", "moodle")) == "Dòng 1<br>\nDòng <i>2</i>"


def test_plain_text_for_exports():
    assert to_plain("<p>A &amp; <b>B</b></p>", "html") == "A & B"


@pytest.mark.django_db
def test_html_is_sanitised_on_save_and_reimport_is_unchanged():
    source = (
        "$CATEGORY: Định dạng\n\n"
        '::H:: [html]<p>Chọn <b>đúng</b><script>alert(1)</script></p>{=[html]<i>a</i><img src="http://x/y"> ~b}'
    )
    questions, errors = gift.parse(source)
    assert errors == []
    assert questions_import(questions=questions).created == 1
    question = Question.objects.get()
    assert question.text == "<p>Chọn <b>đúng</b></p>"
    assert Choice.objects.get(sort_order=0).text == "<i>a</i>"  # foreign image gone
    again = questions_import(questions=questions)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    question.text_format = "plain"
    question.text = "<b>thô</b>"
    question.save()
    question.refresh_from_db()
    assert question.text == "<b>thô</b>"  # plain text is stored as written


FORMATS = (
    "$CATEGORY: Định dạng\n\n"
    f"::Pre:: [html]{PRE}{{=[html]<code>b()</code> ~a}}\n\n"
    "::Md:: [markdown]Chọn **một**{=[plain]<b>thô</b> ~khác}\n\n"
    "::Thô:: [plain]Dòng 1\nDòng <i>2</i>{T}\n"
)


@pytest.mark.integration
def test_attempt_and_review_show_each_format(course, learner, client):
    from courses.models import Enrolment

    questions, errors = gift.parse(FORMATS)
    assert errors == []
    questions_import(questions=questions)
    category = QuestionCategory.objects.get(name="Định dạng")
    quiz = make_quiz(
        course,
        random_draws=[QuizRandomDraw(category=category, count=3)],
        counts_for_completion=False,
        review_correct_answer=7,
        review_feedback=7,
    )
    Enrolment.objects.create(learner=learner, course=course)
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    body = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "<pre>    if (a) {\n        b();\n    }\n</pre>" in body
    assert "<code>b()</code>" in body
    assert "Chọn <strong>một</strong>" in body
    assert "&lt;b&gt;thô&lt;/b&gt;" in body
    assert "Dòng 1<br>\nDòng &lt;i&gt;2&lt;/i&gt;" in body
    assert "[html]" not in body and "[markdown]" not in body and "[plain]" not in body
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "<pre>    if (a) {\n        b();\n    }\n</pre>" in page
    assert "Chọn <strong>một</strong>" in page


@pytest.mark.django_db
def test_question_editor_preview_shows_the_formatted_question(rf, learner):
    questions, _errors = gift.parse(FORMATS)
    questions_import(questions=questions)
    question = Question.objects.get(title="Pre")
    request = rf.get("/")
    request.user = learner
    response = question.serve_preview(request, "")
    body = response.render().content.decode()
    assert "<pre>    if (a) {\n        b();\n    }\n</pre>" in body
    assert "<code>b()</code>" in body
