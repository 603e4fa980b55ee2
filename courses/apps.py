from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Khóa học")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .completion import register_check
        from .selectors import lessons_requirement, lessons_requirements

        register_check("lessons", lessons_requirement, many=lessons_requirements)

        from . import caching, reports

        caching.connect()
        reports.register()

        from . import personal_data

        personal_data.register()
