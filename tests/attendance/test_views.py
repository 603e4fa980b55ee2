"""Pages: who reaches what (404 otherwise), the roster endpoint, imports,
the sign-in sheet and the report export."""

import io
import json
import shutil
import subprocess
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.attendance.models import AttendanceRecord
from courses.attendance.services import attendance_mark, class_membership_add
from tests.factories import reauthenticate
from tests.test_tabular import windows_1258

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts(klass, sessions, member, other_learner, province_admin):
    """The Xuân Lộc class also holds a learner of Biên Hòa."""
    class_membership_add(
        training_class=klass, learner=other_learner, added_by=province_admin
    )
    return klass


def url(name, klass, session=None, **extra):
    kwargs = {"code": klass.code, **extra}
    if session is not None:
        kwargs["session_id"] = session.pk
    return reverse(f"attendance:{name}", kwargs=kwargs)


ROLES = ["trainer", "province_admin", "officer", "other_officer", "learner"]


@pytest.mark.parametrize(
    ("role", "roster", "qr"),
    [
        ("trainer", 200, 200),
        ("province_admin", 200, 200),
        ("officer", 200, 404),
        ("other_officer", 404, 404),
        ("learner", 404, 404),
    ],
    ids=ROLES,
)
def test_roster_and_qr_access(
    client, request, klass, sessions, member, role, roster, qr
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("roster", klass, sessions[0])).status_code == roster
    assert client.get(url("qr", klass, sessions[0])).status_code == qr
    assert client.get(url("qr_frame", klass, sessions[0])).status_code == qr


def test_officer_of_another_district_gets_404_everywhere(
    client, klass, sessions, member, other_officer
):
    client.force_login(other_officer)
    for response in [
        client.get(url("class_detail", klass)),
        client.get(url("report", klass)),
        client.get(url("report_xlsx", klass)),
        client.get(url("sign_in_sheet", klass, sessions[0])),
        client.post(
            url("roster_save", klass, sessions[0]),
            json.dumps({"marks": []}),
            content_type="application/json",
        ),
    ]:
        assert response.status_code == 404
    assert (
        klass.code not in client.get(reverse("attendance:class_list")).content.decode()
    )


def test_session_of_another_class_is_404(client, klass, sessions, trainer, course):
    from courses.attendance.models import ClassSession, TrainingClass

    other = TrainingClass.objects.create(
        course=course,
        code="KHAC",
        name="Lớp khác",
        start_date=at(1, 8).date(),
        end_date=at(2, 8).date(),
    )
    foreign = ClassSession.objects.create(
        training_class=other, start=at(1, 8), end=at(1, 9)
    )
    client.force_login(trainer)
    assert client.get(url("roster", klass, foreign)).status_code == 404


def test_officer_sees_only_own_districts_learners_read_only(
    client, two_districts, sessions, officer, other_learner, learner
):
    client.force_login(officer)
    page = client.get(url("roster", two_districts, sessions[0])).content.decode()
    assert learner.get_full_name() in page
    assert other_learner.get_full_name() not in page
    assert 'id="roster"' not in page  # no marking controls
    report = client.get(url("report", two_districts)).content.decode()
    assert other_learner.get_full_name() not in report
    assert "Huyện Xuân Lộc" in report and "Thành phố Biên Hòa" not in report


def test_roster_lists_learners_in_vietnamese_order(
    client, two_districts, sessions, trainer
):
    # "Nguyễn Văn An" sorts by given name (An) before "Trần Thị Bình" (Bình).
    client.force_login(trainer)
    page = client.get(url("roster", two_districts, sessions[0])).content.decode()
    assert page.index("Nguyễn Văn An") < page.index("Trần Thị Bình")


def test_roster_save_is_idempotent(client, klass, sessions, member, trainer):
    client.force_login(trainer)
    body = json.dumps(
        {"marks": [{"learner": member.pk, "status": "late", "note": "Kẹt xe"}]}
    )
    save = url("roster_save", klass, sessions[0])
    first = client.post(save, body, content_type="application/json").json()
    again = client.post(save, body, content_type="application/json").json()
    assert (first["changed"], again["changed"], again["unchanged"]) == (1, 0, 1)
    record = AttendanceRecord.objects.get()
    assert (record.status, record.note, record.recorded_by) == (
        "late",
        "Kẹt xe",
        trainer,
    )


def test_roster_save_rejects_garbage(client, klass, sessions, member, trainer):
    client.force_login(trainer)
    response = client.post(
        url("roster_save", klass, sessions[0]), "{nope", content_type="application/json"
    )
    assert response.status_code == 400


def test_check_in_page_needs_login_and_keeps_next(client, klass, sessions):
    target = url("check_in", klass, sessions[0], token="abc")
    response = client.get(target)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "next=" in response["Location"]


