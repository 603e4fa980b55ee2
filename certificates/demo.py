"""Demo data for certificates: the province's default template."""

from .models import CertificateTemplate

DEFAULT_TEMPLATE_NAME = "Mẫu mặc định – Sở Thông tin và Truyền thông Đồng Nai"


def seed(*, stdout, style) -> None:
    template, created = CertificateTemplate.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME,
        defaults={"is_default": True, "signer_name": "Nguyễn Văn Minh"},
    )
    if created or template.latest_revision_id is None:
        template.save_revision(log_action=False)
    stdout.write("Certificate template: " + ("created" if created else "already there"))
