import io

from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from quizzes import demo
from quizzes.models import Question, QuestionCategory, QuizPage


def test_seed_is_idempotent(course):
    # `course` makes the page tree (and a course the demo must not take).

    out = OutputWrapper(io.StringIO())
    demo.seed(stdout=out, style=no_style())
    demo.seed(stdout=out, style=no_style())
    assert Question.objects.count() == 16
    assert QuestionCategory.objects.count() == 5
    quiz = QuizPage.objects.get(title="Bài kiểm tra cuối khóa")
    assert quiz.live and quiz.random_draws.get().count == 10
    assert quiz.get_parent().specific.code == demo.DEMO_COURSE_CODE
