"""Moodle's own GIFT test cases and examples read as Moodle reads them.

The files are in tests/data/moodle-gift/ (see SOURCES.md there); each test
below names the case of Moodle's ``giftformat_test.php`` it mirrors and
asserts what Moodle's test asserts: text, format, answers, weights,
feedback.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from quizzes import gift
from quizzes.grading import grade_fraction
from quizzes.models import Choice, Question
from quizzes.services import question_snapshot, questions_import

DATA = Path(__file__).resolve().parents[1] / "data" / "moodle-gift"


def read(name: str) -> list[gift.ParsedQuestion]:
    questions, errors = gift.parse(
        (DATA / name).read_text(encoding="utf-8"), default_category="Moodle"
    )
    assert errors == []
    return questions


@pytest.fixture(scope="module")
def fixture_questions() -> dict[int, gift.ParsedQuestion]:
    """questions.gift.txt by the line each question starts on."""
    return {q.line: q for q in read("questions.gift.txt")}


@pytest.fixture(scope="module")
def extra_questions() -> list[gift.ParsedQuestion]:
    return read("giftformat_test_imports.gift")


def answers(q):
    return [(c.text, c.text_format, c.fraction) for c in q.choices]


def feedbacks(q):
    return [(c.feedback, c.feedback_format) for c in q.choices]


def test_import_essay(fixture_questions):
    q = fixture_questions[1]
    assert (q.title, q.text, q.text_format, q.qtype) == (
        "Q8",
        "How are you?",
        "moodle",
        "essay",
    )
    assert q.choices == [] and q.points == 1


def test_import_match_with_formats_and_a_distractor(fixture_questions):
    q = fixture_questions[4]
    assert q.qtype == "matching"
    assert q.title == "Moodle activities"
    assert q.text == "Match the <b>activity</b> to the description."
    assert (q.text_format, q.general_feedback_format) == ("html", "html")
    assert [(c.text, c.text_format, c.match) for c in q.choices] == [
        ("An activity supporting asynchronous discussions.", "html", "Forum"),
        (
            "A teacher asks a question and specifies a choice of multiple responses.",
            "moodle",
            "Choice",
        ),
        (
            "A bank of record entries which participants can add to.",
            "plain",
            "Database",
        ),
        (
            "A collection of web pages that anyone can add to or edit.",
            "markdown",
            "Wiki",
        ),
        ("", "html", "Chat"),
    ]


def test_import_multichoice(fixture_questions):
    q = fixture_questions[13]
    assert (q.qtype, q.title) == ("single", "Q2")
    assert q.text == "What's between orange and green in the spectrum?"
    assert answers(q) == [
        ("yellow", "moodle", 100),
        ("red", "moodle", 0),
        ("blue", "plain", 0),
    ]
    assert feedbacks(q) == [
        ("right; good!", "moodle"),
        ("wrong, it's yellow", "html"),
        ("wrong, it's yellow", "moodle"),
    ]


def test_import_multichoice_multi(fixture_questions):
    q = fixture_questions[21]
    assert (q.qtype, q.title) == ("multiple", "colours")
    assert answers(q) == [
        ("yellow", "moodle", 50),
        ("red", "moodle", -100),
        ("off-beige", "moodle", 50),
        ("blue", "plain", -100),
    ]
    assert feedbacks(q) == [
        ("right; good!", "moodle"),
        ("wrong", "html"),
        ("right; good!", "moodle"),
        ("wrong", "moodle"),
    ]


def test_import_numerical(fixture_questions):
    q = fixture_questions[30]
    assert (q.qtype, q.title) == ("numerical", "Q5")
    # Moodle's fixture has '";' after the braces: a missing-word blank.
    assert q.text == 'What is a number from 1 to 5? _____";'
    assert [(c.text, c.fraction, c.tolerance) for c in q.choices] == [
        ("3", 100, 2),
        ("*", 0, 0),
    ]
    assert [c.feedback for c in q.choices] == ["", "Completely wrong"]


def test_import_shortanswer_with_wildcard(fixture_questions):
    q = fixture_questions[33]
    assert (q.qtype, q.title, q.text) == (
        "short",
        "Shortanswer",
        "Which is the best animal?",
    )
    assert [(c.text, c.fraction) for c in q.choices] == [
        ("Frog", 100),
        ("Cat", 50),
        ("*", 0),
    ]
    assert [c.feedback for c in q.choices] == [
        "Good!",
        "What is it with Moodlers and cats?",
        "Completely wrong",
    ]


def test_import_shortanswer_with_general_feedback(extra_questions):
    q = extra_questions[0]
    assert q.general_feedback == "Here is some general feedback!"
    assert (q.text_format, q.general_feedback_format) == ("moodle", "html")


def test_import_truefalse(extra_questions, fixture_questions):
    q = extra_questions[1]
    assert (q.qtype, q.text) == (
        "true_false",
        "42 is the Absolute Answer to everything.",
    )
    true, false = q.choices
    assert (true.fraction, false.fraction) == (0, 100)  # the answer is FALSE
    assert true.feedback == "42 is the Ultimate Answer."  # feedbacktrue
    assert false.feedback == "You gave the right answer."  # feedbackfalse
    with_general = fixture_questions[40]
    assert with_general.general_feedback == (
        "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    )


@pytest.mark.parametrize("line", [45, 48], ids=["T", "TRUE"])
def test_import_truefalse_true_answers(fixture_questions, line):
    q = fixture_questions[line]
    assert (q.title, q.text) == ("2-08 TSL", "TSL is blablabla.")
    assert [c.fraction for c in q.choices] == [100, 0]


def test_import_backslash(extra_questions):
    q = extra_questions[2]
    assert (q.qtype, q.title, q.text) == ("essay", "double backslash", "A \\ B \\\\ C")


def test_import_pre_content_keeps_its_lines(extra_questions):
    q = extra_questions[3]
    assert (q.qtype, q.text_format) == ("essay", "html")
    assert q.text == (
        "<p>What would running the test method print?</p>\n"
        "<pre>\n"
        "    public void test() {\n"
        "        method1();\n"
        "        method2();\n"
        "        method3();\n"
        "    }\n"
        "</pre>"
    )


def test_examples_txt_reads_as_moodle_reads_it():
    questions = read("examples.txt")
    assert len(questions) == 43
    kinds = [q.qtype for q in questions]
    assert kinds.count("numerical") == 8
    assert kinds.count("matching") == 3
    by_line = {q.line: q for q in questions}
    pi = by_line[74]  # {#3.141..3.142}.
    assert pi.text == "What is the value of pi (to 3 decimal places)? _____."
    assert [(c.text, c.tolerance) for c in pi.choices] == [
        ("3.1415", Decimal("0.0005"))
    ]
    grant = by_line[76]
    assert [(c.text, c.fraction, c.tolerance) for c in grant.choices] == [
        ("1822", 100, 0),
        ("1822", 50, 2),
    ]
    markdown = by_line[107]
    assert (markdown.text_format, markdown.text) == (
        "markdown",
        "Who's buried in **Grant's tomb**?",
    )
    control = by_line[148]
    assert [c.text for c in control.choices] == ["~", "=", "#", "{", "}", "\\"]
    assert control.choices[-1].fraction == 100
    equals = by_line[142]
    assert [c.text for c in equals.choices] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    two_lines = by_line[90]
    assert two_lines.text == "Japanese characters originally\ncame from what country?"


def test_unknown_escapes_are_kept_as_written():
    (q,), errors = gift.parse(
        "Thư mục C\\:\\Windows\\System32 {=đúng ~sai}", default_category="A"
    )
    assert errors == []
    assert q.text == "Thư mục C:\\Windows\\System32"


def test_unclosed_title_is_part_of_the_text_as_in_moodle():
    (q,), errors = gift.parse("::Không đóng tiêu đề {=a ~b}", default_category="A")
    assert errors == []
    assert (q.title, q.text) == ("", "Không đóng tiêu đề")


def test_unreadable_weight_stays_in_the_answer_as_in_moodle():
    (q,), errors = gift.parse("Câu {~%abc%a =b}", default_category="A")
    assert errors == []
    assert [c.text for c in q.choices] == ["%abc%a", "b"]


def test_description_without_answers():
    (q,), errors = gift.parse(
        "// [tag:giới thiệu]\n::Giới thiệu::[html]<p>Đọc kỹ <b>tình huống</b> sau.</p>",
        default_category="A",
    )
    assert errors == []
    assert (q.qtype, q.points, q.text_format) == ("description", 0, "html")
    assert q.text == "<p>Đọc kỹ <b>tình huống</b> sau.</p>"
    assert q.tags == ["giới thiệu"]


def test_tags_and_id_number_from_comments():
    source = (
        "// Câu về mật khẩu [tag:mật khẩu] [tag:cơ bản]\n"
        "// [id:MK-01] [tag:a\\]b]\n"
        "::Mật khẩu:: Mật khẩu mạnh? {T}\n"
    )
    (q,), errors = gift.parse(source, default_category="A")
    assert errors == []
    assert q.idnumber == "MK-01"
    assert q.tags == ["mật khẩu", "cơ bản", "a]b"]
    again, errors = gift.parse(gift.write([q]))
    assert errors == [] and again[0].key() == q.key()


def test_lowercase_true_is_a_short_answer_as_in_moodle():
    (q,), _errors = gift.parse("Câu {true}", default_category="A")
    assert q.qtype == "short"


def test_same_title_for_two_different_questions_names_both_lines():
    source = (
        "$CATEGORY: A\n\n::Trùng:: Một {=a ~b}\n\n// chú thích\n::Trùng:: Hai {=c ~d}\n"
    )
    _questions, errors = gift.parse(source)
    assert len(errors) == 1
    assert errors[0].line == 5
    assert "“Trùng”" in errors[0].message and "dòng 3" in errors[0].message


def test_same_question_twice_is_not_an_error():
    source = "$CATEGORY: A\n\n::Q:: Một {T}\n\n::Q:: Một {TRUE}\n"
    questions, errors = gift.parse(source)
    assert errors == [] and len(questions) == 2


def test_same_id_number_for_two_different_questions_is_an_error():
    source = "$CATEGORY: A\n\n// [id:X]\nMột {=a ~b}\n\n// [id:X]\nHai {=a ~b}\n"
    _questions, errors = gift.parse(source)
    assert [e.line for e in errors] == [6]
    assert "dòng 3" in errors[0].message


@pytest.mark.parametrize(
    ("typed", "credit"),
    [("frog", 100), ("Cat", 50), ("dog", 0), ("", 0)],
    ids=["exact", "partial", "wildcard", "empty"],
)
def test_wildcard_short_answer_grades_as_moodle(fixture_questions, typed, credit):
    snapshot = _snapshot(fixture_questions[33])
    assert grade_fraction(snapshot, {"text": typed}) * 100 == credit


def test_wildcard_inside_an_answer():
    q, _ = gift.parse("Câu {=mã*độc =%50%\\*sao}", default_category="A")
    snapshot = _snapshot(q[0])
    assert grade_fraction(snapshot, {"text": "Mã  rất độc"}) == 1
    assert grade_fraction(snapshot, {"text": "*sao"}) == Decimal("0.5")
    assert grade_fraction(snapshot, {"text": "xsao"}) == 0


def _snapshot(q: gift.ParsedQuestion) -> dict:
    return {
        "type": q.qtype,
        "points": "1",
        "choices": [
            {
                "key": str(i),
                "text": c.text,
                "fraction": str(c.fraction),
                "tolerance": None if c.tolerance is None else str(c.tolerance),
                "feedback": c.feedback,
                "match": c.match,
            }
            for i, c in enumerate(q.choices)
        ],
    }


@pytest.mark.django_db
def test_examples_and_test_cases_import_and_reimport_idempotently():
    # One category per file: the test cases give "Shortanswer" and "Q1" to
    # two different questions each (with and without general feedback).
    questions = []
    for name in ("examples.txt", "questions.gift.txt", "giftformat_test_imports.gift"):
        parsed, errors = gift.parse(
            (DATA / name).read_text(encoding="utf-8"), default_category=name
        )
        assert errors == []
        questions += parsed
    first = questions_import(questions=questions)
    assert first.ok, first.errors
    total = Question.objects.count()
    assert first.created == total
    assert first.created + first.duplicates == len(questions)
    assert Question.objects.filter(qtype="numerical").count() == 8
    assert Question.objects.filter(qtype="essay").count() == 3
    assert Question.objects.filter(qtype="numerical").count() == 8
    # "Jesus' hometown" is a multiple-choice and a short-answer question.
    assert set(
        Question.objects.filter(title="Jesus' hometown").values_list("qtype", flat=True)
    ) == {"single", "short"}
    match = Question.objects.get(title="Moodle activities")
    assert match.text_format == "html"
    assert list(match.choices.values_list("text", "match_text"))[-1] == ("", "Chat")
    again = questions_import(questions=questions)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == total
    assert Question.objects.count() == total
    numerical = Choice.objects.filter(question__title="Numerical example")
    assert [(c.text, c.fraction, c.tolerance) for c in numerical] == [
        ("1822", 100, 0),
        ("1822", 50, 2),
    ]


@pytest.mark.django_db
def test_changed_titled_question_is_updated_in_place():
    questions, _ = gift.parse("::Q:: Câu {=a ~b}", default_category="A")
    questions_import(questions=questions)
    pk = Question.objects.get().pk
    changed, _ = gift.parse(
        "// [tag:mới]\n::Q:: Câu đã sửa {=a ~b ~c}", default_category="A"
    )
    report = questions_import(questions=changed)
    assert (report.created, report.updated) == (0, 1)
    question = Question.objects.get()
    assert question.pk == pk and question.text == "Câu đã sửa"
    assert [t.name for t in question.tags.all()] == ["mới"]
    assert question.choices.count() == 3


@pytest.mark.django_db
def test_description_is_shown_without_score():
    import random

    questions, _ = gift.parse("Đọc đoạn sau.\n\nCâu {=a ~b}", default_category="A")
    questions_import(questions=questions)
    description = Question.objects.get(qtype="description")
    assert description.points == 0
    snapshot = question_snapshot(
        description, shuffle_choices=True, rng=random.Random(1)
    )
    assert snapshot["points"] == "0.00" and snapshot["choices"] == []
    assert list(Question.objects.drawable().values_list("qtype", flat=True)) == [
        "single"
    ]


def test_matching_distractor_is_an_option_not_an_unlabelled_item(fixture_questions):
    from quizzes.models import AttemptAnswer
    from quizzes.selectors import attempt_rows

    q = fixture_questions[4]
    snapshot = {**_snapshot(q), "text": q.text, "options": [c.match for c in q.choices]}
    (row,) = attempt_rows([AttemptAnswer(slot=1, snapshot=snapshot, version=0)])
    assert [c["text"] for c in row["choices"]] == [c.text for c in q.choices[:4]]
    assert "Chat" in row["options"]


@pytest.mark.parametrize(
    "name", ["examples.txt", "questions.gift.txt", "giftformat_test_imports.gift"]
)
def test_moodle_files_round_trip_through_the_writer(name):
    questions = read(name)
    again, errors = gift.parse(gift.write(questions))
    assert errors == []
    assert [q.key() for q in again] == [q.key() for q in questions]
