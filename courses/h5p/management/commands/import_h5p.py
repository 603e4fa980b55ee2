"""manage.py import_h5p FILE [--approve-libraries] [--title TITLE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"{file}: no such file")
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
                raise CommandError("Gói H5P bị từ chối.") from None
        version = result.version
        self.stdout.write(
            self.style.SUCCESS(
                f"Installed “{version.content.title}” version {version.number} "
                f"(id {version.content_id}, max score {version.max_score})"
            )
        )
        for library in result.new_libraries:
            self.stdout.write(
                f"  new library {library} [{library.get_status_display()}]"
            )
