"""The register book (sổ cấp giấy chứng nhận) of one issuing body or unit
and year, as XLSX."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from elearning.spreadsheets import XlsxBook

from .models import Certificate
from .text import short_date


def register_xlsx(
    *, rows, book: str, year: int, with_date_of_birth: bool = False
) -> bytes:
    """Write the book (constant memory, however many certificates).

    Each row names the issuer the certificate was issued by, as issued (its
    pinned revision, read once per revision). The birth date column is there
    only ``with_date_of_birth`` (an issuer of the book prints it), and a row
    shows it only if its issuer, as issued, prints it."""
    workbook = XlsxBook()
    widths = (8, 22, 28, *((12,) if with_date_of_birth else ()), 40, 12, 16, 40, 40)
    sheet = workbook.sheet(year, widths=widths)
    title = _("SỔ CẤP GIẤY CHỨNG NHẬN – %(unit)s – NĂM %(year)s") % {
        "unit": book.upper(),
        "year": year,
    }
    sheet.title(title)
    header = [
        _("Số vào sổ"),
        _("Số giấy chứng nhận"),
        _("Họ và tên"),
        *([_("Ngày sinh")] if with_date_of_birth else []),
        _("Khóa học"),
        _("Ngày cấp"),
        _("Trạng thái"),
        _("Thu hồi"),
        _("Cơ quan cấp"),
    ]
    issuers: dict[int | None, tuple[str, bool]] = {}
    sheet.header(header)
    for certificate in rows:
        revocation = ""
        if not certificate.is_valid:
            # The register is for staff: the category and the free text.
            revocation = _("%(date)s: %(category)s – %(reason)s") % {
                "date": short_date(timezone.localdate(certificate.revoked_at)),
                "category": certificate.get_revocation_category_display()
                or Certificate.RevocationCategory.OTHER.label,
                "reason": certificate.revocation_reason,
            }
            if hasattr(certificate, "replaced_by"):
                revocation += " " + _("(cấp lại số %(n)s)") % {
                    "n": certificate.replaced_by.number
                }
        key = certificate.issuer_revision_id
        if key is None or key not in issuers:
            as_issued = certificate.issuer_as_issued()
            issuers[key] = (as_issued.line, as_issued.print_date_of_birth)
        issuer_line, prints_birth = issuers[key]
        birth = (
            [short_date(certificate.date_of_birth) if prints_birth else ""]
            if with_date_of_birth
            else []
        )
        sheet.row(
            (
                certificate.sequence,
                certificate.number,
                certificate.full_name,
                *birth,
                certificate.course_title,
                short_date(timezone.localdate(certificate.issued_at)),
                certificate.get_status_display(),
                revocation,
                issuer_line,
            )
        )
    return workbook.to_bytes()
