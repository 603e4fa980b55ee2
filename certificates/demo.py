"""Demo data for certificates: the province's issuers and default template."""

import datetime

from .models import CertificateTemplate, Issuer
from .services import issuer_save

DEFAULT_TEMPLATE_NAME = "Mẫu mặc định – Giấy chứng nhận bồi dưỡng"

# The issuers the data migration seeds (0004_issuer_seed), made again where a
# database lost them (a test's flush) so the demo can issue certificates.
PROVINCE_ISSUERS = (
    {
        "code": "STTTT",
        "issuing_body": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "valid_from": datetime.date(2000, 1, 1),
        "valid_to": datetime.date(2025, 2, 28),
    },
    {
        "code": "SKHCN",
        "issuing_body": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "valid_from": datetime.date(2025, 3, 1),
        "valid_to": None,
    },
)

# A demo signer, not a real person.
DEMO_SIGNER = "Nguyễn Văn Minh"


def seed_issuers() -> list[Issuer]:
    """The province's issuers, made if missing; a missing signer name gets
    the demo one. Idempotent."""
    issuers = []
    for values in PROVINCE_ISSUERS:
        issuer = Issuer.objects.filter(code=values["code"]).first()
        if issuer is None:
            issuer = issuer_save(issuer=Issuer(**values, signer_name=DEMO_SIGNER))
        elif not issuer.signer_name:
            issuer.signer_name = DEMO_SIGNER
            issuer = issuer_save(issuer=issuer)
        issuers.append(issuer)
    return issuers


def seed(*, stdout, style) -> None:
    issuers = seed_issuers()
    stdout.write("Certificate issuers: " + ", ".join(issuer.code for issuer in issuers))
    template, created = default_template()
    stdout.write("Certificate template: " + ("created" if created else "already there"))


def default_template() -> tuple[CertificateTemplate, bool]:
    """The default template (made if there is none) with a revision."""
    template = CertificateTemplate.objects.filter(is_default=True).first()
    created = template is None
    if created:
        template = CertificateTemplate.objects.create(
            name=DEFAULT_TEMPLATE_NAME, is_default=True
        )
    if template.latest_revision_id is None:
        template.save_revision(log_action=False)
    return template, created
