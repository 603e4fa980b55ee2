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

        from . import personal_data

        personal_data.register()

        from courses.caching import connect_learner_records
        from elearning import pagecache

        from .models import H5PAttempt, H5PContent, H5PContentVersion

        # A result changes the learner's results (their dashboard is cached,
        # see courses/caching.py); an exercise or its version changes the
        # lessons that embed it and the rule's wording, like a page edit.
        connect_learner_records(H5PAttempt, lambda attempt: [attempt.learner_id])
        pagecache.bump_on_change(H5PContent, H5PContentVersion)
