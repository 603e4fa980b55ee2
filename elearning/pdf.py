"""Every PDF the platform makes, through WeasyPrint with one font
configuration per process.

Certificates (:mod:`certificates.renderer`, in a process of its own), the
yearly report (:mod:`elearning.reports.yearly`) and the sign-in sheet
(:mod:`courses.attendance.documents`) all render here. No Django: the
certificate renderer process imports this module and must stay small
(``tests/certificates/test_renderer.py``).

One ``FontConfiguration`` per process, passed to the HTML and to every
stylesheet: a new one per document costs time (86 ms instead of 30–50 ms a
certificate) and leaks memory, and fonts declared in a stylesheet compiled
without it are silently dropped. Nothing is fetched over the network: fonts
are local files in the font directory, images are inlined as data: URLs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Sequence
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """The process's one font configuration (created on first use)."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


class LocalOnlyFetcher(URLFetcher):
    """Fetches data: URLs and the files of the font directory, nothing else
    (no file at all without one)."""

    def __init__(self, font_dir: str | Path | None = None):
        super().__init__(allowed_protocols={"file", "data"})
        self.font_dir = Path(font_dir).resolve() if font_dir else None

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if self.font_dir is None or path.parent != self.font_dir:
                raise ValueError(f"Refusing to read {url!r} for a PDF")
        return super().fetch(url, headers)


# Compiled stylesheets by their text: a handful (one per document kind, page
# size and orientation), each holding the fonts it declares.
_STYLESHEETS: dict[tuple[str, str | None], CSS] = {}


def stylesheet(css: str, font_dir: str | Path | None = None) -> CSS:
    """``css`` compiled with the one font configuration (kept, by text)."""
    key = (css, str(font_dir) if font_dir else None)
    if key not in _STYLESHEETS:
        if len(_STYLESHEETS) >= 16:
            _STYLESHEETS.clear()
        _STYLESHEETS[key] = CSS(
            string=css,
            font_config=font_config(),
            url_fetcher=LocalOnlyFetcher(font_dir),
        )
    return _STYLESHEETS[key]


def document(
    html: str,
    *,
    stylesheets: Sequence[CSS] = (),
    font_dir: str | Path | None = None,
):
    """``html`` laid out (a WeasyPrint document: its pages can be looked at
    before writing). Relative links resolve in the font directory."""
    return HTML(
        string=html,
        base_url=Path(font_dir).as_uri() if font_dir else None,
        url_fetcher=LocalOnlyFetcher(font_dir),
    ).render(stylesheets=list(stylesheets), font_config=font_config())


def render_pdf(
    html: str, *, css: str = "", font_dir: str | Path | None = None
) -> bytes:
    """One HTML document (and a stylesheet of its own, if any) to PDF bytes.

    ``font_dir`` is the only directory the document may read files from."""
    sheets = [stylesheet(css, font_dir)] if css else []
    pdf = document(html, stylesheets=sheets, font_dir=font_dir).write_pdf()
    release_native_memory()
    return pdf


def _load_malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _load_malloc_trim()


def release_native_memory() -> None:
    """Give the C heap's free pages back to the system (glibc only).

    Pango, HarfBuzz and fontconfig allocate and free many small blocks per
    page; glibc keeps the freed ones mapped, so resident memory crept up
    ~0.3 MiB a page. Trimming after each page costs ~0.05 ms.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
