"""Build H5P packages in memory for tests."""

from __future__ import annotations

import io
import json
import stat
import zipfile

from courses.h5p.content_types import (
    build_true_false_package,
    library_files,
    true_false_h5p_json,
)
from courses.h5p.services import package_import

QUESTIONS = [
    ("Mật khẩu mạnh có ít nhất 12 ký tự.", True),
    ("Có thể gửi mật khẩu qua tin nhắn cho đồng nghiệp.", False),
]


def good_members(title: str = "Bài tập thử") -> dict[str, bytes]:
    content = {"questions": [{"text": t, "correct": c} for t, c in QUESTIONS]}
    members = {
        "h5p.json": json.dumps(true_false_h5p_json(title)).encode(),
        "content/content.json": json.dumps(content).encode(),
    }
    members.update(library_files())
    return members


def zip_bytes(members, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """``members``: a dict name → bytes, or a list of (name or ZipInfo, bytes)."""
    items = members.items() if isinstance(members, dict) else members
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return buffer.getvalue()


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def import_bytes(data: bytes, *, filename: str = "bai-tap.h5p", **kwargs):
    return package_import(
        fileobj=io.BytesIO(data), filename=filename, size=len(data), **kwargs
    )


def true_false_package(title: str = "Bài tập thử") -> bytes:
    return build_true_false_package(title=title, questions=QUESTIONS)


REAL = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "h5p-real"


def real_content(name: str) -> tuple[dict, dict]:
    """(h5p.json, content/content.json) of a package of the corpus."""
    with zipfile.ZipFile(REAL / f"{name}.h5p") as zf:
        return (
            json.loads(zf.read("h5p.json").decode("utf-8-sig")),
            json.loads(zf.read("content/content.json").decode("utf-8-sig")),
        )


def real_package(name: str) -> bytes:
    """A package of the corpus, as H5P exported it."""
    return (REAL / f"{name}.h5p").read_bytes()
