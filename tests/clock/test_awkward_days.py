"""The days ``make test-shifted`` moves the clock to (scripts/awkward_days.py)."""

import datetime
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "awkward_days.py"
spec = importlib.util.spec_from_file_location("awkward_days", SCRIPT)
awkward = importlib.util.module_from_spec(spec)
spec.loader.exec_module(awkward)

D = datetime.date


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            D(2026, 12, 5),
            [D(2026, 12, 31), D(2028, 2, 29), D(2026, 12, 6), D(2027, 12, 5)],
        ),
        # After the due day: the next 6 December is next year's.
        (
            D(2026, 12, 7),
            [D(2026, 12, 31), D(2028, 2, 29), D(2027, 12, 6), D(2027, 12, 7)],
        ),
        # On a leap day: that day itself, and 28 February a year ahead.
        (
            D(2028, 2, 29),
            [D(2028, 12, 31), D(2028, 2, 29), D(2028, 12, 6), D(2029, 2, 28)],
        ),
        # Past this leap year's 29 February: the next one.
        (
            D(2028, 3, 1),
            [D(2028, 12, 31), D(2032, 2, 29), D(2028, 12, 6), D(2029, 3, 1)],
        ),
    ],
)
def test_awkward_days(today, expected):
    assert awkward.awkward_days(today) == expected
