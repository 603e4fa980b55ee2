import datetime
import io
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from certificates.models import Certificate, CertificateExport
from certificates.services import certificate_revoke
from tests.factories import make_person, reauthenticate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _verify_url(certificate):
    return reverse("certificates:verify_token", args=[certificate.token])


def test_verify_page_shows_valid_certificate_without_dob_or_email(client, issued):
    response = client.get(_verify_url(issued))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Giấy chứng nhận còn hiệu lực." in body
    assert "Nguyễn Văn An" in body
    assert issued.number in body
    assert issued.unit_name in body
    assert issued.course_title in body
    assert "07/03/1985" not in body and "1985" not in body
    assert issued.learner.email not in body
    assert issued.agency_name not in body


SECRET_REASON = "Chép bài của Trần Thị Bình trong bài kiểm tra cuối khóa"


def _revoke_over_http(client, certificate, admin, data):
    client.force_login(admin)
    reauthenticate(client)
    return client.post(reverse("certificates:revoke", args=[certificate.pk]), data)


def test_verify_page_shows_the_category_never_the_free_text(
    client, issued, province_admin
):
    _revoke_over_http(
        client, issued, province_admin, {"category": "fraud", "reason": SECRET_REASON}
    )
    issued.refresh_from_db()
    assert issued.revocation_category == "fraud"
    client.logout()
    body = client.get(_verify_url(issued)).content.decode()
    assert "Giấy chứng nhận đã thu hồi." in body
    assert "Gian lận khi học hoặc kiểm tra" in body
    assert SECRET_REASON not in body and "Trần Thị Bình" not in body
    assert Certificate.objects.filter(pk=issued.pk).exists()


def test_staff_read_the_free_text_the_learner_only_the_category(
    client, issued, province_admin, officer, learner
):
    certificate_revoke(
        certificate=issued,
        revoked_by=province_admin,
        category="fraud",
        reason=SECRET_REASON,
    )
    detail = reverse("certificates:detail", args=[issued.pk])
    for staff in (province_admin, officer):
        client.force_login(staff)
        body = client.get(detail).content.decode()
        assert SECRET_REASON in body, staff
        assert "Gian lận khi học hoặc kiểm tra" in body
    client.force_login(learner)
    body = client.get(detail).content.decode()
    assert "Gian lận khi học hoặc kiểm tra" in body
    assert SECRET_REASON not in body


def test_verify_page_of_a_replaced_certificate_names_the_new_number(
    client, issued, province_admin
):
    _revoke_over_http(
        client, issued, province_admin, {"reason": SECRET_REASON, "reissue": "1"}
    )
    new = Certificate.objects.get(replaces=issued)
    client.logout()
    body = client.get(_verify_url(issued)).content.decode()
    assert f"Đã thay bằng giấy chứng nhận số {new.number}" in body
    assert SECRET_REASON not in body


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "Cấp nhầm người"},
        {"category": "", "reason": "Cấp nhầm người"},
        {"category": "replaced", "reason": "Cấp nhầm người"},
        {"category": "error", "reason": "   "},
    ],
    ids=["no-category", "blank-category", "replaced-by-hand", "no-reason"],
)
def test_revoke_without_category_or_reason_is_refused(
    client, issued, province_admin, data
):
    response = _revoke_over_http(client, issued, province_admin, data)
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.is_valid and issued.revocation_category == ""
    assert not Certificate.objects.filter(replaces=issued).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Phải chọn loại lý do thu hồi." in page or "Phải nêu lý do" in page


def test_unknown_token_is_404(client, db):
    assert client.get("/verify/khong-co-ma-nay/").status_code == 404


