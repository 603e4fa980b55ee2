"""Build a synthetic dataset of a given size and write its manifest."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from elearning.loaddata import (
    EMAIL_DOMAIN,
    SIZES,
    LoadContext,
    analyze_tables,
    generate,
)
from elearning.people.models import User

CHOICES = [name for name in SIZES if name != "T"]


class Command(BaseCommand):
    help = (
        "Generate load-test data (units, agencies, staff, courses, enrolments, "
        "attempts, classes, certificates) of size XS–XXL into an empty database "
        "and write a JSON manifest (accounts, TOTP secrets, URLs) for the "
        "benchmark scenarios."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=CHOICES, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--manifest",
            help="Where to write the manifest (default bench/.load-<size>.json).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database already has accounts.",
        )

    def handle(self, *args, size, seed, manifest, force, **options):
        users = User.objects.count()
        generated = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
        if generated:
            raise CommandError(
                f"The database already holds generated data ({generated} accounts). "
                "The generator is not incremental: use an empty database "
                "(drop and migrate it again, or `manage.py flush`)."
            )
        if users and not force:
            raise CommandError(
                f"The database has {users} accounts. Load data goes into an empty, "
                "migrated database; pass --force to add it anyway."
            )
        path = Path(
            manifest or Path(settings.BASE_DIR) / "bench" / f".load-{size}.json"
        )
        ctx = LoadContext(size, seed=seed, stdout=self.stdout)
        started = time.monotonic()
        # Wagtail logs every page it creates: hundreds of lines here.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(logging.WARNING)
        try:
            with transaction.atomic():
                generate(ctx)
        finally:
            wagtail_log.setLevel(level)
        # Statistics of the tables just filled (PostgreSQL): without them the
        # planner takes them for empty (the reports' plans at XL need them).
        analyzed = analyze_tables()
        if analyzed:
            self.stdout.write(f"ANALYZE: {len(analyzed)} tables.")
        elapsed = time.monotonic() - started
        ctx.manifest["counts"] = dict(sorted(ctx.counts.items()))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(ctx.manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Load data {size} (seed {seed}) built in {elapsed:.1f} s; "
                f"manifest: {path}"
            )
        )
