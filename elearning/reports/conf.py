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
    # The province dashboard's figures (elearning/reports/snapshots.py):
    # beat computes them again every REFRESH seconds; a page never shows
    # figures older than MAX_AGE seconds (it computes them itself); periods
    # other than the current year are kept fresh for KEEP_WARM seconds after
    # the dashboard last showed them.
    "REPORTS_FIGURES_REFRESH": 300,
    "REPORTS_FIGURES_MAX_AGE": 900,
    "REPORTS_FIGURES_KEEP_WARM": 3600,
    "REPORTS_FONT_DIR": "/usr/share/fonts/truetype/noto",
    # The province's body comes from the issuers kept in the admin
    # (certificates.Issuer, by date); these names stand in when none is.
    "REPORTS_PROVINCE_ISSUER": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "REPORTS_PROVINCE_ABBR": "SKHCN",
    # A district's report (records before 01/07/2025) and a commune's or
    # ward's (the office in charge of culture and information since then).
    "REPORTS_DISTRICT_ISSUER": "PHÒNG VĂN HÓA VÀ THÔNG TIN",
    "REPORTS_DISTRICT_ABBR": "VHTT",
    "REPORTS_COMMUNE_ISSUER": "PHÒNG VĂN HÓA - XÃ HỘI",
    "REPORTS_COMMUNE_ABBR": "VHXH",
}
