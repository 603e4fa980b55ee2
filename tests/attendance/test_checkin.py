"""QR check-in: tokens that expire, cannot be forged, replayed or reused."""

import datetime

import pytest
from wagtail.models import ModelLogEntry

from courses.attendance import tokens
from courses.attendance.models import AttendanceRecord
from courses.attendance.services import attendance_check_in

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def check_in(session, learner, *, made, used, token=None, ip=None):
    token = token or tokens.make_token(session_id=session.pk, now=made)
    return attendance_check_in(
        session=session, learner=learner, token=token, now=used, ip=ip
    )


def refusals(session):
    return list(
        ModelLogEntry.objects.filter(
            action="attendance.checkin_refused", object_id=str(session.pk)
        ).values_list("data__reason", flat=True)
    )


def test_on_time_is_present_and_records_method(sessions, member):
    result = check_in(
        sessions[0],
        member,
        made=at(1, 8, 5),
        used=at(
            1,
            8,
            5,
        ),
    )
    assert result.ok and result.code == "present"
    record = AttendanceRecord.objects.get(session=sessions[0], learner=member)
    assert (record.status, record.method, record.recorded_by) == (
        "present",
        "qr",
        member,
    )
    assert result.message == "Đã điểm danh: Có mặt."


def test_after_late_threshold_is_late(sessions, member):
    result = check_in(sessions[0], member, made=at(1, 8, 16), used=at(1, 8, 16))
    assert result.code == "late"
    assert AttendanceRecord.objects.get(learner=member).status == "late"


def test_replay_by_same_learner_says_already_checked_in(sessions, member):
    token = tokens.make_token(session_id=sessions[0].pk, now=at(1, 8, 0))
    first = check_in(sessions[0], member, made=None, used=at(1, 8, 0), token=token)
    again = check_in(
        sessions[0],
        member,
        made=None,
        used=at(1, 8, 0) + datetime.timedelta(seconds=20),
        token=token,
    )
    assert first.code == "present"
    assert again.ok and again.code == "already"
    assert "đã điểm danh" in again.message
    assert AttendanceRecord.objects.count() == 1
    # Only one change was logged: the replay wrote nothing.
    assert ModelLogEntry.objects.filter(action="attendance.mark").count() == 1


@pytest.mark.parametrize(
    ("age_seconds", "accepted"),
    [(0, True), (19, True), (39, True), (40, False), (50, False), (600, False)],
    ids=["fresh", "same-slot", "one-rotation", "two-rotations", "50-s", "ten-min"],
)
def test_token_is_refused_once_two_rotations_old(
    sessions, member, age_seconds, accepted
):
    # The code rotates every 20 s (the default), slots aligned to the
    # epoch: 08:00:00 starts one, 08:00:20 and 08:00:40 rotate it.
    assert tokens.slot_seconds() == 20
    made = at(1, 8, 0)
    used = made + datetime.timedelta(seconds=age_seconds)
    result = check_in(sessions[0], member, made=made, used=used)
    assert result.ok is accepted
    if not accepted:
        assert result.code == "expired"
        assert "hết hạn" in result.message
        assert refusals(sessions[0]) == ["expired"]
        assert not AttendanceRecord.objects.exists()


def test_rotation_is_a_setting(sessions, member, settings):
    settings.ATTENDANCE_QR_ROTATE_SECONDS = 60
    made = at(1, 8, 0)
    late = check_in(
        sessions[0], member, made=made, used=made + datetime.timedelta(seconds=100)
    )
    assert late.code == "present"


def test_token_opened_fresh_is_judged_when_it_was_opened(sessions, member):
    made = at(1, 8, 14)
    token = tokens.make_token(session_id=sessions[0].pk, now=made)
    # Opened at 08:14:05 (fresh, not yet late), confirmed 3 minutes later.
    result = attendance_check_in(
        session=sessions[0],
        learner=member,
        token=token,
        seen_at=made + datetime.timedelta(seconds=5),
        now=at(1, 8, 17),
    )
    assert result.code == "present"


@pytest.mark.parametrize(
    "seen_after_made",
    [datetime.timedelta(seconds=50), datetime.timedelta(minutes=-30)],
    ids=["opened-stale", "noted-before-it-was-made"],
)
def test_a_stale_first_opening_does_not_help(sessions, member, seen_after_made):
    made = at(1, 8, 0)
    token = tokens.make_token(session_id=sessions[0].pk, now=made)
    result = attendance_check_in(
        session=sessions[0],
        learner=member,
        token=token,
        seen_at=made + seen_after_made,
        now=made + datetime.timedelta(minutes=1),
    )
    assert result.code == "expired"
    assert not AttendanceRecord.objects.exists()


def test_first_opening_counts_only_for_a_while(sessions, member, settings):
    made = at(1, 8, 0)
    token = tokens.make_token(session_id=sessions[0].pk, now=made)
    result = attendance_check_in(
        session=sessions[0],
        learner=member,
        token=token,
        seen_at=made,
        now=made
        + datetime.timedelta(seconds=settings.ATTENDANCE_QR_CONFIRM_SECONDS + 1),
    )
    assert result.code == "expired"


