"""Load demo data: idempotent, safe to run on every `make run`."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its own part, in dependency order, through ``demo.seed()``.
SEEDERS = [
    "elearning.people.demo",
    "courses.demo",
    "quizzes.demo",
    "courses.h5p.demo",
    "courses.attendance.demo",
    "certificates.demo",
]


class Command(BaseCommand):
    help = "Create (or update) the demo units, accounts and course."

    def handle(self, *args, **options):
        for path in SEEDERS:
            module = import_module(path)
            with transaction.atomic():
                module.seed(stdout=self.stdout, style=self.style)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
