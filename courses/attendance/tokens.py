"""Signed, short-lived check-in tokens shown as a QR code.

A token carries the session id and the number of the time slot it was made
in, signed with the project key and a salt of its own. The trainer's screen
shows a new one every slot (``ATTENDANCE_QR_ROTATE_SECONDS``, 20 s by
default); a token is refused once it is two rotations old
(``MAX_AGE_SLOTS``), so a link forwarded out of the room soon stops working.

A learner who opens the link while it is fresh but must sign in first would
otherwise be too late: the moment a visitor first presents a token is noted
in their Django session (``note_first_seen``), before sign-in — Django keeps
a session's data when login gives it a new key — and the service judges the
token at that moment (``services.attendance_check_in``). The note lives on
the server (database-backed sessions), so a visitor cannot write it, and it
belongs to one browser: the same link opened later elsewhere is judged when
it is opened there. Replaying a token is harmless because a learner can
check in to a session only once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "courses.attendance.checkin"
# Accepted in the slot it was made in and the next one: refused once the
# code on the screen has rotated twice since.
MAX_AGE_SLOTS = 1
# Where the first presentation of each token is noted in the visitor's
# session, and how many tokens are remembered there.
SEEN_SESSION_KEY = "attendance_qr_seen"
SEEN_KEEP = 20


def slot_seconds() -> int:
    return int(getattr(settings, "ATTENDANCE_QR_ROTATE_SECONDS", 20))


def confirm_seconds() -> int:
    """How long after opening a fresh link the learner may still confirm
    (signing in first takes a while)."""
    return int(getattr(settings, "ATTENDANCE_QR_CONFIRM_SECONDS", 600))


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


def note_first_seen(
    store, *, session_id: int, token: str, now: datetime.datetime
) -> datetime.datetime | None:
    """Note in ``store`` (the visitor's Django session) the first moment
    this token was presented, and return that moment.

    Only a token signed by us for ``session_id`` is noted (``None``
    otherwise); presenting it again never moves the moment.
    """
    try:
        payload = read_token(token)
    except BadToken:
        return None
    if payload.session_id != session_id:
        return None
    key = f"{payload.session_id}:{payload.slot}"
    seen = dict(store.get(SEEN_SESSION_KEY) or {})
    if key not in seen:
        seen[key] = now.timestamp()
        # Keep the latest few: a visitor never needs more.
        seen = dict(sorted(seen.items(), key=lambda item: item[1])[-SEEN_KEEP:])
        store[SEEN_SESSION_KEY] = seen
    return datetime.datetime.fromtimestamp(seen[key], tz=datetime.UTC)
