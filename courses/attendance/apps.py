from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "courses.attendance"
    label = "attendance"
    verbose_name = _("Lớp tập huấn và điểm danh")

    def ready(self) -> None:
        from certificates.rosters import register_class_roster
        from courses.completion import register_check

        from .selectors import (
            attendance_requirement,
            attendance_requirements,
            class_learner_ids,
        )

        register_check(
            "attendance", attendance_requirement, many=attendance_requirements
        )

        from . import reports

        reports.register()
        # Certificates issued "by class" ask this app who is in a class.
        register_class_roster(class_learner_ids)
