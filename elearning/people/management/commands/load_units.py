from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from elearning.people.services import UNIT_FILES, UnitFileError, unit_files_load


class Command(BaseCommand):
    help = _(
        "Nạp đơn vị hành chính và kế thừa đơn vị từ tệp CSV (loại tệp đọc từ dòng "
        "tiêu đề); không có tệp nào: nạp bộ dữ liệu của hệ thống. Tất cả trong "
        "một giao dịch; chạy lại nhiều lần vẫn an toàn."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, metavar="FILE")

    def handle(self, *args, files: list[Path], **options):
        try:
            results = unit_files_load(files or UNIT_FILES)
        except UnitFileError as error:
            raise CommandError("\n".join(error.errors)) from None
        for path, kind, counts in results:
            label = _("Đơn vị hành chính") if kind == "units" else _("Kế thừa đơn vị")
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "%(label)s (%(file)s): tạo mới %(created)d, cập nhật "
                        "%(updated)d, không đổi %(unchanged)d."
                    )
                    % {
                        "label": label,
                        "file": path.name,
                        "created": counts.created,
                        "updated": counts.updated,
                        "unchanged": counts.unchanged,
                    }
                )
            )
