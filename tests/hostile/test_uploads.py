"""Hostile H5P packages: refused with a translated message, nothing written.

The per-rule cases (zip-slip ``../``, absolute and drive paths, backslashes,
symlink entries, duplicate and case-colliding names, bombs by ratio and by
count, declared and per-file sizes, disallowed extensions in content and
libraries, lying headers, broken JSON) live next to the validator in
tests/h5p/test_validation.py; xAPI and state payloads (wrong user or attempt,
bad token, score above max or negative, huge bodies) in
tests/h5p/test_endpoints.py. This file adds what they do not cover.
"""

from __future__ import annotations

import pytest

from tests.h5p.helpers import good_members, zip_bytes
from tests.h5p.test_validation import assert_refused

pytestmark = pytest.mark.django_db


def _good() -> bytes:
    return zip_bytes(good_members())


@pytest.mark.parametrize(
    "data,fragment",
    [
        (lambda: _good()[: len(_good()) // 2], "ZIP"),
        (lambda: _good()[:-10], "ZIP"),
        (lambda: b"", "ZIP"),
        (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "ZIP"),
        (lambda: b"\x89PNG\r\n\x1a\n" + bytes(64), "ZIP"),
        (lambda: b"<html><script>alert(1)</script></html>", "ZIP"),
    ],
    ids=[
        "truncated-half",
        "truncated-end-record",
        "empty",
        "pdf-named-h5p",
        "png-named-h5p",
        "html-named-h5p",
    ],
)
def test_broken_or_disguised_package(data, fragment):
    assert_refused(data(), fragment)


@pytest.mark.parametrize(
    "filename", ["bai-tap.zip", "bai-tap.h5p.exe", "bai-tap", "bai-tap.H5P.php"]
)
def test_wrong_file_name(filename):
    assert_refused(_good(), ".h5p", filename=filename)


def test_truncated_member_inside_a_valid_directory():
    """The central directory is intact but a member's bytes are cut short."""
    data = bytearray(_good())
    index = data.find(b"content/content.json")
    # Corrupt the compressed bytes right after the first local header name.
    start = index + len("content/content.json")
    data[start : start + 8] = b"\x00" * 8
    assert_refused(bytes(data), "")
