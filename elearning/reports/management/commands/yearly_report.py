"""manage.py yearly_report --year YYYY [--unit CODE] --format xlsx|pdf -o FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from elearning.people.models import AdministrativeUnit
from elearning.reports.yearly import report_day, yearly_report_render


class Command(BaseCommand):
    help = (
        "Write the yearly report (Kế hoạch 83/KH-UBND) for the province, or for "
        "one district with --unit, grouped by the units valid on 5 December."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="district code, e.g. 741")
        parser.add_argument(
            "--format", dest="fmt", choices=["xlsx", "pdf"], required=True
        )
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args, year, unit, fmt, output, **options):
        district = None
        if unit:
            day = report_day(year)
            # The unit valid on the due day; else the last one with that code
            # (a district that ended without a successor still reports).
            district = AdministrativeUnit.objects.valid_on(day).filter(
                code=unit
            ).first() or (
                AdministrativeUnit.objects.filter(code=unit, valid_from__lte=day)
                .order_by("-valid_from")
                .first()
            )
            if district is None:
                raise CommandError(f"No unit with code {unit} on {day:%d/%m/%Y}.")
        content, _name = yearly_report_render(year=year, unit=district, fmt=fmt)
        output.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(content)} bytes)"))
