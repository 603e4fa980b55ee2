"""Moodle XML read as Moodle's importer reads it (question/format/xml/
format.php), on Moodle's own fixtures and test cases (tests/data/moodle-xml/,
see SOURCES.md), with images stored in the platform's media."""

import base64
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from quizzes import moodlexml
from quizzes.formatting import render
from quizzes.models import Question, QuestionCategory
from quizzes.services import (
    question_file_format,
    question_to_parsed,
    questions_import,
    questions_parse_file,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "moodle-xml"
pytestmark = pytest.mark.django_db


def read(name: str, default_category: str = ""):
    return moodlexml.parse(
        (DATA / name).read_bytes(), default_category=default_category
    )


def moodle_png() -> bytes:
    """Moodle's logo, from its fixture of questions with the old image tag."""
    source = (DATA / "sample_questions_with_old_image_tag.xml").read_text()
    payload = re.search(r"<image_base64>(.*?)</image_base64>", source, re.S)
    return base64.b64decode("".join(payload.group(1).split()))


def answers(q):
    return [(c.text, c.fraction) for c in q.choices]


def test_test_cases_of_moodles_importer_read_as_moodle_reads_them():
    questions, errors = read("xmlformat_test_imports.xml")
    assert errors == []
    by_type = {}
    for q in questions:
        by_type.setdefault(q.qtype, []).append(q)
        assert q.category == "Moodle"
    (description,) = by_type["description"]
    assert (description.title, description.text, description.text_format) == (
        "A description",
        "The question text.",
        "html",
    )
    assert description.general_feedback == "Here is some general feedback."
    assert description.general_feedback_format == "html"  # the question's
    assert description.points == 0
    assert description.tags == ["tagDescription", "tagTest"]
    (essay,) = by_type["essay"]
    assert (essay.text, essay.text_format, essay.points) == (
        "Write something.",
        "moodle",
        1,
    )
    assert essay.tags == ["tagEssay", "tagEssay20", "tagTest"]
    (matching,) = by_type["matching"]
    # The subquestion without text is a distractor: an option only.
    assert [(c.text, c.match, c.text_format) for c in matching.choices] == [
        ("A", "a", "html"),
        ("B", "b", "html"),
        ("C", "c", "html"),
        ("", "d", "html"),
    ]
    (numerical,) = by_type["numerical"]
    assert [(c.text, c.fraction, c.tolerance) for c in numerical.choices] == [
        ("42", 100, Decimal("0.001")),
        ("13", 0, 1),
        ("*", 0, 0),
    ]
    assert [c.feedback for c in numerical.choices] == [
        "Well done!",
        "What were you thinking?!",
        "Completely wrong.",
    ]
    (short,) = by_type["short"]
    assert short.text == "Fill in the gap in this sequence: Alpha, ________, Gamma."
    assert [(c.text, c.fraction, c.text_format) for c in short.choices] == [
        ("Beta", 100, "plain"),
        ("*", 0, "plain"),
    ]
    # Two true/false questions named alike: one has an id number, so both
    # are kept (Moodle repeats names freely).
    first, second = by_type["true_false"]
    assert (first.title, first.idnumber) == ("True false question", "")
    assert (second.title, second.idnumber) == ("True false question", "TestIdNum1")
    assert answers(first) == [("Đúng", 100), ("Sai", 0)]
    assert [c.feedback for c in first.choices] == ["Well done!", "Doh!"]
    report = questions_import(questions=questions)
    assert report.ok and report.created == 7
    again = questions_import(questions=read("xmlformat_test_imports.xml")[0])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_nested_categories_become_the_category_tree():
    questions, errors = read("nested_categories_with_questions.xml")
    assert errors == []
    assert [(q.category, q.qtype, q.title) for q in questions] == [
        ("Iota", "true_false", "Iota Question"),
        ("Iota/Kappa", "essay", "Kappa Essay Question"),
        ("Iota/Kappa", "true_false", "Kappa Question"),
        ("Iota/Kappa/Lambda", "true_false", "Lambda Question"),
        ("Iota/Mu", "true_false", "Mu Question"),
    ]
    assert questions[0].line == 15  # the <question> element's line
    report = questions_import(questions=questions)
    assert report.created == 5 and report.categories_created == 4
    lambda_ = QuestionCategory.objects.get(name="Lambda")
    assert lambda_.path == "Iota/Kappa/Lambda"


def test_moodle_4_exports_start_with_the_top_category():
    body = (
        '<question type="category"><category><text>$course$/top/Default for '
        "ATTT/Mật khẩu</text></category></question>\n"
        '<question type="essay"><name><text>E</text></name>'
        "<questiontext><text>Viết.</text></questiontext></question>"
    )
    questions, errors = moodlexml.parse(_xml(body, category="$course$/top"))
    assert errors == []
    assert [q.category for q in questions] == ["Default for ATTT/Mật khẩu"]


def test_html_characters_in_id_numbers():
    questions, errors = read("html_chars_in_idnumbers.xml")
    assert errors == []
    (q,) = questions
    assert (q.category, q.idnumber, q.text) == (
        "Alpha",
        "T & F",
        "<p>Testing Alpha Question</p>",
    )


def test_moodles_invalid_grades_are_kept_as_written():
    """Moodle refuses 33 % unless told to take the nearest grade; our GIFT
    takes any weight, and so does this reader. The right answers add up to
    99.67 %, which Moodle's own check (two decimals of the fraction) passes."""
    questions, errors = read("error_invalid_grades.xml")
    assert [e.message for e in errors] == [
        "câu hỏi chưa thuộc nhóm nào: thêm câu hỏi loại category hoặc chọn nhóm."
    ]
    questions, errors = read("error_invalid_grades.xml", "Moodle")
    assert errors == []
    (q,) = questions
    assert q.qtype == "multiple"
    assert q.title == "Question with invalid grades : x > 1 & x < 2"
    assert [c.fraction for c in q.choices] == [
        Decimal("-50"),
        Decimal("33"),
        Decimal("33.3333"),
        Decimal("-50"),
        Decimal("33.3333"),
    ]
    assert q.choices[1].text == '<p dir="ltr" style="text-align: left;">2<br></p>'
    assert q.choices[1].text_format == "html"


def test_multiple_choice_whose_right_answers_add_up_to_200_is_refused():
    questions, errors = read("xmlformat_test_multichoice_19.xml")
    assert questions == []
    assert [e.line for e in errors] == [8]
    assert "“Multiple choice question”" in errors[0].message
    assert "100%" in errors[0].message and "200%" in errors[0].message


def test_cloze_is_refused_by_name_and_the_old_image_tag_is_read():
    questions, errors = read("sample_questions_with_old_image_tag.xml")
    assert [str(e) for e in errors] == [
        "Dòng 16: câu hỏi thứ 1 “cloze question with image”: loại câu hỏi "
        "“cloze” của Moodle chưa được hỗ trợ."
    ]
    (mcq,) = questions
    assert mcq.qtype == "single"
    assert answers(mcq) == [
        ("wrong answer", 0),
        ("another wrong answer", 0),
        ("right answer", 100),
    ]
    (path,) = mcq.files
    assert path.startswith("quiz-media/") and path.endswith(".png")
    assert mcq.files[path] == moodle_png()
    assert mcq.text.endswith(f'<img src="{settings.MEDIA_URL}{path}" alt="">')
    report = questions_import(questions=questions, errors=errors)
    assert not report.ok
    assert Question.objects.count() == 0
    assert not default_storage.exists(path)


def _xml(body: str, category: str = "$course$/top/Ảnh") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        f'<question type="category"><category><text>{category}</text>'
        f"</category></question>\n{body}\n</quiz>\n"
    ).encode()


