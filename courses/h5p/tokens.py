"""Signed, expiring embed tokens: who plays which content version in which
attempt (and for which course). The content origin has no session: the token
is the only credential its routes accept."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "courses.h5p.embed"


@dataclass(frozen=True)
class EmbedGrant:
    learner_id: int
    version_id: int
    attempt_id: int
    course_id: int | None


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def token_make(*, attempt, course=None) -> str:
    payload = {
        "l": attempt.learner_id,
        "v": attempt.version_id,
        "a": attempt.pk,
        "c": course.pk if course is not None else None,
    }
    return _signer().sign_object(payload, compress=False)


def token_read(token: str) -> EmbedGrant | None:
    """The grant, or None if the token is forged, altered or expired."""
    try:
        data = _signer().unsign_object(
            token, max_age=getattr(settings, "H5P_TOKEN_MAX_AGE", 6 * 3600)
        )
        return EmbedGrant(int(data["l"]), int(data["v"]), int(data["a"]), data.get("c"))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
