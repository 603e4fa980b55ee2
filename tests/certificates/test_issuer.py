"""The issuer follows the law: effective-dated issuers, each certificate
keeps the issuer of its issue date, and the PDF, the verify page and the
register name the same one."""

import datetime
import io
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateSeries, Issuer
from certificates.pdf import render_certificate_pdf
from certificates.selectors import register_rows
from certificates.services import NoIssuer, certificate_issue, issuer_save
from tests.factories import make_person, reauthenticate

pytestmark = pytest.mark.django_db

STTTT = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
SKHCN = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"


def _vietnam(*args) -> datetime.datetime:
    """A moment on Vietnam's clock (UTC+7)."""
    return datetime.datetime(
        *args, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
    )


def _pdf_text(certificate) -> str:
    reader = PdfReader(io.BytesIO(render_certificate_pdf(certificate)))
    text = unicodedata.normalize("NFC", reader.pages[0].extract_text())
    return " ".join(text.split())


def _verify_page(client, certificate) -> str:
    page = client.get(reverse("certificates:verify_token", args=[certificate.token]))
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def person(units, enrol, course):
    """make(n): a Xuân Lộc learner who completed ``course``."""

    def make(n: int):
        learner = make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Học Viên {n}",
            email=f"hv{n}@xuanloc.example.gov.vn",
        )
        enrol(learner, course, 80)
        return learner

    return make


@pytest.mark.parametrize(
    ("moment", "code", "body"),
    [
        (_vietnam(2025, 2, 28, 23, 59), "STTTT", STTTT),
        (_vietnam(2025, 3, 1, 0, 1), "SKHCN", SKHCN),
    ],
    ids=["28-02-2025", "01-03-2025"],
)
def test_issuer_is_the_one_valid_on_the_issue_date(
    person, course, template, time_machine, moment, code, body
):
    time_machine.move_to(moment, tick=False)
    certificate = certificate_issue(learner=person(1), course=course)
    assert certificate.issuer.code == code
    assert certificate.number == f"0001/2025/GCN-{code}"
    assert certificate.issuer_line == f"{body}, UBND TỈNH ĐỒNG NAI"
    assert body in _pdf_text(certificate)


def test_a_new_issuer_changes_new_certificates_only(
    client, person, course, template, issuers, time_machine, province_admin
):
    """The Sở Khoa học và Công nghệ is ended and another body takes over:
    certificates issued before keep naming it everywhere."""
    time_machine.move_to(_vietnam(2026, 6, 1, 9, 0), tick=False)
    old = certificate_issue(learner=person(1), course=course)
    skhcn = issuers["SKHCN"]
    skhcn.valid_to = datetime.date(2026, 6, 30)
    issuer_save(issuer=skhcn, user=province_admin)
    issuer_save(
        issuer=Issuer(
            valid_from=datetime.date(2026, 7, 1),
            issuing_body="SỞ CHUYỂN ĐỔI SỐ",
            code="SCDS",
            signer_name="Lê Thị Mai",
        ),
        user=province_admin,
    )
    time_machine.move_to(_vietnam(2026, 7, 2, 9, 0), tick=False)
    new = certificate_issue(learner=person(2), course=course)

    assert new.number == "0001/2026/GCN-SCDS"
    assert "SỞ CHUYỂN ĐỔI SỐ" in _pdf_text(new)
    assert "Lê Thị Mai" in _pdf_text(new)
    old.refresh_from_db()
    assert old.issuer == skhcn
    printed = _pdf_text(old)
    assert SKHCN in printed and "CHUYỂN ĐỔI SỐ" not in printed
    assert f"{SKHCN}, UBND TỈNH ĐỒNG NAI" in _verify_page(client, old)
    assert "SỞ CHUYỂN ĐỔI SỐ, UBND TỈNH ĐỒNG NAI" in _verify_page(client, new)
    client.force_login(province_admin)
    detail = client.get(reverse("certificates:detail", args=[old.pk]))
    assert f"{SKHCN}, UBND TỈNH ĐỒNG NAI" in detail.content.decode()
    # The register: SKHCN's 2026 book holds the old certificate only.
    reauthenticate(client)
    response = client.get(
        reverse("certificates:register"), {"issuer": skhcn.pk, "year": 2026}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [(r[1], r[7]) for r in rows[2:]] == [
        (old.number, f"{SKHCN}, UBND TỈNH ĐỒNG NAI")
    ]


def test_editing_an_issuer_changes_new_certificates_only(
    client, person, course, template, issuers, province_admin
):
    old = certificate_issue(learner=person(1), course=course)
    skhcn = issuers["SKHCN"]
    before = skhcn.signer_name
    skhcn.signer_name = "Trần Văn Khác"
    skhcn.issuing_body = "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG NAI"
    issuer_save(issuer=skhcn, user=province_admin)
    new = certificate_issue(learner=person(2), course=course)

    assert new.issuer == old.issuer == skhcn
    assert "Trần Văn Khác" in _pdf_text(new)
    printed = _pdf_text(Certificate.objects.get(pk=old.pk))
    assert before in printed and "Trần Văn Khác" not in printed
    assert "TỈNH ĐỒNG NAI, UBND" not in _verify_page(client, old)
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG NAI" in _verify_page(client, new)
    rows = register_rows(user=province_admin, issuer=skhcn, year=new.series.year)
    assert [c.issuer_line for c in rows] == [
        f"{SKHCN}, UBND TỈNH ĐỒNG NAI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG NAI, UBND TỈNH ĐỒNG NAI",
    ]


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [
        (datetime.date(2026, 1, 1), None),
        (datetime.date(2024, 1, 1), datetime.date(2025, 3, 1)),
        (datetime.date(1999, 1, 1), datetime.date(2000, 1, 1)),
    ],
    ids=["inside-the-open-period", "across-the-merger", "last-day-of-another"],
)
def test_overlapping_issuers_are_refused(issuers, valid_from, valid_to):
    issuer = Issuer(
        valid_from=valid_from,
        valid_to=valid_to,
        issuing_body="SỞ KHÁC",
        code="SK",
    )
    with pytest.raises(ValidationError) as info:
        issuer_save(issuer=issuer)
    assert "trùng với cơ quan cấp" in str(info.value)
    assert not Issuer.objects.filter(code="SK").exists()


