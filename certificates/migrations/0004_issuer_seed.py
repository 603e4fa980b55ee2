"""Seed the issuers, carry the signer over from the templates, and give each
certificate already issued the issuer of its issue date.

The Sở Thông tin và Truyền thông issued until 28/02/2025; it was merged into
the Sở Khoa học và Công nghệ, which issues from 01/03/2025. Both sign under
the same title and name the platform's templates held (no real person's name
is invented here: an empty name stays empty for the admin to fill in).
"""

import datetime
import zoneinfo

from django.db import migrations

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MERGED_ON = datetime.date(2025, 3, 1)

ISSUERS = [
    {
        "code": "STTTT",
        "issuing_body": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        # The first day the admin's date field accepts comfortably: every
        # certificate the platform ever held falls after it.
        "valid_from": datetime.date(2000, 1, 1),
        "valid_to": MERGED_ON - datetime.timedelta(days=1),
    },
    {
        "code": "SKHCN",
        "issuing_body": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "valid_from": MERGED_ON,
        "valid_to": None,
    },
]

SIGNER_FIELDS = (
    "place_name",
    "signer_authority",
    "signer_title",
    "signer_name",
    "signature_image_id",
)


def seed(apps, schema_editor):
    Issuer = apps.get_model("certificates", "Issuer")
    Template = apps.get_model("certificates", "CertificateTemplate")
    Certificate = apps.get_model("certificates", "Certificate")
    source = (
        Template.objects.order_by("-is_default", "pk").first()
        if Template.objects.exists()
        else None
    )
    signer = {name: getattr(source, name) for name in SIGNER_FIELDS} if source else {}
    made = {}
    for values in ISSUERS:
        made[values["code"]], _created = Issuer.objects.get_or_create(
            code=values["code"],
            defaults={
                **values,
                "issuing_parent": "UBND TỈNH ĐỒNG NAI",
                "numbering": "issuer",
                **signer,
            },
        )
    cutoff = datetime.datetime.combine(MERGED_ON, datetime.time(), tzinfo=VIETNAM)
    unset = Certificate.objects.filter(issuer__isnull=True)
    unset.filter(issued_at__lt=cutoff).update(issuer=made["STTTT"])
    unset.filter(issued_at__gte=cutoff).update(issuer=made["SKHCN"])


def grant(apps, schema_editor):
    """Province admins keep the issuers in the admin."""
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("certificates")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="certificates",
        content_type__model="issuer",
        codename__in=["view_issuer", "add_issuer", "change_issuer"],
    )
    group = Group.objects.filter(name="admin").first()
    if group is not None:
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_issuer"),
        ("people", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
