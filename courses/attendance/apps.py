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
        connect_learner_records()


def connect_learner_records() -> None:
    """A learner's attendance requirement changes with their memberships and
    records, and with their classes and sessions: tell the courses app whose
    results changed (their dashboard is cached, see courses/caching.py)."""
    from django.db.models.signals import post_delete, post_save

    from courses.caching import learner_records_signal

    from .models import AttendanceRecord, ClassMembership, ClassSession, TrainingClass

    def members(class_id):
        return ClassMembership.objects.filter(training_class_id=class_id).values_list(
            "learner_id", flat=True
        )

    learners_of = {
        ClassMembership: lambda membership: [membership.learner_id],
        AttendanceRecord: lambda record: [record.learner_id],
        ClassSession: lambda session: members(session.training_class_id),
        TrainingClass: lambda klass: members(klass.pk),
    }
    for model, learner_ids in learners_of.items():
        receiver = learner_records_signal(learner_ids)
        for signal in (post_save, post_delete):
            signal.connect(
                receiver,
                sender=model,
                weak=False,
                dispatch_uid=f"attendance-{model.__name__}-{signal}",
            )
