"""Issuers (effective-dated), series per issuing body or unit, and a
certificate's issuer and its pinned revision (filled in by 0004)."""

import django.core.validators
import django.db.models.deletion
import modelsearch.index
from django.db import migrations, models

import certificates.models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_revocation_category"),
        ("people", "0007_profile_awaiting_confirmation"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.CreateModel(
            name="Issuer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="áp dụng từ ngày")),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="Để trống khi cơ quan cấp còn áp dụng.",
                        null=True,
                        verbose_name="áp dụng đến ngày",
                    ),
                ),
                (
                    "issuing_parent",
                    models.CharField(
                        default="UBND TỈNH ĐỒNG NAI",
                        help_text="Dòng thứ nhất, góc trên bên trái.",
                        max_length=150,
                        verbose_name="cơ quan chủ quản",
                    ),
                ),
                (
                    "issuing_body",
                    models.CharField(
                        help_text="Dòng thứ hai, góc trên bên trái (in đậm).",
                        max_length=150,
                        verbose_name="cơ quan cấp",
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="Ví dụ: SKHCN cho số “0123/2026/GCN-SKHCN”.",
                        max_length=20,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z][A-Z0-9]*$",
                                "Ký hiệu gồm chữ in hoa không dấu và chữ số, bắt đầu bằng chữ cái (ví dụ: SKHCN).",
                            )
                        ],
                        verbose_name="ký hiệu trong số giấy chứng nhận",
                    ),
                ),
                (
                    "numbering",
                    models.CharField(
                        choices=[
                            ("issuer", "Theo cơ quan cấp và năm"),
                            ("unit", "Theo đơn vị hành chính và năm"),
                        ],
                        default="issuer",
                        help_text="Theo cơ quan cấp: một sổ cho cả tỉnh mỗi năm (0123/2026/GCN-SKHCN). Theo đơn vị: mỗi đơn vị hành chính một sổ mỗi năm (0123/2026/GCN-741).",
                        max_length=10,
                        verbose_name="cách đánh số",
                    ),
                ),
                (
                    "place_name",
                    models.CharField(
                        default="Đồng Nai",
                        help_text="Dùng ở dòng ngày tháng: “Đồng Nai, ngày … tháng … năm …”.",
                        max_length=100,
                        verbose_name="địa danh",
                    ),
                ),
                (
                    "signer_authority",
                    models.CharField(
                        blank=True,
                        default="KT. GIÁM ĐỐC",
                        help_text="Dòng trên chức vụ khi ký thay, thay mặt: ví dụ “KT. GIÁM ĐỐC”, “TM. ỦY BAN NHÂN DÂN”. Để trống khi người đứng đầu ký.",
                        max_length=150,
                        verbose_name="thẩm quyền ký",
                    ),
                ),
                (
                    "signer_title",
                    models.CharField(
                        default="PHÓ GIÁM ĐỐC",
                        max_length=150,
                        verbose_name="chức vụ người ký",
                    ),
                ),
                (
                    "signer_name",
                    models.CharField(
                        blank=True, max_length=150, verbose_name="họ và tên người ký"
                    ),
                ),
            ],
            options={
                "verbose_name": "cơ quan cấp giấy chứng nhận",
                "verbose_name_plural": "cơ quan cấp giấy chứng nhận",
                "ordering": ["-valid_from"],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.RemoveConstraint(
            model_name="certificateseries",
            name="certificates_series_unique",
        ),
        migrations.AddField(
            model_name="certificate",
            name="issuer_revision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.revision",
                verbose_name="phiên bản cơ quan cấp",
            ),
        ),
        migrations.AlterField(
            model_name="certificateseries",
            name="number_format",
            field=models.CharField(
                default="{n:04d}/{year}/GCN-{unit}",
                help_text="{n}: số thứ tự, {year}: năm, {issuer}: ký hiệu cơ quan cấp, {unit}: mã đơn vị.",
                max_length=60,
                validators=[certificates.models.validate_number_format],
                verbose_name="định dạng số",
            ),
        ),
        migrations.AlterField(
            model_name="certificateseries",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificate_series",
                to="people.administrativeunit",
                verbose_name="đơn vị cấp",
            ),
        ),
        migrations.AddField(
            model_name="issuer",
            name="latest_revision",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.revision",
                verbose_name="latest revision",
            ),
        ),
        migrations.AddField(
            model_name="issuer",
            name="signature_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Ảnh PNG nền trong suốt gồm chữ ký và dấu.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
                verbose_name="chữ ký và con dấu",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="issuer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="certificates.issuer",
                verbose_name="cơ quan cấp",
            ),
        ),
        migrations.AddField(
            model_name="certificateseries",
            name="issuer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="series",
                to="certificates.issuer",
                verbose_name="cơ quan cấp",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificateseries",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", False)),
                fields=("unit", "year"),
                name="certificates_series_unit_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificateseries",
            constraint=models.UniqueConstraint(
                condition=models.Q(("issuer__isnull", False)),
                fields=("issuer", "year"),
                name="certificates_series_issuer_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificateseries",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("issuer__isnull", True), ("unit__isnull", False)),
                    models.Q(("issuer__isnull", False), ("unit__isnull", True)),
                    _connector="OR",
                ),
                name="certificates_series_issuer_or_unit",
            ),
        ),
    ]
