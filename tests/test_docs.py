"""The documentation describes the code as it is: every environment variable
the settings read is in the README's table, and every module is named in
docs/architecture.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Named once for every app in docs/architecture.md ("Every module").
EVERY_APP_HAS = {
    "__init__.py",
    "apps.py",
    "urls.py",
    "forms.py",
    "wagtail_hooks.py",
    "demo.py",
    "loaddata.py",
}


def _variables_read() -> set[str]:
    sources = [
        *(ROOT / "elearning" / "settings").glob("*.py"),
        ROOT / "gunicorn.conf.py",
    ]
    found = set()
    for path in sources:
        text = path.read_text()
        found |= set(re.findall(r"\benv\.\w+\(\s*\"([A-Z0-9_]+)\"", text))
        found |= set(re.findall(r"os\.environ(?:\.get)?[(\[]\s*\"([A-Z0-9_]+)\"", text))
        found |= set(re.findall(r"os\.environ\.setdefault\(\s*\"([A-Z0-9_]+)\"", text))
    return found


def test_every_environment_variable_is_documented():
    variables = _variables_read()
    assert {"SECRET_KEY", "GUNICORN_WORKERS", "SECURE_HSTS_SECONDS"} <= variables
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert sorted(v for v in variables if f"`{v}`" not in table) == []


def test_every_module_is_in_the_architecture_page():
    page = (ROOT / "docs" / "architecture.md").read_text()
    missing = []
    for package in ("elearning", "courses", "quizzes", "certificates"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if {"migrations", "management", "settings", "formats"} & set(parts):
                continue
            if path.name in EVERY_APP_HAS or "content_types" in parts:
                continue
            if f"{path.name}`" not in page and f"{path.stem}`" not in page:
                missing.append("/".join(parts))
    assert sorted(missing) == []
