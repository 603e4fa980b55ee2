"""The platform's own H5P content types, and packages built from them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRUE_FALSE = "H5P.ElearningTrueFalse-1.0"


def library_files(folder: str = TRUE_FALSE) -> dict[str, bytes]:
    root = HERE / folder
    return {
        f"{folder}/{path.relative_to(root).as_posix()}": path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def true_false_h5p_json(title: str) -> dict:
    return {
        "title": title,
        "language": "vi",
        "mainLibrary": "H5P.ElearningTrueFalse",
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {
                "machineName": "H5P.ElearningTrueFalse",
                "majorVersion": 1,
                "minorVersion": 0,
            }
        ],
    }


def build_true_false_package(
    *, title: str, questions: list[tuple[str, bool]], intro: str = ""
) -> bytes:
    """An .h5p package (bytes) of the true/false content type with its library."""
    content = {
        "title": intro,
        "questions": [
            {"text": text, "correct": correct} for text, correct in questions
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "h5p.json", json.dumps(true_false_h5p_json(title), ensure_ascii=False)
        )
        zf.writestr("content/content.json", json.dumps(content, ensure_ascii=False))
        for name, data in library_files().items():
            zf.writestr(name, data)
    return buffer.getvalue()
