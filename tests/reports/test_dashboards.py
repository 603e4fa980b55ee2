import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_person

from .dataset import Status, at, enrol
from .helpers import soup, summary, table

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")
PROVINCE = reverse("reports:province")
A = "An toàn thông tin cơ bản (ATTT-CB)"
B = "An toàn thông tin nâng cao (ATTT-NC)"
XL_AGENCY = "Văn phòng HĐND và UBND Huyện Xuân Lộc"
BH_AGENCY = "Văn phòng HĐND và UBND Thành phố Biên Hòa"


def test_officer_dashboard_shows_their_district(client, dataset, officer):
    client.force_login(officer)
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200
    assert summary(response) == {
        "staff_count": "6",
        "enrolled": "6",
        "in_progress": "3",
        "completed": "3",
        "completion_rate": "50,0 %",
        "quiz_pass_rate": "66,7 %",
        "classes_held": "1",
        "attendance_rate": "55,6 %",
        "certificates_issued": "2",
    }
    courses = table(response, "course")
    # A staff count has no meaning per course: that column is left out.
    assert courses[A] == {
        "enrolled": "5",
        "in_progress": "2",
        "completed": "3",
        "completion_rate": "60,0 %",
        "quiz_pass_rate": "66,7 %",
        "classes_held": "1",
        "attendance_rate": "55,6 %",
        "certificates_issued": "2",
    }
    assert courses[B]["enrolled"] == "1"
    assert courses[B]["attendance_rate"] == "—"
    assert courses[B]["completed"] == "0"
    agencies = table(response, "agency")
    assert list(agencies) == [XL_AGENCY]
    assert agencies[XL_AGENCY]["staff_count"] == "6"
    assert agencies[XL_AGENCY]["quiz_pass_rate"] == "66,7 %"
    assert agencies[XL_AGENCY]["attendance_rate"] == "55,6 %"
    assert agencies[XL_AGENCY]["certificates_issued"] == "2"
    # Classes serve units, not agencies: no such column per agency.
    assert "classes_held" not in agencies[XL_AGENCY]
    assert BH_AGENCY not in response.content.decode()
    # Charts read their data from json_script elements; no inline script.
    page = soup(response)
    assert page.find("script", id="chart-course-data")["type"] == "application/json"
    assert all(
        s.get("src") or s.get("type") == "application/json" for s in page("script")
    )


def test_other_officer_sees_biên_hòa_only(client, dataset, other_officer):
    client.force_login(other_officer)
    response = client.get(URL, {"year": 2026})
    assert summary(response)["enrolled"] == "5"
    assert summary(response)["completion_rate"] == "20,0 %"
    assert summary(response)["quiz_pass_rate"] == "100,0 %"
    assert summary(response)["attendance_rate"] == "50,0 %"
    assert summary(response)["certificates_issued"] == "1"
    assert summary(response)["classes_held"] == "1"
    assert list(table(response, "agency")) == [BH_AGENCY]


def test_another_districts_unit_in_the_query_string_is_404(
    client, dataset, officer, units
):
    client.force_login(officer)
    assert client.get(URL, {"unit": units["731"].pk}).status_code == 404
    assert client.get(URL, {"unit": units["75"].pk}).status_code == 404
    assert client.get(URL, {"unit": units["741"].pk}).status_code == 200


def test_date_range(client, dataset, officer):
    client.force_login(officer)
    response = client.get(URL, {"start": "01/01/2026", "end": "31/05/2026"})
    assert summary(response)["completed"] == "1"
    assert summary(response)["in_progress"] == "5"
    bad = client.get(URL, {"start": "31/05/2026", "end": "01/01/2026"})
    assert bad.status_code == 200
    assert "Ngày bắt đầu phải trước" in bad.content.decode()


def test_admin_may_choose_any_district(client, dataset, province_admin, units):
    client.force_login(province_admin)
    response = client.get(URL, {"year": 2026, "unit": units["731"].pk})
    assert summary(response)["enrolled"] == "5"
    whole = client.get(URL, {"year": 2026})
    # 12 people in the two districts, the admin and nobody else.
    assert summary(whole)["staff_count"] == "13"
    assert summary(whole)["enrolled"] == "11"
    assert summary(whole)["completion_rate"] == "36,4 %"


