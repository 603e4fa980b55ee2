"""Run only by tests/clock/test_today_option.py, in a pytest of its own with
``--today``: it prints the clock as the code under test reads it. The file
name does not match ``test_*.py``, so the suite never collects it itself."""

import datetime
import sys
import time

from django.utils import timezone


def test_print_the_clock():
    clock = [
        timezone.localtime().isoformat(),
        timezone.localdate().isoformat(),
        datetime.date.today().isoformat(),
        str(int(time.time())),
    ]
    sys.stdout.write("CLOCK " + " ".join(clock) + "\n")