def test_first_opening_noted_once_and_only_for_our_tokens(sessions):
    store = {}
    token = tokens.make_token(session_id=sessions[0].pk, now=at(1, 8))
    first = tokens.note_first_seen(
        store, session_id=sessions[0].pk, token=token, now=at(1, 8)
    )
    again = tokens.note_first_seen(
        store, session_id=sessions[0].pk, token=token, now=at(1, 9)
    )
    assert first == again == at(1, 8)
    assert (
        tokens.note_first_seen(
            store, session_id=sessions[1].pk, token=token, now=at(1, 8)
        )
        is None
    )
    assert (
        tokens.note_first_seen(
            store, session_id=sessions[0].pk, token=token + "x", now=at(1, 8)
        )
        is None
    )
    assert len(store[tokens.SEEN_SESSION_KEY]) == 1


def test_token_from_the_future_is_refused(sessions, member):
    result = check_in(sessions[0], member, made=at(1, 9), used=at(1, 8, 30))
    assert result.code == "expired"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: "x" + t,
        lambda t: "không-phải-mã",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_tampered_token_is_refused_and_logged(sessions, member, mangle):
    token = mangle(tokens.make_token(session_id=sessions[0].pk, now=at(1, 8)))
    result = check_in(sessions[0], member, made=None, used=at(1, 8), token=token)
    assert not result.ok and result.code == "invalid"
    assert result.message.startswith("Mã QR không hợp lệ")
    assert refusals(sessions[0]) == ["invalid"]
    assert not AttendanceRecord.objects.exists()


def test_token_signed_with_another_salt_is_refused(sessions, member):
    from django.core import signing

    token = signing.dumps({"s": sessions[0].pk, "t": tokens.slot_of(at(1, 8))})
    result = check_in(sessions[0], member, made=None, used=at(1, 8), token=token)
    assert result.code == "invalid"


def test_token_of_another_session_is_refused(sessions, member):
    # Sessions 1 and 2 are both "open" if the windows overlapped; a token
    # for session 2 never checks in to session 1.
    token = tokens.make_token(session_id=sessions[1].pk, now=at(1, 8))
    result = check_in(sessions[0], member, made=None, used=at(1, 8), token=token)
    assert result.code == "wrong_session"
    assert "không dùng cho buổi học này" in result.message
    assert refusals(sessions[0]) == ["wrong_session"]


def test_future_session_is_not_open(sessions, member):
    # A fresh token for the session of 3 December, used on 1 December.
    result = check_in(sessions[1], member, made=at(1, 9), used=at(1, 9))
    assert result.code == "not_open"
    assert "chưa mở điểm danh" in result.message
    assert "07:30 03/12/2026" in result.message


@pytest.mark.parametrize(
    ("used", "code"),
    [
        (at(1, 7, 29), "not_open"),
        (at(1, 7, 30), "present"),
        (at(1, 11, 30), "late"),
        (at(1, 11, 31), "closed"),
    ],
    ids=["31-min-before", "30-min-before", "at-end", "after-end"],
)
def test_window_opens_before_start_and_closes_at_end(sessions, member, used, code):
    result = check_in(sessions[0], member, made=used, used=used)
    assert result.code == code


def test_learner_not_in_class_is_refused(sessions, other_learner):
    result = check_in(sessions[0], other_learner, made=at(1, 8), used=at(1, 8))
    assert result.code == "not_member"
    assert result.message == "Bạn không có tên trong lớp tập huấn này."
    assert refusals(sessions[0]) == ["not_member"]
    assert not AttendanceRecord.objects.exists()


def test_venue_network_restriction(klass, sessions, member):
    klass.venue_networks = "10.10.0.0/16, 192.168.5.0/24"
    klass.save()
    session = sessions[0]
    session.training_class = klass
    outside = check_in(session, member, made=at(1, 8), used=at(1, 8), ip="203.0.113.9")
    assert outside.code == "network"
    inside = check_in(session, member, made=at(1, 8), used=at(1, 8), ip="10.10.3.4")
    assert inside.code == "present"


def test_qr_overrides_an_earlier_absent_mark(sessions, member, trainer):
    from courses.attendance.services import attendance_mark

    attendance_mark(
        session=sessions[0],
        learner=member,
        status="absent",
        method="trainer",
        recorded_by=trainer,
        now=at(1, 8),
    )
    result = check_in(sessions[0], member, made=at(1, 8, 5), used=at(1, 8, 5))
    assert result.code == "present"


def test_a_learners_own_check_in_is_not_trainer_activity(
    sessions, member, trainer, province_admin, time_machine
):
    """The province dashboard listed a learner under "trainers' activity"
    because of his own QR check-in."""
    from courses.attendance.reports import trainer_activity
    from courses.attendance.services import attendance_mark
    from elearning.reports.metrics import Period

    attendance_mark(
        session=sessions[0],
        learner=member,
        status="present",
        method="trainer",
        recorded_by=trainer,
        now=at(1, 8, 5),
    )
    assert check_in(sessions[1], member, made=at(3, 8, 5), used=at(3, 8, 5)).ok
    time_machine.move_to(at(4, 12))
    rows = trainer_activity(user=province_admin, period=Period.year(2026))
    assert [(r["trainer"], r["marked"]) for r in rows] == [(trainer, 1)]
