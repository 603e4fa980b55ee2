"""Certificate PDFs from HTML, in a process that does not load the platform.

No Django here: this module is imported by the renderer process
(``python -m certificates.renderer FONT_DIR``), which holds only WeasyPrint
and its text stack (~60 MiB resident instead of the ~160 MiB of a worker
that also carries Django, Wagtail and every app). The Django side
(:mod:`certificates.pdf`) builds the HTML and the stylesheet as strings;
:mod:`certificates.renderer_client` sends them here over a pipe and reads
the PDF back. :func:`render_pdf` is also called in-process when the setting
``CERTIFICATE_PDF_RENDERER`` is ``"inline"``.

WeasyPrint is driven through :mod:`elearning.pdf`, as every PDF of the
platform: one font configuration per process, nothing fetched over the
network (fonts are local files in the font directory, images are inlined as
data: URLs).
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

from certificates.renderer_client import FIT_FACTORS, read_frame, rss_kib, write_frame
from elearning.pdf import document as pdf_document
from elearning.pdf import release_native_memory, stylesheet

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
    sheets = [stylesheet(css, font_dir)]
    for step in range(len(FIT_FACTORS) + 1):
        source = (
            html
            if step == 0
            else html.replace("<body>", f'<body class="fit-{step}">', 1)
        )
        document = pdf_document(source, stylesheets=sheets, font_dir=font_dir)
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
