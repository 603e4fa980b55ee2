from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "courses.attendance"
    label = "attendance"
    verbose_name = _("Lớp tập huấn và điểm danh")

    def ready(self) -> None:
        from courses.completion import register_check

        from .selectors import attendance_requirement

        register_check("attendance", attendance_requirement)

        from . import reports

        reports.register()
