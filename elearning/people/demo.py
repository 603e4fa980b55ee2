"""Demo data for people: the units of Đồng Nai."""

from .services import units_load


def seed(*, stdout, style) -> None:
    created, updated = units_load()
    stdout.write(f"Administrative units: {created} created, {updated} already there")
