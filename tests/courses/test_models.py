from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from courses.models import CoursePage

from .conftest import make_course

# Page() looks up the default locale.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "word"),
    [
        ("95", "Xuất sắc"),
        ("90", "Xuất sắc"),
        ("89.99", "Giỏi"),
        ("80", "Giỏi"),
        ("70", "Khá"),
        ("50", "Trung bình"),
        ("49.5", "Không đạt"),
        ("0", "Không đạt"),
    ],
)
def test_grade_word_default_scale(score, word):
    assert CoursePage().grade_word(Decimal(score)) == word


def test_grade_word_custom_scale():
    course = CoursePage(
        pass_mark=Decimal("70"),
        grade_fair=Decimal("75"),
        grade_good=Decimal("85"),
        grade_excellent=Decimal("95"),
    )
    assert course.grade_word(Decimal("65")) == "Không đạt"
    assert course.grade_word(Decimal("72")) == "Trung bình"
    assert course.grade_word(Decimal("90")) == "Giỏi"


def test_grade_word_is_stored_in_vietnamese_whatever_the_language():
    """A certificate issued while the admin reads the site in English still
    says "Giỏi" (the word is stored as issued and translated on screens)."""
    with translation.override("en"):
        assert CoursePage().grade_word(Decimal("85")) == "Giỏi"
        assert CoursePage().grade_word(Decimal("10")) == "Không đạt"


def test_scale_must_increase():
    course = CoursePage(title="A", code="A", grade_good=Decimal("60"))
    with pytest.raises(ValidationError):
        course.clean()


def test_at_least_one_completion_rule():
    course = CoursePage(title="A", code="A", require_lessons=False)
    with pytest.raises(ValidationError):
        course.clean()
    course.min_attendance_percent = 80
    course.clean()


def test_search_text_is_folded(catalogue):
    course = make_course(catalogue, code="X-1", title="Đăng ký An toàn thông tin")
    assert course.search_text.startswith("dang ky an toan thong tin")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_choice_labels_are_djangos(language):
    """The course's display methods give what Django's generic
    get_FOO_display() gives, for every choice, an unknown value, each language."""
    from django.db.models import Model
    from django.utils import translation

    course = CoursePage()
    for field in ("level", "audience", "enrolment_policy"):
        model_field = CoursePage._meta.get_field(field)
        for value in [*(v for v, _ in model_field.choices), "khong-co"]:
            setattr(course, field, value)
            with translation.override(language):
                ours = getattr(course, f"get_{field}_display")()
                djangos = Model._get_FIELD_display(course, model_field)
            assert ours == djangos, (field, value)
            assert isinstance(ours, str)
