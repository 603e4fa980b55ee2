import pytest


@pytest.fixture
def units_2025(units):
    """Every unit of 2018 and 2025 and every succession between them; the
    units in force today, by code (``units`` keeps the 2018 ones)."""
    from elearning.people.models import AdministrativeUnit

    from .units_data import load_successions, load_units

    load_units()
    load_successions()
    return {u.code: u for u in AdministrativeUnit.objects.current()}
