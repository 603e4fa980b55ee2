"""``pytest --today=YYYY-MM-DD[THH:MM]`` moves the clock of a whole run: the
code under test reads that day (Django's and Python's clocks alike), starting
at 10:00 Vietnam time unless a time is given, and the clock keeps ticking."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import shifted_start

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("probe_today.py")
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def probe(today: str) -> list[str]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(PROBE),
            f"--today={today}",
            "-p",
            "no:xdist",
            "-q",
            "-s",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [ln for ln in result.stdout.splitlines() if "CLOCK" in ln]
    return line.split("CLOCK", 1)[1].split()


def test_a_day_starts_at_ten_in_vietnam():
    assert shifted_start("2028-02-29") == datetime.datetime(
        2028, 2, 29, 10, 0, tzinfo=VN
    )
    assert shifted_start("2026-12-31T23:30") == datetime.datetime(
        2026, 12, 31, 23, 30, tzinfo=VN
    )


@pytest.mark.parametrize(
    ("today", "local_day"),
    [
        ("2028-02-29", "2028-02-29"),
        # 23:30 in Vietnam is 16:30 UTC: Django's day is Vietnam's.
        ("2026-12-31T23:30", "2026-12-31"),
        ("2027-01-01T00:30", "2027-01-01"),
    ],
)
def test_the_whole_run_reads_the_day_given(today, local_day):
    moment, local, machine, epoch = probe(today)
    start = shifted_start(today)
    # The clock ticks from the start: a run takes seconds, not hours.
    seen = datetime.datetime.fromisoformat(moment)
    assert datetime.timedelta(0) <= seen - start < datetime.timedelta(minutes=2)
    assert local == local_day
    assert abs(int(epoch) - start.timestamp()) < 120
    # Python's own clock moved too (date.today() is the machine's zone).
    assert machine == datetime.date.fromtimestamp(int(epoch)).isoformat()