@pytest.mark.parametrize("who", ["learner", "trainer"])
def test_learners_and_trainers_may_not_read_reports(client, dataset, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(PROVINCE).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_province_dashboard(client, dataset, province_admin, officer):
    client.force_login(province_admin)
    response = client.get(PROVINCE, {"year": 2026})
    assert response.status_code == 200
    districts = table(response, "district")
    xl = "Huyện Xuân Lộc (hết hiệu lực từ 01/07/2025)"
    bh = "Thành phố Biên Hòa (hết hiệu lực từ 01/07/2025)"
    assert districts[xl]["enrolled"] == "6"
    assert districts[xl]["completion_rate"] == "50,0 %"
    assert districts[bh]["completed"] == "1"
    assert districts["Tổng cộng"]["enrolled"] == "11"
    assert districts["Tổng cộng"]["completion_rate"] == "36,4 %"
    assert districts[xl]["quiz_pass_rate"] == "66,7 %"
    assert districts[xl]["attendance_rate"] == "55,6 %"
    assert districts[xl]["certificates_issued"] == "2"
    assert districts[xl]["classes_held"] == "1"
    assert districts[bh]["quiz_pass_rate"] == "100,0 %"
    assert districts[bh]["attendance_rate"] == "50,0 %"
    assert districts["Tổng cộng"]["quiz_pass_rate"] == "75,0 %"
    assert districts["Tổng cộng"]["attendance_rate"] == "54,5 %"
    assert districts["Tổng cộng"]["certificates_issued"] == "3"
    assert districts["Tổng cộng"]["classes_held"] == "2"
    months = table(response, "month")
    zero = {"classes_held": "0", "certificates_issued": "0"}
    assert months["02/2026"] == {"enrolled": "4", "completed": "0", **zero}
    assert months["06/2026"] == {
        "enrolled": "1",
        "completed": "2",
        "classes_held": "0",
        "certificates_issued": "1",
    }
    assert months["03/2026"]["classes_held"] == "1"
    assert months["09/2026"]["classes_held"] == "1"
    assert months["08/2026"]["enrolled"] == "4"
    held = table(response, "course")
    assert held[A]["enrolled"] == "6"
    assert held[B]["enrolled"] == "5"
    assert (held[A]["classes_held"], held[B]["classes_held"]) == ("1", "1")
    assert held[A]["quiz_pass_rate"] == "75,0 %"
    assert held[A]["certificates_issued"] == "3"
    trainers = table(response, "trainer")
    assert trainers == {
        "Võ Thị Giang": {
            "trainer_classes": "2",
            "trainer_sessions": "5",
            "trainer_marked": "3",
        }
    }
    page = soup(response)
    assert page.find("canvas", id="chart-district")["data-type"] == "bar"
    assert page.find("canvas", id="chart-month")["data-type"] == "line"
    client.force_login(officer)
    assert client.get(PROVINCE).status_code == 403


def _count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


# Pinned: ~8 for the session, user and scope, then one query per metric and
# grouping plus one per list of names (courses, agencies, units); the four
# enrolment figures share one query per grouping (their ``batch``), the
# attendance rate takes two (expected and attended); the district dashboard
# adds its additive totals up from the agency table, so only the classes
# held are asked for the total; the province page takes three more for the
# trainers' activity.
@pytest.mark.parametrize(
    ("who", "url", "pinned"),
    [
        ("officer", URL, 23),
        ("province_admin", PROVINCE, 25),
        ("province_admin", URL, 18),
    ],
    ids=["district-officer", "province", "district-admin"],
)
def test_query_count_does_not_grow_with_learners(
    client,
    make_dataset,
    request,
    who,
    url,
    pinned,
    django_assert_max_num_queries,
    time_machine,
):
    # The province page's trend has a row per year from the data's first
    # (2026) to today, at most five, each read from its kept figures: the
    # budget is the page's as seen in the data's year.
    time_machine.move_to(
        datetime.datetime(
            2026, 12, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
        )
    )
    user = request.getfixturevalue(who)
    client.force_login(user)
    data = make_dataset(2)
    client.get(url)  # the session's first request records it (usersessions)
    small = _count(client, url, {"year": 2026})

    for i in range(10):
        person = make_person(
            role="learner",
            unit=data.xuan_loc[0].profile.unit,
            full_name=f"Thêm Người {i}",
            email=f"them{i}@xuanloc.example.gov.vn",
        )
        enrol(person, data.course_a, created=at(2026, 3, 1), status=Status.IN_PROGRESS)
    large = _count(client, url, {"year": 2026})
    assert small == large
    with django_assert_max_num_queries(pinned):
        client.get(url, {"year": 2026})
