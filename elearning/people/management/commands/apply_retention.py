from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from elearning.people.retention import retention_apply


class Command(BaseCommand):
    help = _(
        "Áp dụng thời hạn lưu giữ dữ liệu cá nhân: ẩn danh người có tài khoản đã "
        "kết thúc quá thời hạn, xóa nhật ký truy cập và chi tiết nhật ký thay đổi "
        "quá thời hạn."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("chỉ in những gì sẽ làm, không thay đổi gì"),
        )

    def handle(self, *args, dry_run=False, **options):
        result = retention_apply(dry_run=dry_run)
        if dry_run:
            self.stdout.write(_("Chạy thử: không thay đổi dữ liệu."))
        self.stdout.write(
            _("Người được ẩn danh: %(n)d") % {"n": len(result.people)}
            + (
                f" ({', '.join(f'#{pk}' for pk in result.people)})"
                if result.people
                else ""
            )
        )
        self.stdout.write(
            _("Dòng nhật ký truy cập bị xóa: %(n)d") % {"n": result.access_logs}
        )
        self.stdout.write(
            _("Mục nhật ký thay đổi được xóa chi tiết: %(n)d")
            % {"n": result.audit_entries}
        )
