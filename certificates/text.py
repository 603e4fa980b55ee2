"""Wording rules of Vietnamese administrative documents used on certificates."""

from __future__ import annotations

import datetime
import secrets

from django.utils.translation import gettext as _

# Crockford-like: no 0/O, 1/I/L, so a code read aloud or typed from paper
# cannot be mistyped into another valid one.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 10


def document_date(day: datetime.date, place: str = "") -> str:
    """ "Đồng Nai, ngày 05 tháng 12 năm 2026".

    Decree 30/2020/NĐ-CP, appendix I: days below 10 and the months 1 and 2
    are written with a leading zero (so "ngày 05 tháng 02", but "tháng 3").
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }
    return f"{place}, {text}" if place else text


def short_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def new_token() -> str:
    """A verification token: 24 random bytes, 192 bits, URL-safe (32 chars)."""
    return secrets.token_urlsafe(24)


def new_short_code() -> str:
    """XXXXX-XXXXX from an unambiguous alphabet (31^10 ≈ 2^49.5)."""
    chars = "".join(
        secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH)
    )
    return f"{chars[:5]}-{chars[5:]}"


def normalize_short_code(text: str) -> str:
    """Forgive case, spaces and a missing dash when a person types a code."""
    chars = "".join(c for c in text.upper() if c.isalnum())
    if len(chars) != SHORT_CODE_LENGTH or any(
        c not in SHORT_CODE_ALPHABET for c in chars
    ):
        return ""
    return f"{chars[:5]}-{chars[5:]}"
