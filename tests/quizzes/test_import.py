import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Choice, Question, QuestionCategory
from quizzes.services import questions_import, questions_parse_file


def test_shared_file_imports_cleanly(bank):
    assert bank.created == 16
    assert Question.objects.count() == 16
    assert QuestionCategory.objects.count() == 5  # the root and 4 children
    child = QuestionCategory.objects.get(name="Tài khoản và mật khẩu")
    assert child.path == "ATTT cơ bản/Tài khoản và mật khẩu"
    assert child.questions.count() == 3
    assert Choice.objects.filter(question__title="Q02 Mật khẩu").count() == 4


def test_importing_twice_changes_nothing(bank, gift_source):
    questions, errors = questions_parse_file(
        name="bank.gift", data=gift_source.encode()
    )
    report = questions_import(questions=questions, errors=errors)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 16)
    assert Question.objects.count() == 16
    assert Choice.objects.count() == 16 * 4 - 2 * 2  # T/F questions have 2


@pytest.mark.django_db
def test_one_bad_question_writes_nothing():
    data = "$CATEGORY: A\n\nMột {=a ~b}\n\nHai {=a ~b\n".encode()
    questions, errors = questions_parse_file(name="x.gift", data=data)
    report = questions_import(questions=questions, errors=errors)
    assert not report.ok
    assert [e.line for e in report.errors] == [5]
    assert Question.objects.count() == 0
    assert QuestionCategory.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_counts_but_writes_nothing(gift_source):
    questions, errors = questions_parse_file(name="x.gift", data=gift_source.encode())
    report = questions_import(questions=questions, errors=errors, dry_run=True)
    assert report.ok and report.created == 16 and report.categories_created == 5
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_command(tmp_path, gift_source):
    path = tmp_path / "bank.gift"
    path.write_text(gift_source, encoding="utf-8")
    out = io.StringIO()
    call_command("import_questions", str(path), "--dry-run", stdout=out)
    assert "16 questions" in out.getvalue()
    assert Question.objects.count() == 0
    call_command("import_questions", str(path), stdout=out)
    assert Question.objects.count() == 16


@pytest.mark.django_db
def test_command_fails_with_line_numbers(tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text("Một {=a ~b}\n\nHai {=a ~b\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_questions", str(path), "--category", "Mặc định", stderr=err
        )
    assert "Dòng 3:" in err.getvalue()
    assert Question.objects.count() == 0


CSV = (
    "nhom,loai,tieu_de,noi_dung,diem,phuong_an_1,phuong_an_2,phuong_an_3,dap_an,nhan_xet\n"
    "A/B,mot_dap_an,C1,Câu một,1,x,y,z,2,\n"
    'A/B,nhieu_dap_an,C2,Câu hai,"1,5",x,y,z,"1,3",Chung\n'
    "A,dung_sai,C3,Câu ba,,,,,Sai,\n"
    "A,tra_loi_ngan,C4,Câu bốn,,mã độc,ma doc,,,\n"
    "A,ghep_cap,C5,Câu năm,,USB -> thiết bị,VPN -> mạng,,,\n"
)


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: tone marks as combining characters."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out.append(base + "".join(p for p in parts if p in TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1258"], ids=["bom", "win1258"])
def test_csv_import(encoding):
    data = windows_1258(CSV) if encoding == "cp1258" else CSV.encode(encoding)
    questions, errors = questions_parse_file(name="q.csv", data=data)
    assert errors == []
    report = questions_import(questions=questions)
    assert report.created == 5
    multi = Question.objects.get(title="C2")
    assert multi.points == 1.5
    assert [c.fraction for c in multi.choices.order_by("sort_order")] == [50, -50, 50]
    assert Question.objects.get(title="C3").choices.get(fraction=100).text == "Sai"
    assert Question.objects.get(title="C1").text == "Câu một"
    pair = Question.objects.get(title="C5").choices.order_by("sort_order").first()
    assert (pair.text, pair.match_text) == ("USB", "thiết bị")


@pytest.mark.django_db
def test_csv_errors_name_their_rows():
    data = (
        "nhom,loai,noi_dung,phuong_an_1,phuong_an_2,dap_an\n"
        "A,mot_dap_an,Câu,x,y,3\n"
        "A,la_lung,Câu,x,y,1\n"
        "A,dung_sai,Câu,,,có lẽ\n"
        "A,mot_dap_an,Câu,x,y,1\n"
    ).encode()
    questions, errors = questions_parse_file(name="q.csv", data=data)
    assert [e.line for e in errors] == [2, 3, 4]
    assert not questions_import(questions=questions, errors=errors).ok
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_import():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in CSV.strip().split("\n"):
        import csv

        sheet.append(next(csv.reader([row])))
    buffer = io.BytesIO()
    book.save(buffer)
    questions, errors = questions_parse_file(name="q.xlsx", data=buffer.getvalue())
    assert errors == []
    assert len(questions) == 5


@pytest.mark.django_db
def test_file_type_is_checked_by_content():
    questions, errors = questions_parse_file(name="q.xlsx", data=b"not a zip")
    assert errors and "Excel" in errors[0].message
    questions, errors = questions_parse_file(name="q.gift", data=b"\x00\x01binary")
    assert errors and "văn bản" in errors[0].message
    questions, errors = questions_parse_file(name="q.exe", data=b"x")
    assert errors


@pytest.mark.django_db
def test_dry_run_counts_what_the_import_then_does():
    """A bank partly there: new, changed, unchanged and repeated questions,
    one new sub-category. The preview reads only; its counts are the
    import's."""
    from quizzes.models import QuestionCategory

    first = "$CATEGORY: A\n\n::Q1:: Một? {T}\n\n::Q2:: Hai? {F}\n\nKhông tên {=x ~y}\n"
    questions_import(
        questions=questions_parse_file(name="a.gift", data=first.encode())[0]
    )
    second = (
        "$CATEGORY: A\n\n::Q1:: Một? {T}\n\n::Q2:: Hai đã sửa? {F}\n\n"
        "Không tên {=x ~y}\n\nKhông tên {=x ~y}\n\n"
        "$CATEGORY: A/B/C\n\n::Q3:: Ba? {T}\n\n// [id:M-1]\n::Q1:: Khác? {T}\n"
    )
    questions, errors = questions_parse_file(name="b.gift", data=second.encode())
    assert errors == []
    counts = ("created", "updated", "unchanged", "duplicates", "categories_created")
    preview = questions_import(questions=questions, dry_run=True)
    assert QuestionCategory.objects.count() == 1 and Question.objects.count() == 3
    report = questions_import(questions=questions)
    assert [getattr(preview, c) for c in counts] == [getattr(report, c) for c in counts]
    assert [getattr(report, c) for c in counts] == [2, 1, 2, 1, 2]
