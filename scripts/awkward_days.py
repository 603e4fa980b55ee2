"""Print the days the unit tests run again on (``make test-shifted``).

Counted from today in Vietnam: 31 December of this year (the year's last
day, the yearly report), the next 29 February, the day after the next
5 December (the report's due day just passed) and the same day a year ahead.
"""

from __future__ import annotations

import calendar
import datetime
import sys
import zoneinfo


def awkward_days(today: datetime.date) -> list[datetime.date]:
    leap = next(y for y in range(today.year, today.year + 5) if calendar.isleap(y))
    if datetime.date(leap, 2, 29) < today:
        leap = next(y for y in range(leap + 1, leap + 9) if calendar.isleap(y))
    after_due = datetime.date(today.year, 12, 6)
    if after_due < today:
        after_due = after_due.replace(year=today.year + 1)
    try:
        year_ahead = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        year_ahead = today.replace(year=today.year + 1, day=28)
    return [
        datetime.date(today.year, 12, 31),
        datetime.date(leap, 2, 29),
        after_due,
        year_ahead,
    ]


if __name__ == "__main__":
    now = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    sys.stdout.write(" ".join(d.isoformat() for d in awkward_days(now.date())) + "\n")
