"""Signed, short-lived check-in tokens shown as a QR code.

A token carries the session id and the number of the time slot (30 s by
default) it was made in, signed with the project key and a salt of its own.
It is accepted for ``MAX_AGE_SLOTS`` slots after it was shown; replaying it
is harmless because a learner can check in to a session only once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "courses.attendance.checkin"
MAX_AGE_SLOTS = 2


def slot_seconds() -> int:
    return int(getattr(settings, "ATTENDANCE_QR_SLOT_SECONDS", 30))


def slot_of(now: datetime.datetime) -> int:
    return int(now.timestamp()) // slot_seconds()


def make_token(*, session_id: int, now: datetime.datetime) -> str:
    return signing.dumps({"s": session_id, "t": slot_of(now)}, salt=SALT)


@dataclass(frozen=True)
class TokenPayload:
    session_id: int
    slot: int


class BadToken(Exception):
    """The token was not made by this platform (tampered or garbage)."""


def read_token(token: str) -> TokenPayload:
    try:
        data = signing.loads(token, salt=SALT)
        return TokenPayload(int(data["s"]), int(data["t"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadToken(str(exc)) from exc
