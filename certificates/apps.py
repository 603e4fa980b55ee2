from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Giấy chứng nhận")

    def ready(self) -> None:
        from courses.signals import course_completed

        from .receivers import issue_on_completion

        course_completed.connect(
            issue_on_completion, dispatch_uid="certificates.issue_on_completion"
        )

        from . import reports

        reports.register()

        from . import personal_data

        personal_data.register()

        from courses.attendance.documents import register_organiser_lookup

        from .selectors import issuing_names_on

        register_organiser_lookup(issuing_names_on)
