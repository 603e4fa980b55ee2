"""Files embedded in question texts (images and sounds of Moodle XML).

A file is stored once in the platform's media (default storage, under
``quiz-media/``), named by the SHA-256 of its content and the type read
from its first bytes: the same picture imported twice is one file, and a
text that points to it reads the same on every import, so re-importing
changes nothing. Only the types below are kept, whatever the file's name
says (no SVG, HTML or scripts); the URL is under ``MEDIA_URL``, which is
what quizzes/formatting.py lets an ``<img>`` show.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

MEDIA_DIR = "quiz-media"
MAX_FILE_BYTES = 5 * 1024 * 1024


def media_kind(data: bytes) -> str | None:
    """The extension for ``data`` by its content, or None when not allowed."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data.startswith(b"OggS"):
        return "ogg"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    return None


def media_path(data: bytes, kind: str) -> str:
    return f"{MEDIA_DIR}/{hashlib.sha256(data).hexdigest()[:40]}.{kind}"


def media_url(path: str) -> str:
    return settings.MEDIA_URL + path


def _url_pattern() -> re.Pattern:
    return re.compile(
        re.escape(settings.MEDIA_URL + MEDIA_DIR + "/")
        + r"([0-9a-f]{40}\.(?:png|jpg|gif|webp|wav|ogg|mp3))"
    )


def media_names(text: str) -> list[str]:
    """File names of our media that ``text`` points to, in order, once each."""
    return list(dict.fromkeys(_url_pattern().findall(text)))


def media_replace(text: str, prefix: str) -> str:
    """``text`` with each of our media URLs written ``prefix`` + file name."""
    return _url_pattern().sub(lambda m: prefix + m.group(1), text)


def media_read(name: str) -> bytes | None:
    path = f"{MEDIA_DIR}/{name}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def media_save(files: dict[str, bytes]) -> int:
    """Store files (path → content) not stored yet; returns how many."""
    saved = 0
    for path, data in files.items():
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(data))
            saved += 1
    return saved
