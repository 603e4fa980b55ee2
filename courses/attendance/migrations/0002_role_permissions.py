"""Trainers and province admins manage classes and sessions in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "trainer": ["trainingclass", "classsession"],
    "admin": ["trainingclass", "classsession"],
}
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make ours now.
    app_config = apps.get_app_config("attendance")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        codenames = [f"{a}_{m}" for m in models for a in ACTIONS]
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="attendance", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_initial"),
        ("people", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