def _with_image(png: bytes) -> bytes:
    data = base64.b64encode(png).decode()
    return _xml(
        '<question type="multichoice">\n'
        "<name><text>Logo</text></name>\n"
        '<questiontext format="html"><text><![CDATA[<p>Đây là logo nào? '
        '<img src="@@PLUGINFILE@@/logo%20moodle.png" alt="logo"></p>]]></text>\n'
        f'<file name="logo moodle.png" path="/" encoding="base64">{data}</file>\n'
        "</questiontext>\n"
        '<answer fraction="100" format="html"><text>Moodle</text>\n'
        '<feedback format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/ok.png">'
        f']]></text><file name="ok.png" encoding="base64">{data}</file>'
        "</feedback></answer>\n"
        '<answer fraction="0"><text>Wagtail</text></answer>\n'
        "<tags><tag><text>hình ảnh</text></tag></tags>\n"
        "</question>"
    )


def test_images_are_stored_in_the_media_and_shown():
    png = moodle_png()
    questions, errors = moodlexml.parse(_with_image(png))
    assert errors == []
    (q,) = questions
    (path,) = q.files  # the same picture twice is one file
    url = settings.MEDIA_URL + path
    assert q.text == f'<p>Đây là logo nào? <img src="{url}" alt="logo"></p>'
    assert q.choices[0].feedback == f'<img src="{url}">'
    preview = questions_import(questions=questions, dry_run=True)
    assert preview.created == 1 and not default_storage.exists(path)
    report = questions_import(questions=questions)
    assert report.created == 1
    with default_storage.open(path, "rb") as handle:
        assert handle.read() == png
    stored = Question.objects.get()
    assert f'src="{url}"' in str(render(stored.text, stored.text_format))
    again = questions_import(questions=moodlexml.parse(_with_image(png))[0])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (base64.b64encode(b"<svg onload='alert(1)'/>").decode(), "không phải ảnh"),
        ("@@not base64@@", "base64 hỏng"),
    ],
    ids=["svg", "bad-base64"],
)
def test_files_of_other_kinds_are_refused_naming_the_question(payload, fragment):
    body = (
        '<question type="description"><name><text>Mô tả</text></name>'
        '<questiontext><text>x &lt;img src="@@PLUGINFILE@@/a.svg"&gt;</text>\n'
        f'<file name="a.svg" encoding="base64">{payload}</file></questiontext>'
        "</question>"
    )
    questions, errors = moodlexml.parse(_xml(body))
    assert questions == []
    (error,) = errors
    assert error.line == 5  # the <file> element
    assert "“Mô tả”" in error.message and "“a.svg”" in error.message
    assert fragment in error.message


