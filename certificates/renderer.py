"""Certificate PDFs from HTML, in a process that does not load the platform.

No Django here: this module is imported by the renderer process
(``python -m certificates.renderer FONT_DIR``), which holds only WeasyPrint
and its text stack (~60 MiB resident instead of the ~160 MiB of a worker
that also carries Django, Wagtail and every app). The Django side
(:mod:`certificates.pdf`) builds the HTML and the stylesheet as strings;
:mod:`certificates.renderer_client` sends them here over a pipe and reads
the PDF back. :func:`render_pdf` is also called in-process when the setting
``CERTIFICATE_PDF_RENDERER`` is ``"inline"``.

One ``FontConfiguration`` per process, passed to the HTML and to every
stylesheet: a new one per document costs time and leaks memory, and fonts
declared in a stylesheet rendered without it are silently dropped. Nothing is
fetched over the network: fonts are local files in the font directory,
images are inlined as data: URLs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
import sys
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from certificates.renderer_client import FIT_FACTORS, read_frame, rss_kib, write_frame

_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """The process's one font configuration (created on first use)."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


class LocalOnlyFetcher(URLFetcher):
    """Fetches data: URLs and the files of the font directory, nothing else."""

    def __init__(self, font_dir: str | Path):
        super().__init__(allowed_protocols={"file", "data"})
        self.font_dir = Path(font_dir).resolve()

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if path.parent != self.font_dir:
                raise ValueError(f"Refusing to read {url!r} for a certificate")
        return super().fetch(url, headers)


# Compiled stylesheets by their text: a handful (one per page size and
# orientation), each holding the fonts it declares.
_STYLESHEETS: dict[tuple[str, str], CSS] = {}


def _stylesheet(css: str, font_dir: str) -> CSS:
    key = (css, font_dir)
    if key not in _STYLESHEETS:
        if len(_STYLESHEETS) >= 16:
            _STYLESHEETS.clear()
        _STYLESHEETS[key] = CSS(
            string=css,
            font_config=font_config(),
            url_fetcher=LocalOnlyFetcher(font_dir),
        )
    return _STYLESHEETS[key]


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


# Space kept between the end of the text and the top of the footer.
FIT_GAP_PX = 6  # CSS pixels (1.6 mm)


def runs_into_footer(page) -> bool:
    """Whether the text ends lower than the footer's top on this page.

    The template marks the end of its text (``id="end-of-text"``) and the
    footer's two blocks (``id="footer"``, ``id="verify"``); WeasyPrint gives
    each marked box's top-left corner in ``page.anchors``.
    """
    anchors = page.anchors
    if "end-of-text" not in anchors:
        return False
    footer = min(anchors[name][1] for name in ("footer", "verify") if name in anchors)
    return anchors["end-of-text"][1] > footer - FIT_GAP_PX


def layout(html: str, css: str, font_dir: str | Path):
    """``(document, step)``: the certificate laid out at full size (step 0),
    or, while its text runs into the footer, with the smaller sizes of
    ``<body class="fit-1">``, ``"fit-2"``… (``FIT_FACTORS``,
    certificate.css). A certificate that fits, as most do, is laid out once.
    """
    font_dir = str(font_dir)
    sheets = [_stylesheet(css, font_dir)]
    for step in range(len(FIT_FACTORS) + 1):
        source = (
            html
            if step == 0
            else html.replace("<body>", f'<body class="fit-{step}">', 1)
        )
        document = HTML(
            string=source,
            base_url=Path(font_dir).as_uri(),
            url_fetcher=LocalOnlyFetcher(font_dir),
        ).render(stylesheets=sheets, font_config=font_config())
        if len(document.pages) == 1 and not runs_into_footer(document.pages[0]):
            break
    return document, step


def render_pdf(html: str, css: str, font_dir: str | Path) -> bytes:
    """One HTML document and its stylesheet to PDF bytes."""
    document, _step = layout(html, css, font_dir)
    pdf = document.write_pdf()
    del document
    release_native_memory()
    return pdf


def serve(font_dir: str, requests, responses) -> int:
    """Answer requests until the other end closes the pipe.

    A request is one frame of JSON ``{"html": …, "css": …}``; the answer is
    a frame of JSON ``{"ok": true, "rss_kib": …}`` (or ``{"ok": false,
    "error": …}``) followed by a frame holding the PDF (empty on error).
    """
    while True:
        frame = read_frame(requests)
        if frame is None:
            return 0
        try:
            request = json.loads(frame)
            pdf = render_pdf(request["html"], request["css"], font_dir)
            header = {"ok": True}
        except Exception as exc:  # noqa: BLE001 - reported to the caller, which raises
            pdf = b""
            header = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        header["rss_kib"] = rss_kib(os.getpid())
        write_frame(responses, json.dumps(header).encode())
        write_frame(responses, pdf)
        responses.flush()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m certificates.renderer FONT_DIR\n")
        return 2
    # The protocol owns the original stdout; anything else written to file
    # descriptor 1 (a library's warning) goes to stderr instead of
    # corrupting it.
    responses = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # WeasyPrint's modules are loaded: keep the garbage collector from
    # walking them again on every collection of a page's objects.
    gc.freeze()
    return serve(argv[0], sys.stdin.buffer, responses)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
