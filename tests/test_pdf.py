"""Every PDF goes through ``elearning.pdf``: one font configuration per
process, and no file read outside the font directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from elearning import pdf

FONT_DIR = "/usr/share/fonts/truetype/noto"
HTML = "<html><body><p>Giấy chứng nhận – Nguyễn Thị Ánh</p></body></html>"
CSS = (
    "@font-face { font-family: T; "
    f'src: url("file://{FONT_DIR}/NotoSerif-Regular.ttf"); }}'
    " body { font-family: T; }"
)


def test_one_font_configuration_for_every_document(monkeypatch):
    import weasyprint

    seen = []
    original = weasyprint.HTML.render

    def spy(self, *args, **kwargs):
        seen.append(kwargs.get("font_config"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", spy)
    first = pdf.render_pdf(HTML, css=CSS, font_dir=FONT_DIR)
    second = pdf.render_pdf(HTML)
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert seen == [pdf.font_config(), pdf.font_config()]
    assert seen[0] is not None
    assert pdf.stylesheet(CSS, FONT_DIR) is pdf.stylesheet(CSS, FONT_DIR)


def test_nothing_read_outside_the_font_directory():
    fetcher = pdf.LocalOnlyFetcher(FONT_DIR)
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/font.ttf")
    with pytest.raises(ValueError):
        pdf.LocalOnlyFetcher().fetch(f"file://{FONT_DIR}/NotoSerif-Regular.ttf")


def test_no_other_module_drives_weasyprint():
    """The certificate renderer, the yearly report and the sign-in sheet all
    render through elearning.pdf; none makes a font configuration or calls
    WeasyPrint itself."""
    root = Path(__file__).resolve().parent.parent
    direct = re.compile(r"FontConfiguration\(|\bHTML\(|\bCSS\(|write_pdf\(font_config")
    offenders = [
        str(path.relative_to(root))
        for package in ("elearning", "courses", "quizzes", "certificates")
        for path in (root / package).rglob("*.py")
        if "migrations" not in path.parts
        and path != root / "elearning" / "pdf.py"
        and direct.search(path.read_text())
    ]
    assert offenders == []
    users = [
        name
        for name in (
            "certificates/renderer.py",
            "elearning/reports/yearly.py",
            "courses/attendance/documents.py",
        )
        if "elearning.pdf" in (root / name).read_text()
    ]
    assert len(users) == 3


def test_the_package_loads_without_django():
    """The certificate renderer process imports elearning.pdf and must not
    carry Django (tests/certificates/test_renderer.py checks the process)."""
    import subprocess
    import sys

    modules = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", "import elearning.pdf, sys; print(*sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout.split()
    assert not [m for m in modules if m.split(".")[0] in {"django", "celery"}]
