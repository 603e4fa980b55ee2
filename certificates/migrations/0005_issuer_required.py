"""Every certificate has its issuer; the issuer fields leave the template.

The template keeps how a certificate looks; who issues and signs it is the
issuer (0004 carried the values over).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_issuer_seed"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="certificatetemplate",
            name="issuing_body",
        ),
        migrations.RemoveField(
            model_name="certificatetemplate",
            name="issuing_parent",
        ),
        migrations.RemoveField(
            model_name="certificatetemplate",
            name="place_name",
        ),
        migrations.RemoveField(
            model_name="certificatetemplate",
            name="signature_image",
        ),
        migrations.RemoveField(
            model_name="certificatetemplate",
            name="signer_authority",
        ),
        migrations.RemoveField(
            model_name="certificatetemplate",
            name="signer_name",
        ),
        migrations.RemoveField(
            model_name="certificatetemplate",
            name="signer_title",
        ),
        migrations.AlterField(
            model_name="certificate",
            name="issuer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="certificates.issuer",
                verbose_name="cơ quan cấp",
            ),
        ),
    ]
