"""Pages get short ASCII addresses from Vietnamese titles."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage
from elearning.slugs import ascii_slug

pytestmark = pytest.mark.django_db


def test_ascii_slug_folds_vietnamese_and_cuts_at_a_word():
    assert ascii_slug("Bài 1. Tài khoản và mật khẩu") == "bai-1-tai-khoan-va-mat-khau"
    assert ascii_slug("ĐỒNG NAI – Đắk Ơ") == "dong-nai-dak-o"
    long = ascii_slug("Kỹ năng cơ bản bảo đảm an toàn thông tin " * 4, max_length=30)
    assert long == "ky-nang-co-ban-bao-dam-an-toan"


def test_page_copied_in_the_admin_gets_an_ascii_slug(
    client, catalogue, province_admin, trainer
):
    from courses.authoring import course_authoring_setup
    from tests.courses.conftest import make_course

    course_authoring_setup(index=catalogue)
    course = make_course(catalogue, code="ATTT", title="An toàn", owner=trainer)
    client.force_login(province_admin)
    # As Wagtail's editor sends it: the slug filled from the title, accents kept.
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[course.pk]),
        {
            "new_title": "Bản sao Đồng Nai",
            "new_slug": "bản-sao-đồng-nai",
            "new_parent_page": catalogue.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    copy = CoursePage.objects.exclude(pk=course.pk).get()
    assert copy.slug == "ban-sao-dong-nai"
    assert "%" not in copy.url


def test_page_without_slug_gets_a_unique_one_from_its_title():
    root = Page.objects.get(depth=1).get_children().first()
    index = root.add_child(instance=CourseIndexPage(title="Khóa học"))
    first = index.add_child(instance=CoursePage(title="An toàn thông tin", code="A-1"))
    second = index.add_child(instance=CoursePage(title="An toàn thông tin", code="A-2"))
    assert (first.slug, second.slug) == ("an-toan-thong-tin", "an-toan-thong-tin-2")
