"""manage.py import_h5p FILE [--approve-libraries] [--title TITLE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.h5p.services import package_import
from courses.h5p.validation import PackageError


class Command(BaseCommand):
    help = "Validate an H5P package and install it as a new exercise."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--approve-libraries",
            action="store_true",
            help="Approve the package's new libraries (operator's decision).",
        )
        parser.add_argument("--title", default="")

    def handle(self, *args, file, approve_libraries, title, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(file)s.") % {"file": file})
        with path.open("rb") as handle:
            try:
                result = package_import(
                    fileobj=handle,
                    filename=path.name,
                    size=path.stat().st_size,
                    title=title,
                    approve_libraries=approve_libraries,
                )
            except PackageError as error:
                for message in error.messages:
                    self.stderr.write(f"- {message}")
                raise CommandError(_("Gói H5P bị từ chối.")) from None
        version = result.version
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã cài “%(title)s”, phiên bản %(number)s (mã %(id)s, "
                    "điểm tối đa %(max)s)."
                )
                % {
                    "title": version.content.title,
                    "number": version.number,
                    "id": version.content_id,
                    "max": version.max_score,
                }
            )
        )
        for library in result.new_libraries:
            self.stdout.write(
                _("  thư viện mới %(lib)s [%(status)s]")
                % {"lib": library, "status": library.get_status_display()}
            )
        for upgrade in result.new_upgrades:
            self.stdout.write(
                _("  bản vá mới %(upgrade)s [%(status)s], đang dùng %(current)s")
                % {
                    "upgrade": upgrade,
                    "status": upgrade.get_status_display(),
                    "current": upgrade.library,
                }
            )
