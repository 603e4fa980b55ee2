from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from elearning.people.services import UnitFileError, units_load


class Command(BaseCommand):
    help = _("Nạp đơn vị hành chính từ tệp CSV (chạy lại nhiều lần vẫn an toàn).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            created, updated = units_load(path=file)
        except UnitFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Đơn vị hành chính: tạo mới %(created)d, cập nhật %(updated)d.")
                % {"created": created, "updated": updated}
            )
        )
