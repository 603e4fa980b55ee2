"""manage.py import_staff FILE --unit CODE [--course CODE-or-SLUG] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.imports import import_file
from courses.models import CoursePage
from elearning.people.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Import staff (and enrol them) from a CSV or XLSX file; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--unit", required=True, help="code of the unit imported into"
        )
        parser.add_argument("--course", help="course code or slug to enrol everyone in")
        parser.add_argument(
            "--dry-run", action="store_true", help="check, write nothing"
        )

    def handle(
        self, *args, file: Path, unit: str, course=None, dry_run=False, **options
    ):
        scope = (
            AdministrativeUnit.objects.filter(code=unit).order_by("-valid_from").first()
        )
        if scope is None:
            raise CommandError(f"Unknown unit code: {unit}")
        target = None
        if course:
            target = (
                CoursePage.objects.filter(code=course).first()
                or CoursePage.objects.filter(slug=course).first()
            )
            if target is None:
                raise CommandError(f"Unknown course: {course}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        plan, result = import_file(
            data,
            filename=file.name,
            scope=scope,
            actor=None,
            course=target,
            dry_run=dry_run,
            administrator=True,
        )
        if result is None:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(plan.errors)} error(s) in {file.name}: nothing was imported."
            )
        for row in plan.taken_over:
            # An officer's import would have refused these rows.
            verb = "Would update" if dry_run else "Updated"
            self.stdout.write(f"{verb} line {row.line}: {row.reason}")
        prefix = "Dry run, nothing written. Would be: " if dry_run else ""
        self.stdout.write(
            prefix
            + ", ".join(f"{key}={value}" for key, value in result.as_dict().items())
        )