def test_check_in_get_does_not_mark(client, klass, sessions, member, monkeypatch):
    from courses.attendance import tokens

    monkeypatch.setattr("django.utils.timezone.now", lambda: at(1, 8))
    token = tokens.make_token(session_id=sessions[0].pk, now=at(1, 8))
    client.force_login(member)
    target = url("check_in", klass, sessions[0], token=token)
    assert client.get(target).status_code == 200
    assert not AttendanceRecord.objects.exists()
    response = client.post(target)
    assert "Đã điểm danh: Có mặt." in response.content.decode()
    assert AttendanceRecord.objects.get().method == "qr"


def test_check_in_page_opened_again_says_already_checked_in(
    client, klass, sessions, member, monkeypatch
):
    from courses.attendance import tokens

    monkeypatch.setattr("django.utils.timezone.now", lambda: at(1, 8))
    token = tokens.make_token(session_id=sessions[0].pk, now=at(1, 8))
    client.force_login(member)
    target = url("check_in", klass, sessions[0], token=token)
    assert 'id="confirm-checkin"' in client.get(target).content.decode()
    client.post(target)
    page = client.get(target).content.decode()
    assert "Bạn đã điểm danh buổi học này lúc" in page
    assert 'id="confirm-checkin"' not in page
    assert AttendanceRecord.objects.count() == 1


def test_qr_page_shows_a_fresh_signed_link(client, klass, sessions, trainer):
    from courses.attendance import tokens

    client.force_login(trainer)
    response = client.get(url("qr", klass, sessions[0]))
    link = response.context["url"]
    assert link.startswith("http://testserver/lop-tap-huan/")
    assert f'data-checkin-url="{link}"' in response.content.decode()
    assert _decoded(response.context["qr"]) == link
    frame = client.get(url("qr_frame", klass, sessions[0])).json()
    assert _decoded(frame["qr"]) == frame["url"]
    token = frame["url"].rstrip("/").rsplit("/", 1)[1]
    assert tokens.read_token(token).session_id == sessions[0].pk


def _decoded(data_url: str) -> str:
    """The text a phone's camera reads from a QR code's data: URL."""
    import base64
    import io

    import zxingcpp
    from PIL import Image

    png = base64.b64decode(data_url.removeprefix("data:image/png;base64,"))
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


