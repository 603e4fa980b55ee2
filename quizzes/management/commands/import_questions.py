"""manage.py import_questions FILE [--format gift|aiken|moodlexml|csv|xlsx]
[--category NAME] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.services import (
    FORMATS,
    question_file_format,
    questions_import,
    questions_parse_file,
)


class Command(BaseCommand):
    help = (
        "Import questions into the bank from a GIFT, Aiken, Moodle XML, CSV or "
        "XLSX file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--category",
            default="",
            help="Category path for questions the file puts in no category.",
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help=(
                "gift, aiken, moodlexml, csv or xlsx; guessed from the content "
                "when not given."
            ),
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, category, dry_run, format=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        data = path.read_bytes()
        fmt = format or question_file_format(data)
        questions, errors = questions_parse_file(
            name=path.name, data=data, default_category=category, fmt=fmt
        )
        report = questions_import(questions=questions, errors=errors, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was written.")
        prefix = f"[{fmt}] " + ("[dry run] " if dry_run else "")
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{len(questions)} questions: {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged, "
                f"{report.duplicates} repeated in the file, "
                f"{report.categories_created} new categories."
            )
        )
