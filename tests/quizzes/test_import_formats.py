"""The question file's format guessed from its content; the preview per question."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from quizzes.models import Question
from quizzes.services import question_file_format, questions_parse_file

CSV = (
    "nhom,loai,tieu_de,noi_dung,diem,phuong_an_1,phuong_an_2,dap_an,nhan_xet\n"
    "A,mot_dap_an,C1,Câu một,1,x,y,2,\n"
)


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"PK\x03\x04rest", "xlsx"),
        (CSV.encode(), "csv"),
        ("\ufeffnhom;loai;noi_dung\nA;dung_sai;Câu\n".encode(), "csv"),
        (b"// comment\n$CATEGORY: A\n\nQ {T}\n", "gift"),
        (b"nhom,loai\n", "gift"),  # no noi_dung column: not our CSV
        (b"", "gift"),
    ],
    ids=["zip", "csv", "csv-semicolon-bom", "gift", "other-csv", "empty"],
)
def test_format_from_content(data, fmt):
    assert question_file_format(data) == fmt


@pytest.mark.django_db
def test_command_guesses_the_format_or_takes_it(tmp_path):
    path = tmp_path / "ngan-hang.txt"  # a CSV whose name says nothing
    path.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("import_questions", str(path), stdout=out)
    assert "[csv]" in out.getvalue() and "1 created" in out.getvalue()
    assert Question.objects.get().title == "C1"
    gift = tmp_path / "bank"
    gift.write_text("$CATEGORY: B\n\n::G:: Câu {T}\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_questions", str(gift), "--format", "gift", stdout=out)
    assert "[gift]" in out.getvalue()
    assert Question.objects.filter(title="G", qtype="true_false").exists()


def test_import_preview_shows_each_question_as_a_learner_sees_it(trainer, client):
    client.force_login(trainer)
    source = (
        "$CATEGORY: Xem trước\n\n"
        "// [tag:an toàn]\n"
        "::Html:: [html]<p>Chọn <b>một</b><script>alert(1)</script></p>{=a ~b}\n\n"
        "::Số:: Bao nhiêu? {#1.5:0.1}\n\n"
        "Đọc kỹ **đoạn** sau.\n"
    )
    upload = SimpleUploadedFile("xem-truoc.gift", source.encode())
    body = client.post(
        reverse("quizzes_admin:import"), {"file": upload}
    ).content.decode()
    assert "Dòng 3 · Một đáp án đúng · Html" in body
    assert "<p>Chọn <b>một</b></p>" in body and "<script>" not in body
    assert "Dòng 6 · Trả lời bằng số · Số" in body and "ô nhập số" in body
    assert "Đoạn mô tả (không tính điểm)" in body
    assert "an toàn" in body
    assert Question.objects.count() == 0


def test_gift_export_reads_back_to_the_same_questions(trainer, client):
    from pathlib import Path

    from quizzes import gift
    from quizzes.models import QuestionCategory
    from quizzes.services import question_to_parsed, questions_import

    data = Path(__file__).resolve().parents[1] / "data" / "moodle-gift"
    questions, errors = gift.parse(
        (data / "questions.gift.txt").read_text(encoding="utf-8"),
        default_category="Moodle/Kiểm thử",
    )
    assert errors == []
    questions_import(questions=questions)
    client.force_login(trainer)
    page = client.get(reverse("quizzes_admin:import")).content.decode()
    assert "Xuất ra tệp GIFT" in page
    root = QuestionCategory.objects.get(name="Moodle", parent=None)
    response = client.get(reverse("quizzes_admin:export_gift"), {"category": root.pk})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported, errors = gift.parse(response.content.decode("utf-8"))
    assert errors == []
    stored = [question_to_parsed(q) for q in Question.objects.order_by("pk")]
    assert sorted(q.key() for q in exported) == sorted(q.key() for q in stored)
    # Importing the export again changes nothing.
    again = questions_import(questions=exported)
    assert (again.created, again.updated) == (0, 0)


def test_a_gift_file_saved_as_unicode_text_is_read():
    """Windows' "Unicode text" is UTF-16 with a BOM: NUL bytes everywhere,
    yet text."""
    source = "$CATEGORY: ATTT\n\n::Q1:: Mật khẩu mạnh? {T}\n"
    questions, errors = questions_parse_file(
        name="ngan-hang.txt", data=source.encode("utf-16")
    )
    assert errors == []
    assert [q.title for q in questions] == ["Q1"]


def test_a_gift_file_that_is_no_known_text_is_one_clear_error():
    # 0x81 is undefined in both Windows-1258 and Windows-1252.
    data = "::Q1:: Câu {T}\n".encode("cp1258") + b"\x81\x8d\x8f\x90\x9d"
    questions, errors = questions_parse_file(name="ngan-hang.gift", data=data)
    assert questions == []
    assert len(errors) == 1 and errors[0].line == 0
    assert str(errors[0].message)


def test_import_preview_shows_the_numbers_a_range_or_tolerance_accepts(trainer, client):
    """The trainer checks how each numerical answer was read before
    confirming: a tolerance, a range (its middle ± half its width), partial
    credit and "any number", with the Vietnamese decimal comma."""
    client.force_login(trainer)
    source = (
        "$CATEGORY: Số\n\n"
        "::Dung sai:: Nén 3 GB còn một nửa? {#1.5:0.1}\n\n"
        "::Khoảng:: Từ 1 đến 2 giờ? {#1..2}\n\n"
        "::Một phần:: Bao nhiêu? {#=%100%12 =%50%10:1 ~#sai}\n\n"
        "::Bất kỳ:: Một số bất kỳ. {#*}\n"
    )
    upload = SimpleUploadedFile("so.gift", source.encode())
    body = client.post(
        reverse("quizzes_admin:import"), {"file": upload}
    ).content.decode()
    assert "Đáp án đúng: 1,5 ± 0,1</p>" in body
    assert "Đáp án đúng: 1,5 ± 0,5</p>" in body
    assert "Đáp án đúng: 12; 10 ± 1 (50 %)</p>" in body
    assert "Đáp án đúng: mọi số</p>" in body
    assert Question.objects.count() == 0
