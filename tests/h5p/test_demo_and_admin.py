"""The demo seeder and the admin upload."""

from __future__ import annotations

import io

import pytest

from courses.h5p.models import H5PContent, H5PContentVersion, H5PLibrary

from .helpers import true_false_package

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_places_the_exercise(course_tree):
    from courses.h5p import demo
    from courses.models import LessonPage

    out = io.StringIO()
    demo.seed(stdout=out, style=None)
    demo.seed(stdout=out, style=None)
    content = H5PContent.objects.get(title=demo.TITLE)
    assert content.versions.count() == 1
    assert content.current_version.main_library.status == H5PLibrary.Status.APPROVED
    lesson = LessonPage.objects.get(pk=course_tree["lesson"].pk)
    placed = [b for b in lesson.body.raw_data if b["type"] == "h5p"]
    assert [b["value"] for b in placed].count(content.pk) == 1


def test_seed_without_course_creates_content_only(db):
    from courses.h5p import demo

    demo.seed(stdout=io.StringIO(), style=None)
    assert H5PContent.objects.filter(title=demo.TITLE).exists()


@pytest.fixture
def admin_client(client, province_admin):
    province_admin.is_superuser = True
    province_admin.is_staff = True
    province_admin.save()
    client.force_login(province_admin)
    return client


def test_admin_upload_creates_a_version_and_refuses_bad_packages(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("wagtailsnippets_h5p_h5pcontent:add")
    bad = SimpleUploadedFile("x.h5p", b"not a zip", content_type="application/zip")
    response = admin_client.post(
        url, {"title": "Thử", "pass_threshold": 80, "package": bad}
    )
    assert response.status_code == 200
    assert "Tệp không phải gói H5P (tệp ZIP) hợp lệ." in response.content.decode()
    assert H5PContent.objects.count() == 0

    good = SimpleUploadedFile("bai-tap.h5p", true_false_package())
    response = admin_client.post(
        url, {"title": "Thử", "pass_threshold": 80, "package": good}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = H5PContentVersion.objects.get()
    assert version.content.title == "Thử"
    assert version.uploaded_by is not None
    assert version.main_library.status == H5PLibrary.Status.PENDING


REAL = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "h5p-real"


def test_admin_upload_of_real_packages(admin_client, province_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from courses.h5p.services import library_set_status

    url = reverse("wagtailsnippets_h5p_h5pcontent:add")

    def upload(path, title):
        package = SimpleUploadedFile(path.name, path.read_bytes())
        return admin_client.post(
            url,
            {"title": title, "pass_threshold": 80, "package": package},
            follow=True,
        )

    # Every error of a package, each with its file and field.
    response = upload(REAL / "invalid" / "2-invalid-libraries.h5p", "Hỏng")
    html = response.content.decode()
    assert "Tệp ngôn ngữ không hợp lệ: H5P.GreetingCard-1.0/language/XXX!.json" in html
    assert "H5P.GreetingCard2-1.0/library.json: thiếu trường “title”." in html
    assert H5PContent.objects.count() == 0

    # A real export as H5P writes it (versions as strings) is accepted.
    response = upload(REAL / "H5P.MultiChoice.h5p", "Trắc nghiệm")
    assert response.redirect_chain, response.content.decode()[:2000]
    for library in H5PLibrary.objects.all():
        library_set_status(
            library=library, status=H5PLibrary.Status.APPROVED, user=province_admin
        )
    # Newer patches of shared libraries: accepted, the upgrade waits.
    response = upload(REAL / "xss-svg.h5p", "Điền từ")
    assert response.redirect_chain
    html = response.content.decode()
    assert "Gói có bản vá mới H5P.Image 1.1.22" in html
    assert "bài tập dùng bản H5P.Image 1.1.9" in html
    assert H5PContentVersion.objects.count() == 2