def test_an_issuer_may_follow_another_on_the_next_day(issuers):
    skhcn = issuers["SKHCN"]
    skhcn.valid_to = datetime.date(2026, 12, 31)
    issuer_save(issuer=skhcn)
    issuer_save(
        issuer=Issuer(
            valid_from=datetime.date(2027, 1, 1), issuing_body="SỞ MỚI", code="SM"
        )
    )
    assert Issuer.objects.valid_on(datetime.date(2026, 12, 31)).get() == skhcn
    assert Issuer.objects.valid_on(datetime.date(2027, 1, 1)).get().code == "SM"


def test_an_issuer_cannot_be_ended_before_a_certificate_it_issued(
    person, course, template, issuers, time_machine
):
    time_machine.move_to(_vietnam(2026, 6, 1, 9, 0), tick=False)
    certificate_issue(learner=person(1), course=course)
    skhcn = issuers["SKHCN"]
    skhcn.valid_to = datetime.date(2026, 5, 31)
    with pytest.raises(ValidationError) as info:
        issuer_save(issuer=skhcn)
    assert "01/06/2026" in str(info.value.message_dict["valid_to"])
    assert Issuer.objects.get(pk=skhcn.pk).valid_to is None


def test_issuer_code_must_start_with_a_letter(issuers):
    """A code of digits could read as a unit's code in a number."""
    with pytest.raises(ValidationError) as info:
        issuer_save(
            issuer=Issuer(
                valid_from=datetime.date(1990, 1, 1),
                valid_to=datetime.date(1990, 12, 31),
                issuing_body="SỞ CŨ",
                code="741",
            )
        )
    assert "code" in info.value.message_dict


def test_no_issuer_on_the_day_is_a_clear_error(
    client, person, course, template, issuers, time_machine, province_admin
):
    Issuer.objects.filter(pk=issuers["SKHCN"].pk).update(
        valid_to=datetime.date(2026, 6, 30)
    )
    time_machine.move_to(_vietnam(2026, 7, 1, 9, 0), tick=False)
    learner = person(1)
    with pytest.raises(NoIssuer) as info:
        certificate_issue(learner=learner, course=course)
    message = "Chưa có cơ quan cấp giấy chứng nhận áp dụng ngày 01/07/2026."
    assert message in info.value.reasons[0]
    assert not Certificate.objects.exists()
    assert not CertificateSeries.objects.filter(last_number__gt=0).exists()
    # The admin's issue screen says so before anything is queued.
    client.force_login(province_admin)
    page = client.get(reverse("certificates:issue"), {"course": course.pk})
    assert message in page.content.decode()


