"""Reports settings, each overridable by a Django setting of the same name."""

from __future__ import annotations

from django.conf import settings


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


DEFAULTS = {
    # (month, day) the yearly report is due; units are taken as on that day.
    "REPORTS_YEARLY_DUE": (12, 5),
    # (month, day) officers are reminded, with their draft figures.
    "REPORTS_REMINDER_DATE": (11, 20),
    # Learners who have not completed a course are reminded this many days
    # (or fewer) before its closing date (CoursePage.closes_on), once.
    "REPORTS_COURSE_CLOSING_DAYS": 7,
    "REPORTS_COURSE_CLOSING_REMINDERS": True,
    "REPORTS_FONT_DIR": "/usr/share/fonts/truetype/noto",
    "REPORTS_PROVINCE_ISSUER": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    "REPORTS_PROVINCE_ABBR": "STTTT",
    "REPORTS_DISTRICT_ISSUER": "PHÒNG VĂN HÓA VÀ THÔNG TIN",
    "REPORTS_DISTRICT_ABBR": "VHTT",
}
