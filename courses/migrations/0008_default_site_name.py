"""The default site is named after the platform: Wagtail's dashboard shows
the site's name, else its host name ("localhost")."""

from django.conf import settings
from django.db import migrations


def name_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Site.objects.filter(is_default_site=True, site_name="").update(
        site_name=settings.WAGTAIL_SITE_NAME
    )
    Site.objects.filter(is_default_site=True, site_name__isnull=True).update(
        site_name=settings.WAGTAIL_SITE_NAME
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_enrolment_unit"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(name_default_site, migrations.RunPython.noop)]
