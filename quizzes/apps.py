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

        from django.db.models.signals import post_delete, post_save

        from courses.caching import learner_records_signal

        from .models import Attempt

        # A started, finished or regraded attempt changes the learner's
        # results (their dashboard is cached, see courses/caching.py).
        changed = learner_records_signal(lambda attempt: [attempt.learner_id])
        for signal in (post_save, post_delete):
            signal.connect(
                changed,
                sender=Attempt,
                weak=False,
                dispatch_uid=f"quizzes-attempt-{signal}",
            )
