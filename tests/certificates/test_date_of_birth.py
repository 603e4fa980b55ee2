"""A certificate proves a course, not an age: the birth date is kept,
printed and written in the register only where the issuer's legal form
requires it (``Issuer.print_date_of_birth``)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from certificates.pdf import certificate_context
from certificates.register import register_xlsx
from certificates.selectors import register_rows
from certificates.services import certificate_issue, issuer_save

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

BIRTH = datetime.date(1985, 3, 7)


def _sheet(issuer, admin, rows_year, **kwargs):
    rows = register_rows(user=admin, issuer=issuer, year=rows_year)
    content = register_xlsx(
        rows=rows,
        book=issuer.issuing_body,
        year=rows_year,
        with_date_of_birth=rows.filter(issuer__print_date_of_birth=True).exists(),
    )
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_by_default_the_birth_date_is_neither_kept_nor_printed(
    issued, issuers, province_admin
):
    assert issued.date_of_birth is None
    context = certificate_context(issued)
    assert context["print_date_of_birth"] is False
    assert "07/03/1985" not in " ".join(str(p) for p in context["paragraphs"])
    year = issued.issued_at.year
    header, first = _sheet(issuers["SKHCN"], province_admin, year)[1:3]
    assert "Ngày sinh" not in header
    assert "07/03/1985" not in first


def test_an_issuer_whose_form_requires_it_keeps_and_prints_it(
    learner, course, template, enrol, issuers, province_admin
):
    skhcn = issuers["SKHCN"]
    skhcn.print_date_of_birth = True
    issuer_save(issuer=skhcn)
    learner.profile.date_of_birth = BIRTH
    learner.profile.save()
    enrol(learner, course, 85)
    certificate = certificate_issue(learner=learner, course=course)
    assert certificate.date_of_birth == BIRTH
    assert certificate_context(certificate)["print_date_of_birth"] is True
    header, first = _sheet(skhcn, province_admin, certificate.issued_at.year)[1:3]
    column = header.index("Ngày sinh")
    assert first[column] == "07/03/1985"