def test_province_admin_keeps_issuers_in_the_admin(client, province_admin, issuers):
    client.force_login(province_admin)
    base = "/admin/snippets/certificates/issuer"
    index = client.get(f"{base}/")
    assert index.status_code == 200
    assert SKHCN in index.content.decode() and STTTT in index.content.decode()
    skhcn = issuers["SKHCN"]
    assert client.get(f"{base}/edit/{skhcn.pk}/").status_code == 200

    def form(**values):
        data = {
            "valid_from": "01/07/2027",
            "valid_to": "",
            "issuing_parent": "UBND TỈNH ĐỒNG NAI",
            "issuing_body": "SỞ MỚI",
            "code": "SM",
            "numbering": "issuer",
            "place_name": "Đồng Nai",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "",
            "signature_image": "",
        }
        return {**data, **values}

    # Overlapping the open period of the Sở Khoa học và Công nghệ: refused.
    refused = client.post(f"{base}/add/", form())
    assert refused.status_code == 200
    assert "trùng với cơ quan cấp" in refused.content.decode()
    assert not Issuer.objects.filter(code="SM").exists()
    # End it, then add the next one.
    ended = client.post(
        f"{base}/edit/{skhcn.pk}/",
        form(
            valid_from="01/03/2025",
            valid_to="30/06/2027",
            issuing_body=skhcn.issuing_body,
            code="SKHCN",
            signer_name=skhcn.signer_name,
        ),
    )
    assert ended.status_code == 302
    assert client.post(f"{base}/add/", form()).status_code == 302
    skhcn.refresh_from_db()
    assert skhcn.valid_to == datetime.date(2027, 6, 30)
    assert Issuer.objects.valid_on(datetime.date(2027, 7, 1)).get().code == "SM"
    assert ModelLogEntry.objects.filter(
        object_id=str(skhcn.pk), action="wagtail.edit", user=province_admin
    ).exists()
    assert skhcn.latest_revision.user == province_admin


def test_officers_do_not_edit_issuers(client, officer, issuers):
    client.force_login(officer)
    response = client.get(
        f"/admin/snippets/certificates/issuer/edit/{issuers['SKHCN'].pk}/"
    )
    assert response.status_code in (302, 403)


def test_certificates_from_before_issuers_keep_the_issuer_through_an_edit(
    client, person, course, template, issuers, province_admin
):
    """Migration 0004 gave old certificates their issuer with no revision:
    they read the issuer as it is until its first edit, and keep that."""
    old = certificate_issue(learner=person(1), course=course)
    Certificate.objects.filter(pk=old.pk).update(issuer_revision=None)
    skhcn = issuers["SKHCN"]
    before = skhcn.signer_name
    client.force_login(province_admin)
    response = client.post(
        f"/admin/snippets/certificates/issuer/edit/{skhcn.pk}/",
        {
            "valid_from": "01/03/2025",
            "valid_to": "",
            "issuing_parent": "UBND TỈNH ĐỒNG NAI",
            "issuing_body": SKHCN,
            "code": "SKHCN",
            "numbering": "issuer",
            "place_name": "Đồng Nai",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Trần Văn Khác",
            "signature_image": "",
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.issuer_revision_id is not None
    assert old.issuer_as_issued().signer_name == before
    printed = _pdf_text(old)
    assert before in printed and "Trần Văn Khác" not in printed
    assert certificate_issue(
        learner=person(2), course=course
    ).issuer_as_issued().signer_name == ("Trần Văn Khác")


def test_one_learner_keeps_each_certificates_issuer(
    client, learner, course, template, enrol, time_machine
):
    """A 2024 certificate names the Sở Thông tin và Truyền thông, a 2026 one
    of the same person the Sở Khoa học và Công nghệ, on every page."""
    from courses.models import CoursePage

    second = course.get_parent().add_child(
        instance=CoursePage(title="Phòng chống lừa đảo", slug="lua-dao", code="LD-01")
    )
    enrol(learner, course, 90)
    enrol(learner, second, 90)
    time_machine.move_to(_vietnam(2024, 11, 20, 9, 0), tick=False)
    in_2024 = certificate_issue(learner=learner, course=course)
    time_machine.move_to(_vietnam(2026, 11, 20, 9, 0), tick=False)
    in_2026 = certificate_issue(learner=learner, course=second)
    assert (in_2024.number, in_2026.number) == (
        "0001/2024/GCN-STTTT",
        "0001/2026/GCN-SKHCN",
    )
    for certificate, body, other in (
        (in_2024, STTTT, SKHCN),
        (in_2026, SKHCN, STTTT),
    ):
        printed = _pdf_text(certificate)
        page = _verify_page(client, certificate)
        assert body in printed and other not in printed
        assert f"{body}, UBND TỈNH ĐỒNG NAI" in page and other not in page


def test_issue_command_stops_when_no_issuer_is_valid(
    person, course, template, issuers, time_machine
):
    from django.core.management import CommandError, call_command

    person(1)
    Issuer.objects.filter(pk=issuers["SKHCN"].pk).update(
        valid_to=datetime.date(2026, 6, 30)
    )
    time_machine.move_to(_vietnam(2026, 7, 1, 9, 0), tick=False)
    with pytest.raises(CommandError, match="01/07/2026"):
        call_command("issue_certificates", "--course", course.code)
    assert not Certificate.objects.exists()