def test_sign_in_sheet_pdf(client, klass, sessions, member, trainer):
    client.force_login(trainer)
    response = client.get(url("sign_in_sheet", klass, sessions[0]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The names are embedded as text (the fonts carry Vietnamese).
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        text = " ".join(text.split())
        assert "Nguyễn Văn An" in text
        assert "DANH SÁCH KÝ TÊN" in text


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: base letters with circumflex, breve
    and horn precomposed, tone marks as combining characters."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(ch):
            composed = unicodedata.normalize("NFC", out[-1] + ch)
            try:
                composed.encode("cp1258")
            except UnicodeEncodeError:
                pass
            else:
                if len(composed) == 1:
                    out[-1] = composed
                    continue
        out.append(ch)
    return "".join(out).encode("cp1258")


CSV_HEADER = "stt,email,ho_va_ten,trang_thai,ghi_chu\n"


def test_import_writes_nothing_when_a_row_is_bad(
    client, two_districts, sessions, trainer, learner, other_learner
):
    client.force_login(trainer)
    data = (
        CSV_HEADER
        + f"1,{learner.email},Nguyễn Văn An,Có mặt,\n"
        + f"2,{other_learner.email},Trần Thị Bình,vắng lắm,\n"
        + "3,khong-co@example.gov.vn,Ai đó,Có mặt,\n"
    ).encode("utf-8-sig")
    upload = io.BytesIO(data)
    upload.name = "diem-danh.csv"
    response = client.post(url("import", two_districts, sessions[0]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 3: trạng thái “vắng lắm” không hợp lệ" in page
    assert "Dòng 4: không có học viên có thư điện tử “khong-co@example.gov.vn”" in page
    assert not AttendanceRecord.objects.exists()


def test_import_applies_all_rows(
    client, two_districts, sessions, trainer, learner, other_learner
):
    client.force_login(trainer)
    data = (
        CSV_HEADER
        + f"1,{learner.email},Nguyễn Văn An,co mat,\n"
        + f"2,{other_learner.email.upper()},Trần Thị Bình,Vắng có phép,Đi công tác\n"
    )
    data = to_cp1258(data)
    upload = io.BytesIO(data)
    upload.name = "diem-danh.csv"
    response = client.post(url("import", two_districts, sessions[0]), {"file": upload})
    assert response.status_code == 302
    records = {r.learner_id: r for r in AttendanceRecord.objects.all()}
    assert records[learner.pk].status == "present"
    assert records[other_learner.pk].status == "excused"
    assert records[other_learner.pk].note == "Đi công tác"
    assert {r.method for r in records.values()} == {"import"}


def test_report_xlsx_neutralises_formulas(
    client, klass, sessions, member, trainer, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(4, 12))
    attendance_mark(
        session=sessions[0],
        learner=member,
        status="present",
        method="trainer",
        recorded_by=trainer,
    )
    sessions[0].topic = '=HYPERLINK("http://x")'
    sessions[0].save()
    client.force_login(trainer)
    reauthenticate(client)
    response = client.get(url("report_xlsx", klass))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Theo buổi học", "Theo học viên", "Theo đơn vị"]
    by_session = workbook["Theo buổi học"]
    assert by_session["B2"].value == '\'=HYPERLINK("http://x")'
    by_learner = list(workbook["Theo học viên"].values)
    assert by_learner[1][0] == "Nguyễn Văn An"
    # 2 sessions held by 4 December, present at 1 → 50 %.
    assert by_learner[1][-1] == 50.0


@pytest.mark.parametrize("size", [2, 8])
def test_roster_query_count_does_not_grow(
    client,
    klass,
    sessions,
    trainer,
    units,
    province_admin,
    size,
    django_assert_max_num_queries,
):
    from tests.factories import make_person

    for n in range(size):
        person = make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Lê Văn Số{n}",
            email=f"so{n}@xuanloc.example.gov.vn",
        )
        class_membership_add(
            training_class=klass, learner=person, added_by=province_admin
        )
    client.force_login(trainer)
    with django_assert_max_num_queries(16):
        assert client.get(url("roster", klass, sessions[0])).status_code == 200


def test_bulk_session_form_reads_vietnamese_dates(client, klass, trainer, officer):
    form = {
        "weekdays": ["1", "3"],
        "start_time": "08:00",
        "end_time": "11:30",
        "first_day": "01/12/2026",
        "last_day": "10/12/2026",
        "place": "Hội trường",
    }
    client.force_login(officer)
    assert client.post(url("sessions_bulk", klass), form).status_code == 404
    client.force_login(trainer)
    response = client.post(url("sessions_bulk", klass), form)
    assert response.status_code == 302
    starts = [
        s.start.astimezone(timezone.get_current_timezone()).strftime("%d/%m %H:%M")
        for s in klass.sessions.all()
    ]
    assert starts == ["01/12 08:00", "03/12 08:00", "08/12 08:00", "10/12 08:00"]


def test_sheet_template_csv_neutralises_formulas(
    client, klass, sessions, member, trainer, time_machine
):
    """A member imported under a formula name, with a note the trainer typed
    as one: the CSV template the trainer downloads holds both as text."""
    from tests.spreadsheet_cells import AT_SUM, HYPERLINK, assert_inert, cells

    time_machine.move_to(at(4, 12))
    member.profile.full_name = HYPERLINK
    member.profile.save()
    attendance_mark(
        session=sessions[0],
        learner=member,
        status="present",
        method="trainer",
        recorded_by=trainer,
        note=AT_SUM,
    )
    client.force_login(trainer)
    reauthenticate(client)
    response = client.get(url("sheet_template", klass, sessions[0]))
    assert response.status_code == 200
    values = cells(response)
    assert_inert(values, HYPERLINK, AT_SUM)
    assert "1" in values  # the row number, as written


def test_roster_of_a_session_not_begun_offers_only_leave(
    client, klass, sessions, member, trainer, time_machine
):
    from .conftest import at

    time_machine.move_to(at(8, 7, 0))  # session 3 begins at 08:00, opens 07:30
    client.force_login(trainer)
    page = client.get(url("roster", klass, sessions[2])).content.decode()
    assert "chỉ ghi nhận trước được vắng có phép" in page
    assert 'id="all-present"' not in page
    assert page.count("disabled>") == 3  # present, late, absent
    reply = client.post(
        url("roster_save", klass, sessions[2]),
        data=json.dumps({"marks": [{"learner": member.pk, "status": "present"}]}),
        content_type="application/json",
    ).json()
    assert reply["changed"] == 0 and "chưa bắt đầu" in reply["errors"][0]
    time_machine.move_to(at(8, 7, 30))
    page = client.get(url("roster", klass, sessions[2])).content.decode()
    assert 'id="all-present"' in page and "disabled>" not in page


def test_import_reads_excel_semicolons_and_refuses_undecodable_bytes(
    client, two_districts, sessions, trainer, learner
):
    """The sheet goes through the platform's one tabular reader: Excel's
    semicolon CSV reads; bytes no encoding can read are refused, named."""
    client.force_login(trainer)
    bad = io.BytesIO(CSV_HEADER.encode() + b"1,a@b.vn,Ng\x81\x8d,C\x8f m\x90t,\n")
    bad.name = "diem-danh.csv"
    response = client.post(url("import", two_districts, sessions[0]), {"file": bad})
    assert response.status_code == 400
    assert "Không đọc được bảng mã của tệp" in response.content.decode()
    assert not AttendanceRecord.objects.exists()
    data = (CSV_HEADER + f"1,{learner.email},An,Có mặt,\n").replace(",", ";")
    upload = io.BytesIO(windows_1258(data.replace("\n", "\r\n")))
    upload.name = "diem-danh.csv"
    response = client.post(url("import", two_districts, sessions[0]), {"file": upload})
    assert response.status_code == 302
    assert AttendanceRecord.objects.get().status == "present"
