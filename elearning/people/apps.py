from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "elearning.people"
    label = "people"
    verbose_name = _("Người dùng và đơn vị")

    def ready(self):
        from . import audit, reports, signals  # noqa: F401

        reports.register()
