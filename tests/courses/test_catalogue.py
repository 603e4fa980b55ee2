import pytest
from django.urls import reverse

from courses.models import CoursePage

from .conftest import make_course


@pytest.fixture
def two_courses(catalogue):
    a = make_course(
        catalogue,
        code="ATTT-01",
        title="An toàn thông tin cơ bản",
        audience=CoursePage.Audience.ALL,
        enrolment_policy=CoursePage.EnrolmentPolicy.OPEN,
    )
    b = make_course(
        catalogue,
        code="HT-02",
        title="Đăng nhập một lần và quản trị hệ thống",
        audience=CoursePage.Audience.IT_STAFF,
        level=CoursePage.Level.ADVANCED,
        enrolment_policy=CoursePage.EnrolmentPolicy.APPROVAL,
    )
    return a, b


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("an toan thong tin", {"ATTT-01"}),
        ("dang", {"HT-02"}),
        ("AN TOÀN", {"ATTT-01"}),
        ("quan tri", {"HT-02"}),
        ("khong co", set()),
    ],
    ids=["no-diacritics", "d-for-đ", "upper-with-marks", "words", "none"],
)
def test_search_ignores_diacritics(client, catalogue, two_courses, query, expected):
    response = client.get(catalogue.url, {"q": query})
    assert {c.code for c in response.context["courses"]} == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"audience": "it_staff"}, {"HT-02"}),
        ({"level": "basic"}, {"ATTT-01"}),
        ({"enrolment_policy": "open"}, {"ATTT-01"}),
        ({"enrolment_policy": "bogus"}, {"ATTT-01", "HT-02"}),
    ],
)
def test_filters(client, catalogue, two_courses, params, expected):
    response = client.get(catalogue.url, params)
    assert {c.code for c in response.context["courses"]} == expected


def _catalogue_queries(client, catalogue, n, start=0):
    for i in range(start, start + n):
        make_course(catalogue, code=f"K-{i}", title=f"Khóa {i}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(catalogue.url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_query_count_does_not_grow(client, catalogue, learner):
    client.force_login(learner)
    client.get(catalogue.url)  # warm caches (site root paths)
    small = _catalogue_queries(client, catalogue, 3)
    large = _catalogue_queries(client, catalogue, 9, start=3)
    assert small == large
    assert small <= 16


def _cover(name: str):
    """A small real PNG as a Wagtail image."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 630), (13, 71, 161)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=name, file=ImageFile(buffer, name=f"{name}.png")
    )


def test_cover_images_cost_no_query_per_card(client, catalogue, learner):
    """Covers and their renditions come with the course list (prefetched,
    even with an empty cache); the list is then kept until a page changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(learner)

    def add(n, start):
        for i in range(start, start + n):
            make_course(
                catalogue, code=f"C-{i}", title=f"Khóa {i}", cover_image=_cover(f"c{i}")
            )

    def queries():
        client.get(catalogue.url)  # renditions made, the list kept
        with CaptureQueriesContext(connection) as cold:
            from django.core.cache import cache

            cache.clear()  # nothing kept: no list, no rendition, no user
            response = client.get(catalogue.url)
        with CaptureQueriesContext(connection) as warm:
            client.get(catalogue.url)
        assert response.content.decode().count('class="card-img-top"') == len(
            response.context["courses"]
        )
        return len(cold), len(warm)

    add(2, 0)
    small = queries()
    add(5, 2)
    large = queries()
    assert small == large
    assert small[1] < small[0]


def test_enrol_button_per_policy(client, catalogue, two_courses, learner):
    open_course, approval_course = two_courses
    client.force_login(learner)
    html = client.get(open_course.url).content.decode()
    assert reverse("courses:enrol", args=[open_course.pk]) in html
    assert "Ghi danh" in html
    html = client.get(approval_course.url).content.decode()
    assert "Đăng ký học" in html
    officer_course = make_course(
        catalogue,
        code="CB-3",
        title="Khóa do cán bộ ghi danh",
        enrolment_policy=CoursePage.EnrolmentPolicy.OFFICER,
    )
    html = client.get(officer_course.url).content.decode()
    assert reverse("courses:enrol", args=[officer_course.pk]) not in html
    assert "Cán bộ phụ trách của đơn vị ghi danh" in html


def test_enrolled_badge_follows_the_enrolment(
    client, catalogue, two_courses, learner, officer
):
    """The catalogue's "enrolled" badges come from the learner's cached
    enrolment statuses: read without a query once kept, right after every
    change (enrolled, then withdrawn)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses import services

    open_course, approval_course = two_courses
    client.force_login(learner)

    def badges():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(catalogue.url)
        reads = [q for q in queries.captured_queries if "courses_enrolment" in q["sql"]]
        return response.content.decode().count("Đã ghi danh</span>"), len(reads)

    assert badges()[0] == 0
    enrolment = services.enrolment_create(
        learner=learner, course=open_course, actor=learner
    )
    assert badges() == (1, 1)
    assert badges() == (1, 0), "the second view reads the kept statuses"

    services.enrolment_request(learner=learner, course=approval_course)
    assert badges()[0] == 1, "a request waiting for approval is no enrolment"

    services.enrolment_withdraw(enrolment=enrolment, actor=officer, reason="Nghỉ")
    assert badges()[0] == 0
