"""Names with HTML/JS: escaped on pages, literal text in the certificate PDF,
inert in spreadsheet exports."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import reauthenticate

pytestmark = pytest.mark.django_db

NAMES = {
    "script": "<script>alert('xss')</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "formula": '=HYPERLINK("http://example.invalid","<b>Bấm</b>")',
}


@pytest.fixture(params=NAMES.values(), ids=NAMES.keys())
def hostile_certificate(request, learner, course, template, enrol):
    from certificates.services import certificate_issue

    learner.profile.full_name = request.param
    learner.profile.save()
    enrol(learner, course, 85)
    return request.param, certificate_issue(learner=learner, course=course)


def _raw_markup_absent(html: str, name: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert "<b>Bấm</b>" not in html


def test_pages_escape_the_name(client, hostile_certificate, learner, officer):
    name, certificate = hostile_certificate
    client.force_login(learner)
    for url in (
        reverse("certificates:list"),
        reverse("certificates:detail", args=[certificate.pk]),
        reverse("people:my_data"),
    ):
        html = client.get(url).content.decode()
        _raw_markup_absent(html, name)
    public = client.get(reverse("certificates:verify_token", args=[certificate.token]))
    html = public.content.decode()
    _raw_markup_absent(html, name)
    assert "&lt;" in html or "&quot;" in html or "=HYPERLINK" in html


def test_pdf_holds_the_name_as_literal_text(hostile_certificate):
    from certificates.pdf import render_certificate_pdf

    name, certificate = hostile_certificate
    pdf = render_certificate_pdf(certificate)
    text = unicodedata.normalize(
        "NFC", PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    )
    # The markup is printed as characters, not interpreted (no bold, no image).
    # (The name line is set in capitals by the stylesheet.)
    squashed = "".join(text.split()).casefold()
    assert "".join(name.split()).casefold() in squashed


def test_register_book_xlsx_keeps_the_name_inert(
    client, hostile_certificate, officer, units
):
    name, certificate = hostile_certificate
    client.force_login(officer)
    reauthenticate(client)
    response = client.get(
        reverse("certificates:register"),
        {"issuer": certificate.issuer_id, "year": certificate.series.year},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    cells = [v for v in values if isinstance(v, str) and name.lstrip("=") in v]
    assert cells, values
    for value in cells:
        assert not value.startswith(("=", "+", "-", "@"))
