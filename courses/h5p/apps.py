from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "courses.h5p"
    label = "h5p"
    verbose_name = _("Bài tập H5P")

    def ready(self) -> None:
        from courses.completion import register_check

        from . import checks  # noqa: F401  (registers the system checks)
        from .selectors import h5p_requirement, h5p_requirements

        register_check("h5p", h5p_requirement, many=h5p_requirements)

        from django.db.models.signals import post_delete, post_save

        from courses.caching import learner_records_signal
        from elearning import pagecache

        from .models import H5PAttempt, H5PContent, H5PContentVersion

        # A result changes the learner's results (their dashboard is cached,
        # see courses/caching.py); an exercise or its version changes the
        # lessons that embed it and the rule's wording, like a page edit.
        changed = learner_records_signal(lambda attempt: [attempt.learner_id])
        for signal in (post_save, post_delete):
            signal.connect(
                changed,
                sender=H5PAttempt,
                weak=False,
                dispatch_uid=f"h5p-attempt-{signal}",
            )
            for model in (H5PContent, H5PContentVersion):
                signal.connect(
                    pagecache.bump,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"h5p-{model.__name__}-{signal}",
                )
