from decimal import Decimal

import pytest

from quizzes import gift


def test_shared_file_parses_into_16_questions_in_4_categories(gift_source):
    questions, errors = gift.parse(gift_source)
    assert errors == []
    assert len(questions) == 16
    assert {q.category for q in questions} == {
        "ATTT cơ bản/Thư điện tử và lừa đảo",
        "ATTT cơ bản/Tài khoản và mật khẩu",
        "ATTT cơ bản/Mã độc và sao lưu",
        "ATTT cơ bản/Pháp luật và dữ liệu cá nhân",
    }
    first = questions[0]
    assert first.title == "Q01 Thư lừa đảo"
    assert first.qtype == "single"
    assert [c.fraction for c in first.choices] == [0, 100, 0, 0]
    tf = {q.title: q for q in questions if q.qtype == "true_false"}
    assert set(tf) == {"Q17 Báo cáo sự cố", "Q18 Tệp đính kèm"}
    assert [c.fraction for c in tf["Q18 Tệp đính kèm"].choices] == [0, 100]


def test_shared_file_round_trips(gift_source):
    questions, _ = gift.parse(gift_source)
    again, errors = gift.parse(gift.write(questions))
    assert errors == []
    assert [q.key() for q in again] == [q.key() for q in questions]


ALL_FEATURES = r"""
// a comment
$CATEGORY: $course$/top/Gốc/Con

::Nhiều đáp án:: Chọn các việc nên làm\: {
~%50%Cập nhật bản vá #Đúng
~%50%Dùng mật khẩu mạnh
~%-100%Chia sẻ mật khẩu #Không bao giờ
####Nhận xét chung
}

::Ghép:: Ghép thuật ngữ với nghĩa {
=USB -> thiết bị lưu trữ
=VPN -> mạng riêng ảo
=2FA -> xác thực hai yếu tố
}

::Ngắn:: Phần mềm độc hại còn gọi là gì? {=mã độc =%50%virus #gần đúng}

::Đúng sai:: Mật khẩu nên dùng chung. {FALSE#Sai rồi#Chính xác}

Ký tự đặc biệt \{ \} \= \~ \# ở đây {=Có \= trong đáp án ~Không}

Điền vào chỗ trống: mật khẩu phải {=dài ~ngắn} và khó đoán.
"""


def test_every_supported_feature_parses_and_round_trips():
    questions, errors = gift.parse(ALL_FEATURES)
    assert errors == []
    kinds = [q.qtype for q in questions]
    assert kinds == ["multiple", "matching", "short", "true_false", "single", "single"]
    multiple, matching, short, tf, special, blank = questions
    assert multiple.category == "Gốc/Con"
    assert multiple.text == "Chọn các việc nên làm:"
    assert [c.fraction for c in multiple.choices] == [50, 50, -100]
    assert multiple.choices[2].feedback == "Không bao giờ"
    assert multiple.general_feedback == "Nhận xét chung"
    assert [(c.text, c.match) for c in matching.choices][1] == ("VPN", "mạng riêng ảo")
    assert [(c.text, c.fraction) for c in short.choices] == [
        ("mã độc", 100),
        ("virus", 50),
    ]
    assert short.choices[1].feedback == "gần đúng"
    assert [c.fraction for c in tf.choices] == [0, 100]
    assert tf.choices[1].feedback == "Chính xác"
    assert tf.choices[0].feedback == "Sai rồi"
    assert special.text == "Ký tự đặc biệt { } = ~ # ở đây"
    assert special.choices[0].text == "Có = trong đáp án"
    assert blank.text == "Điền vào chỗ trống: mật khẩu phải _____ và khó đoán."
    again, errors = gift.parse(gift.write(questions))
    assert errors == []
    assert [q.key() for q in again] == [q.key() for q in questions]


@pytest.mark.parametrize(
    ("source", "line", "fragment"),
    [
        ("$CATEGORY: A\n\nCâu hỏi {=a ~b\n", 3, "chưa được đóng"),
        ("$CATEGORY: A\n\nCâu {=a {~b}\n", 3, "chưa được đóng"),
        ("$CATEGORY: A\n\nCâu hỏi =a ~b }\n", 3, "không có dấu {"),
        ("$CATEGORY: A\n\nCâu {\n=a\n~\n}\n", 5, "phương án trống"),
        ("$CATEGORY: A\n\nCâu {#ba phẩy mười bốn}\n", 3, "không phải là số"),
        ("$CATEGORY: A\n\nCâu {~a ~b}\n", 3, "không có đáp án đúng"),
        ("$CATEGORY: A\n\nCâu {~%50%a ~%20%b}\n", 3, "100%"),
        ("$CATEGORY: A\n\nCâu {~%150%a =b}\n", 3, "trọng số"),
        ("$CATEGORY: A\n\nCâu {=a -> }\n", 3, "vế phải"),
        ("$CATEGORY: A\n\nCâu {=a} sau {=b}\n", 3, "một phần đáp án"),
        ("Câu {=a ~b}\n", 1, "nhóm"),
    ],
    ids=[
        "unclosed",
        "nested",
        "stray-close",
        "empty-choice",
        "numerical-not-a-number",
        "no-correct",
        "weights",
        "weight-out-of-range",
        "matching",
        "two-blocks",
        "no-category",
    ],
)
def test_hostile_gift_reports_line_numbered_vietnamese_errors(source, line, fragment):
    questions, errors = gift.parse(source)
    assert errors, questions
    assert errors[0].line == line
    assert fragment in errors[0].message
    assert str(errors[0]).startswith(f"Dòng {line}: ")


def test_errors_do_not_stop_later_questions_being_checked():
    source = "$CATEGORY: A\n\nMột {=a ~b\n\nHai {~a ~b}\n\nBa {=a ~b}\n"
    questions, errors = gift.parse(source)
    assert [e.line for e in errors] == [3, 5]
    assert [q.text for q in questions] == ["Ba"]


def test_default_category_applies_until_a_category_line():
    questions, errors = gift.parse(
        "Một {=a ~b}\n\n$CATEGORY: X/Y\n\nHai {=a ~b}", default_category="Mặc định"
    )
    assert errors == []
    assert [q.category for q in questions] == ["Mặc định", "X/Y"]


def test_writer_escapes_special_characters():
    q = gift.ParsedQuestion(
        category="A",
        qtype="single",
        text="a: {b} = ~c #d \\ e",
        choices=[
            gift.ParsedChoice("=x", Decimal(100)),
            gift.ParsedChoice("~y", Decimal(0)),
        ],
    )
    again, errors = gift.parse(gift.write([q]))
    assert errors == []
    assert again[0].key() == q.key()
