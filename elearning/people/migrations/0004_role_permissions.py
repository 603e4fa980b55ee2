"""Give the role groups admin access and the model permissions they need.

Permissions are normally made after migrations (post_migrate); this migration
makes them first so it can hand them out on a fresh database.
"""

from django.db import migrations

ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin")

ROLE_PERMISSIONS = {
    "learner": [],
    "officer": [
        ACCESS_ADMIN,
        ("people", "administrativeunit", "view_administrativeunit"),
        ("people", "agency", "view_agency"),
        ("people", "agency", "add_agency"),
        ("people", "agency", "change_agency"),
        ("people", "staffprofile", "view_staffprofile"),
        ("people", "staffprofile", "add_staffprofile"),
        ("people", "staffprofile", "change_staffprofile"),
    ],
    "trainer": [ACCESS_ADMIN],
    "admin": [
        ACCESS_ADMIN,
        *(
            ("people", model, f"{action}_{model}")
            for model in ("administrativeunit", "unitsuccession", "agency")
            for action in ("view", "add", "change")
        ),
        ("people", "staffprofile", "view_staffprofile"),
        ("people", "staffprofile", "add_staffprofile"),
        ("people", "staffprofile", "change_staffprofile"),
        ("people", "accesslog", "view_accesslog"),
        ("people", "privacyconsent", "view_privacyconsent"),
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # access_admin comes from wagtailadmin's own first migration.
    app_config = apps.get_app_config("people")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, model, codename in wanted:
            permission = Permission.objects.get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=codename,
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_privacy_consent_access_log"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
