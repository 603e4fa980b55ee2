"""The check-in link as people use it, and misuse it, over HTTP: outsiders
learn nothing of a class, a link forwarded out of the room stops working,
and a learner who signs in after opening a fresh link is still checked in."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from courses.attendance import tokens
from courses.attendance.models import AttendanceRecord
from courses.attendance.services import class_membership_add
from tests.factories import DEFAULT_PASSWORD, make_person, verify_email

from .conftest import at

pytestmark = pytest.mark.django_db

CLASS_NAME = "Lớp tập huấn Xuân Lộc"
SESSION_TIME = "08:00"
NEUTRAL = "Không điểm danh được bằng liên kết này"


def check_in_url(klass, session, token):
    return reverse(
        "attendance:check_in",
        kwargs={"code": klass.code, "session_id": session.pk, "token": token},
    )


def assert_reveals_nothing(response, klass):
    body = response.content.decode()
    assert response.status_code == 404
    assert NEUTRAL in body
    assert CLASS_NAME not in body and klass.code not in body.replace(
        response.wsgi_request.path, ""
    )
    assert SESSION_TIME not in body and "01/12/2026" not in body
    assert 'id="confirm-checkin"' not in body


@pytest.fixture
def classmate(klass, units, province_admin):
    person = make_person(
        role="learner",
        unit=units["741"],
        full_name="Lê Thị Cúc",
        email="cuc.lt@xuanloc.example.gov.vn",
    )
    class_membership_add(training_class=klass, learner=person, added_by=province_admin)
    return person


def test_outsider_with_a_fresh_link_learns_nothing_of_the_class(
    client, klass, sessions, member, other_learner, officer, other_officer,
    time_machine,
):  # fmt: skip
    time_machine.move_to(at(1, 8, 0), tick=False)
    target = check_in_url(klass, sessions[0], tokens.make_token(
        session_id=sessions[0].pk, now=at(1, 8, 0)
    ))  # fmt: skip
    for outsider in (other_learner, officer, other_officer):
        client.force_login(outsider)
        assert_reveals_nothing(client.get(target), klass)
        assert_reveals_nothing(client.post(target), klass)
    assert not AttendanceRecord.objects.exists()
    # The member holding the same link is asked to confirm.
    client.force_login(member)
    body = client.get(target).content.decode()
    assert CLASS_NAME in body and 'id="confirm-checkin"' in body


@pytest.mark.parametrize(
    "token",
    [
        "bat-ky-chuoi-nao",
        # Well signed, but for another session than the one in the URL.
        lambda sessions: tokens.make_token(session_id=sessions[1].pk, now=at(1, 8)),
    ],
    ids=["garbage", "another-session"],
)
def test_member_with_a_bad_token_learns_nothing(
    client, klass, sessions, member, token, time_machine
):
    time_machine.move_to(at(1, 8, 0), tick=False)
    token = token(sessions) if callable(token) else token
    client.force_login(member)
    target = check_in_url(klass, sessions[0], token)
    assert_reveals_nothing(client.get(target), klass)
    assert_reveals_nothing(client.post(target), klass)
    assert not AttendanceRecord.objects.exists()


def test_unknown_class_or_session_reads_the_same(
    client, klass, sessions, other_learner, time_machine
):
    time_machine.move_to(at(1, 8, 0), tick=False)
    client.force_login(other_learner)
    token = tokens.make_token(session_id=sessions[0].pk, now=at(1, 8))
    known = client.get(check_in_url(klass, sessions[0], token))
    unknown = client.get(
        reverse(
            "attendance:check_in",
            kwargs={"code": "KHONG-CO", "session_id": 999999, "token": token},
        )
    )
    assert known.status_code == unknown.status_code == 404
    assert NEUTRAL in unknown.content.decode()


def test_signed_out_visitor_is_sent_to_sign_in_whatever_the_link(
    client, klass, sessions
):
    for token in ("bat-ky", tokens.make_token(session_id=sessions[0].pk, now=at(1, 8))):
        response = client.get(check_in_url(klass, sessions[0], token))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=" in response["Location"]


def test_link_forwarded_50_seconds_later_is_refused(
    klass, sessions, member, classmate, time_machine
):
    time_machine.move_to(at(1, 8, 0), tick=False)
    target = check_in_url(
        klass, sessions[0], tokens.make_token(session_id=sessions[0].pk, now=at(1, 8))
    )
    in_the_room = Client()
    in_the_room.force_login(member)
    assert in_the_room.get(target).status_code == 200
    assert "Đã điểm danh: Có mặt." in in_the_room.post(target).content.decode()

    # The link is sent to a classmate who is not there; they open it in
    # their own browser 50 s later (the code has rotated twice since).
    time_machine.move_to(at(1, 8, 0) + datetime.timedelta(seconds=50), tick=False)
    elsewhere = Client()
    elsewhere.force_login(classmate)
    elsewhere.get(target)
    response = elsewhere.post(target)
    assert response.status_code == 400
    assert "Mã QR đã hết hạn" in response.content.decode()
    assert not AttendanceRecord.objects.filter(learner=classmate).exists()
    # Opening it again later does not make it fresh either.
    time_machine.move_to(at(1, 8, 2), tick=False)
    assert elsewhere.post(target).status_code == 400
    assert not AttendanceRecord.objects.filter(learner=classmate).exists()


def test_learner_who_signs_in_after_opening_a_fresh_link_is_checked_in(
    client, klass, sessions, member, time_machine
):
    verify_email(member)
    # 08:14, one minute before the class counts late arrivals.
    time_machine.move_to(at(1, 8, 14), tick=False)
    target = check_in_url(
        klass,
        sessions[0],
        tokens.make_token(session_id=sessions[0].pk, now=at(1, 8, 14)),
    )
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    # Two minutes to remember the password: the code has rotated six times.
    time_machine.move_to(at(1, 8, 16), tick=False)
    signed_in = client.post(
        response["Location"], {"login": member.email, "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == target
    page = client.get(target).content.decode()
    assert 'id="confirm-checkin"' in page
    result = client.post(target)
    assert result.status_code == 200
    assert "Đã điểm danh: Có mặt." in result.content.decode()
    record = AttendanceRecord.objects.get(learner=member, session=sessions[0])
    assert (record.status, record.method) == ("present", "qr")


def test_fresh_opening_noted_in_one_browser_does_not_travel(
    klass, sessions, member, time_machine
):
    """The note lives in the browser's own server-side session: the learner
    who opened the link fresh on their phone cannot use it later from
    another browser."""
    time_machine.move_to(at(1, 8, 0), tick=False)
    target = check_in_url(
        klass, sessions[0], tokens.make_token(session_id=sessions[0].pk, now=at(1, 8))
    )
    phone = Client()
    phone.get(target)  # signed out: noted, sent to sign in
    time_machine.move_to(at(1, 8, 2), tick=False)
    laptop = Client()
    laptop.force_login(member)
    assert laptop.post(target).status_code == 400
    assert not AttendanceRecord.objects.exists()
