"""Dependencies between the apps go one way (docs/architecture.md, "Which
app asks which"): certificates ask quizzes, courses and attendance; quizzes
ask courses; courses (with attendance and H5P) and people ask none of those
above them. Where a lower app needs something an upper one keeps, the upper
one registers it at start-up (completion rules, report figures, the sign-in
sheet's organiser)."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (package, its folder, the packages it must not import)
RULES = [
    ("courses.attendance", "courses/attendance", ("certificates", "quizzes")),
    ("courses.h5p", "courses/h5p", ("certificates", "quizzes")),
    ("courses", "courses", ("certificates", "quizzes")),
    ("quizzes", "quizzes", ("certificates",)),
    ("elearning.people", "elearning/people", ("certificates", "quizzes", "courses")),
]


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function,
    relative imports resolved against ``package`` (its dotted name)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def offending_imports(
    folder: str, forbidden: tuple[str, ...], *, root: Path = ROOT
) -> list[str]:
    found = []
    for path in sorted((root / folder).rglob("*.py")):
        relative = path.relative_to(root)
        package = ".".join(relative.parent.parts)
        for name in sorted(imported_modules(path, package)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{relative}: {name}")
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [(folder, forbidden) for _, folder, forbidden in RULES],
    ids=[f"{name} imports no {'/'.join(forbidden)}" for name, _, forbidden in RULES],
)
def test_apps_depend_one_way(folder, forbidden):
    assert offending_imports(folder, forbidden) == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    """The rule would have caught the sign-in sheet asking certificates for
    its organiser from inside a function, as it once did."""
    module = tmp_path / "courses" / "attendance" / "documents.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "def organiser_on(day):\n"
        "    from certificates.selectors import issuer_on\n"
        "    from ..h5p import selectors\n"
        "    return issuer_on(day)\n",
        encoding="utf-8",
    )
    assert offending_imports(
        "courses/attendance", ("certificates",), root=tmp_path
    ) == [
        "courses/attendance/documents.py: certificates.selectors",
        "courses/attendance/documents.py: certificates.selectors.issuer_on",
    ]
    assert offending_imports("courses", ("courses.h5p",), root=tmp_path) == [
        "courses/attendance/documents.py: courses.h5p",
        "courses/attendance/documents.py: courses.h5p.selectors",
    ]


@pytest.mark.django_db
def test_the_sign_in_sheet_is_headed_by_the_issuer_certificates_keep():
    """Registered by the certificates app at start-up: the body of the day,
    else the report settings' names."""
    from certificates.demo import seed_issuers
    from certificates.models import Issuer
    from courses.attendance.documents import organiser_on
    from elearning.reports import conf

    then, now = seed_issuers()
    assert organiser_on(datetime.date(2024, 11, 5)) == (
        then.issuing_parent,
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    )
    assert organiser_on(datetime.date(2026, 12, 5)) == (
        now.issuing_parent,
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    )
    Issuer.objects.all().delete()
    assert organiser_on(datetime.date(2026, 12, 5)) == (
        "UBND TỈNH ĐỒNG NAI",
        conf.get("REPORTS_PROVINCE_ISSUER"),
    )
