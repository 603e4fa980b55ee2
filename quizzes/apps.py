from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Bài kiểm tra")

    def ready(self) -> None:
        from courses.completion import register_check

        from .selectors import quizzes_requirement, quizzes_requirements

        register_check("quizzes", quizzes_requirement, many=quizzes_requirements)

        from . import reports

        reports.register()

        from . import personal_data

        personal_data.register()

        from courses.caching import connect_learner_records

        from .models import Attempt

        # A started, finished or regraded attempt changes the learner's
        # results (their dashboard is cached, see courses/caching.py).
        connect_learner_records(Attempt, lambda attempt: [attempt.learner_id])

        from elearning.pagecache import bump_on_change

        from .models import Choice, Question, QuestionCategory

        # A new attempt draws and copies its questions from what is kept
        # under the page generation (services.quiz_plan, question_sources):
        # a change to the bank makes a new generation.
        bump_on_change(Question, Choice, QuestionCategory)
