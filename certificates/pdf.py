"""Certificate PDFs: the HTML and stylesheet built here, the PDF elsewhere.

This module is the Django side: it renders the HTML template (the QR code
inlined as a data: URL) and the stylesheet (with the ``@font-face`` rules
of the local font files and the issuer's seal as a data: URL) to two
strings. WeasyPrint turns them into a PDF in :mod:`certificates.renderer`,
which never imports Django:

- ``CERTIFICATE_PDF_RENDERER = "process"`` (the default): in a long-lived
  renderer subprocess per process (:mod:`certificates.renderer_client`),
  so a Celery worker child holds the platform and the renderer holds
  WeasyPrint's text stack, each well under 150 MiB, instead of one process
  holding both (~160–180 MiB). Neither this module nor the client imports
  WeasyPrint.
- ``"inline"``: in this process (WeasyPrint imported on first use).
"""

from __future__ import annotations

import base64
from pathlib import Path
from string import Formatter

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from elearning.numbers import decimal_text
from elearning.qr import qr_data_url

from . import renderer_client
from .models import VERIFY_PATH, Certificate, CertificateTemplate, Issuer
from .text import document_date, short_date

FONT_DIR = Path(
    getattr(settings, "CERTIFICATE_FONT_DIR", "/usr/share/fonts/truetype/noto")
)
FONT_FILES = {
    ("normal", "normal"): "NotoSerif-Regular.ttf",
    ("bold", "normal"): "NotoSerif-Bold.ttf",
    ("normal", "italic"): "NotoSerif-Italic.ttf",
    ("bold", "italic"): "NotoSerif-BoldItalic.ttf",
}


