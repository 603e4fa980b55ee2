"""The officer's staff picker and enrolments filter ignore case and diacritics."""

import pytest
from django.urls import reverse

from courses import services
from courses.selectors import district_enrolments
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def ngoc(units):
    return make_person(
        role="learner",
        unit=units["741"],
        full_name="Trần Thị Bích Ngọc",
        email="ngoc.ttb@xl.vn",
    )


@pytest.fixture
def namesake(units):
    """Same name, another district: never found by the Xuân Lộc officer."""
    return make_person(
        role="learner",
        unit=units["731"],
        full_name="Trần Thị Bích Ngọc",
        email="ngoc.ttb@bh.vn",
    )


@pytest.mark.parametrize("q", ["ngoc", "NGỌC", "bich tran", "Bích Ngọc"])
def test_enrol_picker_finds_without_diacritics(client, officer, ngoc, namesake, q):
    client.force_login(officer)
    page = client.get(reverse("courses:officer_enrol"), {"q": q})
    assert [p.user for p in page.context["staff"]] == [ngoc]


def test_enrol_picker_d_with_stroke(client, officer, learner):
    # The officer himself is Lê Hoàng Đức; the learner is Nguyễn Văn An.
    client.force_login(officer)
    page = client.get(reverse("courses:officer_enrol"), {"q": "duc hoang"})
    assert [p.user for p in page.context["staff"]] == [officer]
    page = client.get(reverse("courses:officer_enrol"), {"q": "nguyen an"})
    assert [p.user for p in page.context["staff"]] == [learner]


def test_enrolments_filter_folds_and_stays_scoped(
    officer, course, learner, ngoc, namesake
):
    for person in (learner, ngoc, namesake):
        services.enrolment_create(learner=person, course=course, actor=person)

    def who(q):
        qs = district_enrolments(officer=officer, params={"q": q})
        return [e.learner for e in qs]

    assert who("ngoc") == [ngoc]
    assert who("NGUYỄN văn") == [learner]
    assert who("an.nv@") == [learner]
    assert who("ngoc tran thi") == [ngoc]
    assert who("ngoc nguyen") == []