def test_short_code_form_redirects_to_the_result(client, issued):
    code = issued.short_code.lower().replace("-", " ")
    response = client.get(reverse("certificates:verify"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == _verify_url(issued)


def test_short_code_not_found(client, issued):
    response = client.get(reverse("certificates:verify"), {"code": "22222-22222"})
    assert response.status_code == 200
    assert "Không tìm thấy giấy chứng nhận" in response.content.decode()


def test_verify_is_rate_limited_per_address(client, issued, time_machine):
    start = datetime.datetime(2027, 3, 3, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    url = reverse("certificates:verify")
    statuses = [client.get(url, {"code": "22222-22222"}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    # Another address is not affected.
    assert client.get(_verify_url(issued), REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get(_verify_url(issued)).status_code == 429
    # A minute later the address may look again.
    time_machine.move_to(start + datetime.timedelta(seconds=61), tick=False)
    assert client.get(_verify_url(issued)).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("learner", 200),
        ("officer", 200),
        ("province_admin", 200),
        ("other_officer", 404),
        ("other_learner", 404),
    ],
)
def test_download_is_scoped(client, issued, request, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("certificates:download", args=[issued.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_download_when_the_renderer_fails(client, issued, learner, monkeypatch):
    """A PDF that cannot be rendered now: a clear message, nothing stored."""
    from certificates.renderer_client import RendererError

    def fail(certificate):
        raise RendererError("renderer died")

    monkeypatch.setattr("certificates.views.render_certificate_pdf", fail)
    client.force_login(learner)
    response = client.get(
        reverse("certificates:download", args=[issued.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("certificates:list")
    assert "chưa tạo được" in response.content.decode()
    issued.refresh_from_db()
    assert not issued.pdf_sha256


def test_anonymous_download_goes_to_login(client, issued):
    response = client.get(reverse("certificates:download", args=[issued.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "language, heading", [("vi", "Giấy chứng nhận"), ("en", "Certificate")]
)
def test_detail_heading_names_one_certificate(
    client, settings, issued, learner, language, heading
):
    """The list is "Certificates"; one certificate is not."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(learner)
    html = client.get(reverse("certificates:detail", args=[issued.pk])).content
    assert f'<h1 class="h3">{heading} {issued.number}</h1>' in html.decode()


def test_other_officer_cannot_see_detail(client, issued, other_officer):
    client.force_login(other_officer)
    assert (
        client.get(reverse("certificates:detail", args=[issued.pk])).status_code == 404
    )


def test_learner_lists_own_certificates(client, issued, learner):
    client.force_login(learner)
    body = client.get(reverse("certificates:list")).content.decode()
    assert issued.number in body


def test_revoke_view_admin_only(client, issued, officer, province_admin):
    url = reverse("certificates:revoke", args=[issued.pk])
    client.force_login(officer)
    assert client.post(url, {"category": "error", "reason": "x"}).status_code == 403
    client.force_login(province_admin)
    reauthenticate(client)
    client.post(url, {"category": "error", "reason": ""})
    issued.refresh_from_db()
    assert issued.is_valid
    client.post(url, {"category": "error", "reason": "Cấp nhầm"})
    issued.refresh_from_db()
    assert not issued.is_valid


def test_reissue_view(client, issued, province_admin):
    client.force_login(province_admin)
    reauthenticate(client)
    response = client.post(
        reverse("certificates:revoke", args=[issued.pk]),
        {"reason": "Sai ngày sinh", "reissue": "1"},
    )
    new = Certificate.objects.get(replaces=issued)
    assert response["Location"] == reverse("certificates:detail", args=[new.pk])


def test_bulk_issue_preview_and_issue_for_own_district(
    client,
    officer,
    learner,
    other_learner,
    course,
    template,
    enrol,
    units,
    django_capture_on_commit_callbacks,
):
    waiting = make_person(
        role="learner",
        unit=units["741"],
        full_name="Phan Thị Cúc",
        email="cuc@xuanloc.example.gov.vn",
    )
    enrol(learner, course, 88)
    enrol(waiting, course)
    enrol(other_learner, course, 99)  # Biên Hòa: not the officer's
    client.force_login(officer)
    url = reverse("certificates:issue")
    body = client.get(url, {"course": course.pk}).content.decode()
    assert "Nguyễn Văn An" in body
    assert "Phan Thị Cúc" in body and "Chưa đạt bài kiểm tra cuối khóa." in body
    assert "Trần Thị Bình" not in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"course": course.pk, "issue": "1"})
    assert response.status_code == 302
    assert list(Certificate.objects.values_list("learner", flat=True)) == [learner.pk]
    assert Certificate.objects.get().issued_by == officer
    # Afterwards the holder is listed as issued, with the number, never as
    # "not issued"; the one still studying stays under "not eligible".
    preview = client.get(url, {"course": course.pk}).context["preview"]
    assert [c.learner for c in preview.held] == [learner]
    assert [c.learner for c in preview.not_eligible] == [waiting]
    assert preview.eligible == []
    body = client.get(url, {"course": course.pk}).content.decode()
    held = body.split('id="held"')[1]
    assert "Nguyễn Văn An" in held and Certificate.objects.get().number in held
    assert (
        "Nguyễn Văn An" not in body.split('id="not-eligible"')[1].split('id="held"')[0]
    )


def test_bulk_issue_dispatches_one_task_after_the_commit(
    client,
    province_admin,
    learner,
    other_learner,
    course,
    template,
    enrol,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The request queues one task for the whole batch, and only once its
    transaction has committed; the task hands the learners out in chunks
    (test_bulk_issue), which issue to each."""
    from certificates import tasks

    enrol(learner, course, 88)
    enrol(other_learner, course, 99)
    batches, chunks = [], []
    monkeypatch.setattr(
        tasks.certificate_issue_batch, "delay", lambda *a: batches.append(a)
    )
    real_chunk = tasks.certificate_issue_chunk.delay
    monkeypatch.setattr(
        tasks.certificate_issue_chunk,
        "delay",
        lambda *a: chunks.append(a) or real_chunk(*a),
    )
    client.force_login(province_admin)
    url = reverse("certificates:issue")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"course": course.pk, "issue": "1"})
        assert batches == []  # nothing before the commit
    assert response.status_code == 302
    assert len(callbacks) == 1
    callbacks[0]()
    learners = sorted([learner.pk, other_learner.pk])
    assert batches == [(course.pk, learners, province_admin.pk, "")]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.certificate_issue_batch(*batches[0])
    assert chunks == [(course.pk, learners, province_admin.pk, "")]
    assert set(Certificate.objects.values_list("learner", flat=True)) == {
        learner.pk,
        other_learner.pk,
    }


def test_officer_cannot_pick_another_district(client, officer, course, units):
    client.force_login(officer)
    response = client.get(
        reverse("certificates:issue"), {"course": course.pk, "unit": units["731"].pk}
    )
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert response.context["form"].errors["unit"]


def test_learner_cannot_open_bulk_issue(client, learner):
    client.force_login(learner)
    assert client.get(reverse("certificates:issue")).status_code == 403


def test_zip_export_has_the_pdfs(client, issued, officer, course, units):
    client.force_login(officer)
    reauthenticate(client)
    response = client.post(
        reverse("certificates:issue"),
        {"course": course.pk, "unit": units["741"].pk, "export": "1"},
    )
    export = CertificateExport.objects.get()
    assert response["Location"] == reverse("certificates:export", args=[export.pk])
    status = client.get(
        reverse("certificates:export", args=[export.pk]),
        HTTP_ACCEPT="application/json",
    ).json()
    assert status["status"] == "done" and status["done"] == status["total"] == 1
    zipped = client.get(status["download"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    (name,) = archive.namelist()
    assert name.endswith(".pdf")
    assert archive.read(name).startswith(b"%PDF")


def test_export_is_private_to_its_requester(
    client, issued, officer, other_officer, course
):
    client.force_login(officer)
    reauthenticate(client)
    client.post(reverse("certificates:issue"), {"course": course.pk, "export": "1"})
    export = CertificateExport.objects.get()
    client.force_login(other_officer)
    assert (
        client.get(
            reverse("certificates:export_download", args=[export.pk])
        ).status_code
        == 404
    )


def test_register_book_xlsx(
    client, issued, officer, province_admin, learner, units, issuers
):
    learner.profile.full_name = '=HYPERLINK("http://x")'
    learner.profile.save()
    from certificates.services import certificate_reissue

    certificate_reissue(certificate=issued, issued_by=province_admin, reason="Sửa tên")
    client.force_login(officer)
    reauthenticate(client)
    response = client.get(
        reverse("certificates:register"),
        {"issuer": issuers["SKHCN"].pk, "year": issued.series.year},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in rows[0][0]
    assert rows[1][0] == "Số vào sổ"
    first, second = rows[2], rows[3]
    # No birth date column: the issuer's form does not print it.
    assert "Ngày sinh" not in rows[1]
    assert first[1] == issued.number and first[3] == issued.course_title
    assert first[5] == "Đã thu hồi" and "Sửa tên" in first[6]
    assert first[7] == "SỞ KHOA HỌC VÀ CÔNG NGHỆ, UBND TỈNH ĐỒNG NAI"
    assert second[2] == '\'=HYPERLINK("http://x")'
    assert second[5] == "Còn hiệu lực"


def test_register_book_needs_one_book(client, officer, units, issuers):
    client.force_login(officer)
    for query in (
        {"year": 2026},
        {"issuer": issuers["SKHCN"].pk, "unit": units["741"].pk, "year": 2026},
    ):
        response = client.get(reverse("certificates:register"), query)
        assert response["Content-Type"].startswith("text/html")
        assert "Chọn sổ của một cơ quan cấp hoặc một đơn vị." in (
            response.content.decode()
        )


def test_register_book_other_district_refused(client, officer, units):
    client.force_login(officer)
    response = client.get(
        reverse("certificates:register"), {"unit": units["731"].pk, "year": 2026}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def _issue_for_many(n, course, enrol, units):
    from certificates.services import certificate_issue

    for i in range(n):
        person = make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Người Học {i}",
            email=f"nh{i}@xuanloc.example.gov.vn",
        )
        enrol(person, course, 75)
        certificate_issue(learner=person, course=course)


@pytest.mark.parametrize("size", [1, 8], ids=["one", "eight"])
def test_list_query_count_does_not_grow(
    client, officer, course, template, enrol, units, size, django_assert_max_num_queries
):
    _issue_for_many(size, course, enrol, units)
    client.force_login(officer)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("certificates:list"))
    assert response.content.decode().count("Người Học") == size


@pytest.mark.parametrize("size", [1, 8], ids=["one", "eight"])
def test_verify_query_count(
    client, course, template, enrol, units, size, django_assert_max_num_queries
):
    _issue_for_many(size, course, enrol, units)
    certificate = Certificate.objects.first()
    with django_assert_max_num_queries(4):
        assert client.get(_verify_url(certificate)).status_code == 200
