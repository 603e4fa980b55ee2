from django.db import migrations

MODELS = [
    "question",
    "questioncategory",
    "choice",
    "quizfixedquestion",
    "quizrandomdraw",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate; make them now to grant them.
    config = apps.get_app_config("quizzes")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="quizzes",
        content_type__model__in=MODELS,
        codename__regex=r"^(add|change|delete|view)_",
    )
    for name in ("trainer", "admin"):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*perms)
    # Trainers author in the admin; officers read their district's results
    # there. Granting is idempotent if the people app grants it too.
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access is not None:
        for group in Group.objects.filter(name__in=["officer", "trainer", "admin"]):
            group.permissions.add(access)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_question_bank_attempts"),
        ("people", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
