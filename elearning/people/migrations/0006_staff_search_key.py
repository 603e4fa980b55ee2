from django.db import migrations, models

from elearning.people.names import fold


def fill_search_keys(apps, schema_editor):
    """Give every existing profile its folded name, 1,000 rows at a time."""
    StaffProfile = apps.get_model("people", "StaffProfile")
    profiles = StaffProfile.objects.only("pk", "full_name", "search_key").order_by("pk")
    batch = []
    for profile in profiles.iterator(chunk_size=1000):
        key = fold(profile.full_name)
        if profile.search_key != key:
            profile.search_key = key
            batch.append(profile)
        if len(batch) >= 1000:
            StaffProfile.objects.bulk_update(batch, ["search_key"])
            batch = []
    if batch:
        StaffProfile.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_access_log_sign_ins"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffprofile",
            name="search_key",
            field=models.CharField(
                blank=True, db_index=True, default="", editable=False, max_length=200
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