@pytest.mark.parametrize(
    "kind", ["calculated", "calculatedmulti", "ddwtos", "gapselect", "random"]
)
def test_types_we_do_not_have_are_refused_and_nothing_is_written(kind):
    body = (
        '<question type="truefalse"><name><text>Đúng sai</text></name>'
        "<questiontext><text>Câu?</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>\n'
        f'<question type="{kind}"><name><text>Lạ</text></name>'
        "<questiontext><text>?</text></questiontext></question>"
    )
    questions, errors = questions_parse_file(name="bank.xml", data=_xml(body))
    assert [q.title for q in questions] == ["Đúng sai"]
    assert [e.line for e in errors] == [5]
    assert f"câu hỏi thứ 2 “Lạ”: loại câu hỏi “{kind}”" in errors[0].message
    report = questions_import(questions=questions, errors=errors)
    assert not report.ok and Question.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            '<question type="multichoice"><name><text>N</text></name>'
            "<questiontext><text>?</text></questiontext>"
            '<answer fraction="50"><text>a</text></answer>'
            '<answer fraction="0"><text>b</text></answer></question>',
            "không có đáp án đúng",
        ),
        (
            '<question type="numerical"><name><text>N</text></name>'
            "<questiontext><text>?</text></questiontext>"
            '<answer fraction="100"><text>ba</text></answer></question>',
            "không phải là số",
        ),
        (
            '<question type="shortanswer"><name><text>N</text></name>'
            "<questiontext><text>?</text></questiontext><defaultgrade>0"
            '</defaultgrade><answer fraction="100"><text>a</text></answer>'
            "</question>",
            "lớn hơn 0",
        ),
        (
            '<question type="matching"><name><text>N</text></name>'
            "<questiontext><text>?</text></questiontext><subquestion><text>a"
            "</text><answer><text>b</text></answer></subquestion></question>",
            "2 cặp",
        ),
    ],
    ids=["single-without-right-answer", "not-a-number", "zero-points", "one-pair"],
)
def test_questions_no_learner_could_use_are_refused(body, fragment):
    questions, errors = moodlexml.parse(_xml(body))
    assert questions == []
    assert fragment in errors[0].message and "“N”" in errors[0].message


def test_dtd_and_entities_are_refused():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz>&b;</quiz>'
    )
    questions, errors = moodlexml.parse(bomb)
    assert questions == []
    assert "DTD" in errors[0].message


def test_broken_xml_says_where():
    questions, errors = moodlexml.parse(b"<quiz>\n<question>\n</quiz>\n")
    assert questions == []
    assert errors[0].line == 3 and "không đọc được" in errors[0].message


def test_format_is_guessed_from_the_content():
    assert question_file_format(_xml("")) == "moodlexml"
    assert question_file_format(b"  \n<quiz></quiz>") == "moodlexml"
    assert question_file_format(_xml("").decode().encode("utf-16")) == "moodlexml"


def test_command_and_upload_import_moodle_xml(tmp_path, trainer, client):
    path = tmp_path / "bank.xml"
    path.write_bytes((DATA / "nested_categories_with_questions.xml").read_bytes())
    out = io.StringIO()
    call_command("import_questions", str(path), stdout=out)
    assert "[moodlexml]" in out.getvalue() and "5 created" in out.getvalue()
    client.force_login(trainer)
    upload = SimpleUploadedFile("logo.xml", _with_image(moodle_png()))
    body = client.post(reverse("quizzes_admin:import"), {"file": upload})
    page = body.content.decode()
    assert "Xác nhận nhập" in page and "Logo" in page
    assert Question.objects.count() == 5


def test_moodle_xml_export_embeds_images_and_reads_back(trainer, client):
    png = moodle_png()
    questions_import(questions=moodlexml.parse(_with_image(png))[0])
    questions_import(questions=read("nested_categories_with_questions.xml")[0])
    client.force_login(trainer)
    page = client.get(reverse("quizzes_admin:import")).content.decode()
    assert "Tải tệp Moodle XML" in page
    root = QuestionCategory.objects.get(name="Ảnh", parent=None)
    response = client.get(
        reverse("quizzes_admin:export_moodlexml"), {"category": root.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "@@PLUGINFILE@@/" in text and settings.MEDIA_URL not in text
    assert base64.b64encode(png).decode() in text
    assert "<text>$course$/top/Ảnh</text>" in text
    exported, errors = moodlexml.parse(response.content)
    assert errors == []
    stored = [question_to_parsed(q) for q in Question.objects.filter(category=root)]
    assert [q.key() for q in exported] == [q.key() for q in stored]
    assert set(exported[0].files.values()) == {png}
