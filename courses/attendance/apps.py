from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "courses.attendance"
    label = "attendance"
    verbose_name = _("Lớp tập huấn và điểm danh")

    def ready(self) -> None:
        from courses.completion import register_check

        from .selectors import attendance_requirement, attendance_requirements

        register_check(
            "attendance", attendance_requirement, many=attendance_requirements
        )

        from . import reports

        reports.register()
        connect_learner_records()

        from . import personal_data

        personal_data.register()


def connect_learner_records() -> None:
    """A learner's attendance requirement changes with their memberships and
    records, and with their classes and sessions: tell the courses app whose
    results changed (their dashboard is cached, see courses/caching.py)."""
    from courses import caching

    from .models import AttendanceRecord, ClassMembership, ClassSession, TrainingClass

    def members(class_id):
        return ClassMembership.objects.filter(training_class_id=class_id).values_list(
            "learner_id", flat=True
        )

    caching.connect_learner_records(ClassMembership, lambda m: [m.learner_id])
    caching.connect_learner_records(AttendanceRecord, lambda r: [r.learner_id])
    caching.connect_learner_records(
        ClassSession, lambda session: members(session.training_class_id)
    )
    caching.connect_learner_records(TrainingClass, lambda klass: members(klass.pk))