def _font_face_css() -> str:
    rules = []
    for (weight, style), name in FONT_FILES.items():
        url = (FONT_DIR / name).as_uri()
        rules.append(
            "@font-face { font-family: 'Cert Serif'; "
            f"src: url('{url}'); font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


PAPER_MM = {"A4": (210, 297), "A5": (148, 210)}
# Sizes of the certificate's text by paper (certificate.css): the space above
# the title (mm), the title's and the name's font sizes (pt).
TEXT_SIZES = {
    "A4": {"main_top": 8, "h1": 32, "name": 22},
    "A5": {"main_top": 4, "h1": 21, "name": 15},
}


def _fits(size: dict) -> list[dict]:
    """The smaller sizes of each ``fit-N`` step (renderer_client.FIT_FACTORS),
    as CSS numbers (never localized)."""

    def number(value: float) -> str:
        return f"{value:.2f}".rstrip("0").rstrip(".")

    return [
        {
            "step": step,
            "main_top": number(size["main_top"] * factor),
            "h1": number(size["h1"] * factor),
            "name": number(size["name"] * factor),
            "name_top": number(2 * factor),
            "name_bottom": number(3 * factor),
            "text": number(factor),
            "side": number(10 - 3 * step),
        }
        for step, factor in enumerate(renderer_client.FIT_FACTORS, start=1)
    ]


_STYLESHEETS: dict[tuple[str, str], str] = {}


def stylesheet_css(page_size: str, orientation: str) -> str:
    """The certificate's stylesheet, ``@font-face`` rules included."""
    key = (page_size, orientation)
    if key not in _STYLESHEETS:
        short, long = PAPER_MM.get(page_size, PAPER_MM["A4"])
        height = short if orientation == "landscape" else long
        margin = 6 if page_size == "A5" else 9
        size = TEXT_SIZES["A5" if page_size == "A5" else "A4"]
        css = render_to_string(
            "certificates/pdf/certificate.css",
            {
                "page_size": page_size,
                "orientation": orientation,
                "margin": margin,
                "frame_height": height - 2 * margin,
                "size": size,
                "fits": _fits(size),
            },
        )
        _STYLESHEETS[key] = _font_face_css() + css
    return _STYLESHEETS[key]


def qr_png(url: str) -> str:
    """The verification URL as a QR code (error correction M), a data: URL.

    A 1-bit PNG with 4 pixels per module, drawn at the size the stylesheet
    gives it with ``image-rendering: pixelated`` (no smoothing in the PDF):
    it prints and scans exactly as the inline SVG it replaces, and
    WeasyPrint embeds it in ~1 ms where parsing and drawing the SVG path
    (~1,200 path commands) cost ~20 ms of every page.
    """
    return qr_data_url(url, scale=4, quiet_zone=False)


# The seal prints 28 mm high at most (certificate.css): 340 pixels are
# 300 dpi there. It is embedded as this rendition, not as uploaded, and as a
# JPEG on white: WeasyPrint copies a JPEG into the PDF as it is, but decodes
# and compresses a PNG again in every PDF, twice over for one with
# transparency (+10 ms a page for the 340-pixel seal, against +3 ms as a
# JPEG; bench/results/history.md). The seal sits on the white page; only the
# "revoked" mark is drawn over it (certificate.css).
SEAL_RENDITION = "height-340|bgcolor-ffffff|format-jpeg|jpegquality-90"


def _image_data_url(image) -> str:
    if image is None:
        return ""
    try:
        rendition = image.get_rendition(SEAL_RENDITION)
        with rendition.file.open("rb") as handle:
            data = handle.read()
    except OSError:  # the file is gone (Wagtail raises SourceImageIOError)
        return ""
    mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def seal_css(issuer: Issuer) -> str:
    """The issuer's seal as the background of the signer's seal box, a rule
    added to the stylesheet.

    In the stylesheet, not in an ``<img>`` of the HTML: the renderer compiles
    a stylesheet once per text (one per issuer and paper), while it parses
    the HTML of every page, where the seal's ~36 KB ``data:`` URL cost
    ~2 ms (bench/results/history.md, "the seal in the stylesheet")."""
    url = _image_data_url(issuer.signature_image) if issuer.signature_image_id else ""
    if not url:
        return ""
    return (
        f'\n.signer .seal {{ background: url("{url}") center / contain no-repeat; }}\n'
    )


def _paragraphs(template: CertificateTemplate, values: dict) -> list[str]:
    """The body's lines filled in. A line whose placeholders are all empty
    is left out ("Xếp loại: ." for a course with no graded quiz): no label
    without its value on the document."""
    lines = []
    for line in template.body.splitlines():
        names = [name for _t, name, _f, _c in Formatter().parse(line) if name]
        if names and not any(str(values.get(n) or "").strip() for n in names):
            continue
        if text := line.format(**values).strip():
            lines.append(text)
    return lines


# Revisions never change, so a worker keeps the templates it has rebuilt
# from them (a handful: one per course template edit) instead of reading and
# deserialising the revision for every page.
_TEMPLATES: dict[int, CertificateTemplate] = {}


def _template_of(certificate: Certificate) -> CertificateTemplate:
    revision_id = certificate.template_revision_id
    if revision_id is None:
        return CertificateTemplate()
    if revision_id not in _TEMPLATES:
        if len(_TEMPLATES) >= 32:
            _TEMPLATES.clear()
        _TEMPLATES[revision_id] = certificate.template()
    return _TEMPLATES[revision_id]


# Likewise the issuers as issued (one revision per issuer edit).
_ISSUERS: dict[int, Issuer] = {}


def _issuer_of(certificate: Certificate) -> Issuer:
    revision_id = certificate.issuer_revision_id
    if revision_id is None:
        return certificate.issuer
    if revision_id not in _ISSUERS:
        if len(_ISSUERS) >= 32:
            _ISSUERS.clear()
        _ISSUERS[revision_id] = certificate.issuer_as_issued()
    return _ISSUERS[revision_id]


def certificate_context(certificate: Certificate) -> dict:
    template = _template_of(certificate)
    issuer = _issuer_of(certificate)
    issued_on = timezone.localdate(certificate.issued_at)
    values = {
        "ho_ten": certificate.full_name,
        "ngay_sinh": short_date(certificate.date_of_birth)
        if issuer.print_date_of_birth
        else "",
        "don_vi": certificate.agency_name,
        "don_vi_hanh_chinh": certificate.unit_name,
        "khoa_hoc": certificate.course_title,
        "ma_khoa_hoc": certificate.course_code,
        "lop": certificate.training_class_code,
        # 92 and 85,5 as the quiz pages print them, whether the score is
        # the issue's (92) or read back from the record (92.00).
        "diem": "" if certificate.score is None else decimal_text(certificate.score),
        "xep_loai": certificate.grade,
        "tu_ngay": short_date(certificate.started_on or issued_on),
        "den_ngay": short_date(certificate.completed_on or issued_on),
        "so": certificate.number,
    }
    return {
        "certificate": certificate,
        "template": template,
        "issuer": issuer,
        "print_date_of_birth": issuer.print_date_of_birth
        and certificate.date_of_birth is not None,
        "paragraphs": _paragraphs(template, values),
        "date_line": document_date(issued_on, issuer.place_name),
        "qr_url": qr_png(certificate.get_verification_url()),
        "verification_url": certificate.get_verification_url(),
        "verify_form_url": f"{settings.SITE_URL}/{VERIFY_PATH}",
    }


def certificate_html(certificate: Certificate) -> tuple[str, str]:
    """The certificate as an HTML document and its stylesheet (the issuer's
    seal included)."""
    with translation.override("vi"):
        context = certificate_context(certificate)
        template = context["template"]
        html = render_to_string("certificates/pdf/certificate.html", context)
    css = stylesheet_css(template.page_size, template.orientation)
    return html, css + seal_css(context["issuer"])


def render_html(html: str, css: str) -> bytes:
    """PDF bytes of a document, by the renderer the settings choose."""
    if getattr(settings, "CERTIFICATE_PDF_RENDERER", "process") == "inline":
        from .renderer import render_pdf

        return render_pdf(html, css, FONT_DIR)
    return renderer_client.renderer(
        FONT_DIR,
        max_pages=getattr(settings, "CERTIFICATE_RENDERER_MAX_PAGES", 1000),
        max_rss_kib=getattr(settings, "CERTIFICATE_RENDERER_MAX_RSS_KIB", 120 * 1024),
        timeout=getattr(settings, "CERTIFICATE_RENDERER_TIMEOUT", 120),
    ).render(html, css)


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """Render one certificate to PDF bytes (~50–100 ms with warm fonts).

    Raises :class:`certificates.renderer_client.RendererError` when the
    renderer process fails; the calling task's retries apply.
    """
    return render_html(*certificate_html(certificate))


def pdf_filename(certificate: Certificate) -> str:
    safe = certificate.number.replace("/", "-")
    return f"giay-chung-nhan-{safe}.pdf"
