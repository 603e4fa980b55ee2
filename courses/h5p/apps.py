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
