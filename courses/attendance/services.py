"""Writes about training classes, sessions and attendance.

Every change to an attendance record is written to Wagtail's log
(``attendance.mark``) with the old and the new value; refused QR check-ins
are logged too (``attendance.checkin_refused``).
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.services import (
    enrolment_create_for_class,
    enrolment_refresh,
    enrolments_refresh,
)
from elearning.people.models import User
from elearning.people.names import fold, normalize_text
from elearning.people.selectors import unit_id_now
from elearning.tabular import TabularError, table_dicts

from . import tokens
from .models import (
    AttendanceMethod,
    AttendanceRecord,
    AttendanceStatus,
    ClassMembership,
    ClassSession,
    TrainingClass,
)

logger = logging.getLogger(__name__)

COUNTED = {AttendanceStatus.PRESENT, AttendanceStatus.LATE}


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ValueError(_("Dải địa chỉ IP không hợp lệ: %s") % part) from exc
    return networks


# --- Membership ------------------------------------------------------------


def _may_add(actor: User, training_class: TrainingClass, learner: User) -> bool:
    """The same people the class page offers (``addable_learners``): a
    trainer the people of the unit the class serves, an officer their own
    staff, a province admin anyone."""
    from .selectors import addable_learners

    return (
        addable_learners(user=actor, training_class=training_class, members=True)
        .filter(pk=learner.pk)
        .exists()
    )


@transaction.atomic
def class_membership_add(
    *, training_class: TrainingClass, learner: User, added_by: User
) -> ClassMembership:
    """Put ``learner`` in the class, enrolling them in its course if needed.

    Takes a row lock on the class so that two officers filling the last
    place at once cannot exceed the capacity. The enrolment is made (or a
    withdrawn one made active again) by the courses app's own service.
    """
    if not _may_add(added_by, training_class, learner):
        raise PermissionDenied
    locked = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    existing = ClassMembership.objects.filter(
        training_class=locked, learner=learner
    ).first()
    if existing is not None:
        return existing
    taken = ClassMembership.objects.filter(training_class=locked).count()
    if taken >= locked.capacity:
        raise ValidationError(
            _("Lớp %(code)s đã đủ %(n)d học viên.")
            % {"code": locked.code, "n": locked.capacity}
        )
    membership = ClassMembership(
        training_class=locked, learner=learner, added_by=added_by
    )
    membership.full_clean()
    membership.save()
    _enrolment, created = enrolment_create_for_class(
        learner=learner, course=locked.course, actor=added_by
    )
    log(
        membership,
        "attendance.member_add",
        user=added_by,
        data={"learner": learner.pk, "class": locked.code, "enrolled": created},
    )
    return membership


# --- Sessions --------------------------------------------------------------


def class_sessions_create_weekly(
    *,
    training_class: TrainingClass,
    weekdays: list[int],
    start_time: datetime.time,
    end_time: datetime.time,
    first_day: datetime.date,
    last_day: datetime.date,
    place: str = "",
    online_url: str = "",
    topic: str = "",
) -> list[ClassSession]:
    """Create one session on each ``weekdays`` (Monday = 0) between two days.

    An ``end_time`` earlier than ``start_time`` ends the session the next
    day (an evening session 19:00–00:30). Days that already have a session
    starting at that time are skipped, so running the same form twice
    creates nothing new.
    """
    if end_time == start_time:
        raise ValidationError(_("Giờ kết thúc phải khác giờ bắt đầu."))
    overnight = datetime.timedelta(days=1 if end_time < start_time else 0)
    if last_day < first_day:
        raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if (last_day - first_day).days > 366:
        raise ValidationError(_("Chỉ tạo được các buổi học trong tối đa một năm."))
    tz = timezone.get_current_timezone()
    created = []
    with transaction.atomic():
        day = first_day
        while day <= last_day:
            if day.weekday() in weekdays:
                start = datetime.datetime.combine(day, start_time, tzinfo=tz)
                end = datetime.datetime.combine(day + overnight, end_time, tzinfo=tz)
                session, made = ClassSession.objects.get_or_create(
                    training_class=training_class,
                    start=start,
                    defaults={
                        "end": end,
                        "place": place or training_class.place,
                        "online_url": online_url,
                        "topic": topic,
                    },
                )
                if made:
                    session.full_clean()
                    created.append(session)
            day += datetime.timedelta(days=1)
    return created


# --- Marking ---------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *,
    session: ClassSession,
    learner: User,
    status: str,
    method: str,
    recorded_by: User | None,
    note: str | None = None,
    now: datetime.datetime | None = None,
    refresh: bool = True,
) -> tuple[AttendanceRecord, bool]:
    """Set ``learner``'s status in ``session``; return (record, changed).

    Idempotent: the same status and note again changes nothing and logs
    nothing, so a phone may resend a queued change safely. Every real change
    is logged with its old and new value; then the learner's enrolment is
    re-evaluated.
    """
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Trạng thái điểm danh không hợp lệ."))
    if not ClassMembership.objects.filter(
        training_class_id=session.training_class_id, learner=learner
    ).exists():
        raise ValidationError(_("Học viên không có tên trong lớp tập huấn này."))
    now = now or timezone.now()
    if not session.has_begun(now) and status != AttendanceStatus.EXCUSED:
        # Present, late or absent are facts of a session that has begun; a
        # leave of absence may be recorded ahead of it.
        raise ValidationError(
            _("Buổi học chưa bắt đầu: chỉ ghi nhận trước được vắng có phép.")
        )
    record = (
        AttendanceRecord.objects.select_for_update()
        .filter(session=session, learner=learner)
        .first()
    )
    old = None
    if record is None:
        record = AttendanceRecord(
            session=session, learner=learner, unit_id=unit_id_now(learner)
        )
    else:
        old = {"status": record.status, "note": record.note, "method": record.method}
        if record.status == status and (note is None or note == record.note):
            return record, False
        # The objects in hand, so that the log's label reads no row again.
        record.session, record.learner = session, learner
    record.status = status
    record.method = method
    record.recorded_by = recorded_by
    record.recorded_at = now
    if note is not None:
        record.note = normalize_text(note)[:255]
    # The unique (session, learner) constraint is the database's job: a
    # concurrent first mark raises IntegrityError and is retried once.
    # The related rows are the ones in hand (no lookups to check them).
    record.full_clean(
        validate_constraints=False,
        exclude=["session", "learner", "unit", "recorded_by"],
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        return attendance_mark(
            session=session,
            learner=learner,
            status=status,
            method=method,
            recorded_by=recorded_by,
            note=note,
            now=now,
            refresh=refresh,
        )
    log(
        record,
        "attendance.mark",
        user=recorded_by,
        data={
            "session": session.pk,
            "learner": learner.pk,
            "old": old,
            "new": {"status": record.status, "note": record.note, "method": method},
        },
    )
    if refresh:
        enrolment_refresh(learner=learner, course=session.training_class.course)
    return record, True


@dataclass
class MarkOutcome:
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def attendance_mark_many(
    *,
    session: ClassSession,
    marks: list[dict],
    recorded_by: User,
    method: str = AttendanceMethod.TRAINER,
) -> MarkOutcome:
    """Apply a batch of ``{"learner": id, "status": ..., "note": ...}``.

    Used by the roster's resend queue: each mark is applied on its own so one
    bad entry (a learner removed from the class meanwhile) does not lose the
    others.
    """
    if not session.training_class.is_led_by(recorded_by):
        raise PermissionDenied
    members = {
        m.learner_id: m.learner
        for m in ClassMembership.objects.filter(
            training_class_id=session.training_class_id
        ).select_related("learner__profile")
    }
    outcome = MarkOutcome()
    marked = []
    for mark in marks:
        learner = members.get(_as_int(mark.get("learner")))
        if learner is None:
            outcome.errors.append(_("Học viên không có tên trong lớp tập huấn này."))
            continue
        try:
            _record, changed = attendance_mark(
                session=session,
                learner=learner,
                status=str(mark.get("status", "")),
                note=mark.get("note") if isinstance(mark.get("note"), str) else None,
                method=method,
                recorded_by=recorded_by,
                refresh=False,
            )
        except ValidationError as exc:
            outcome.errors.extend(exc.messages)
            continue
        if changed:
            outcome.changed += 1
            marked.append(learner)
        else:
            outcome.unchanged += 1
    if marked:
        # The completion checks once for everyone marked, not once each.
        with transaction.atomic():
            enrolments_refresh(learners=marked, course=session.training_class.course)
    return outcome


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- QR check-in -----------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    ok: bool
    code: str
    message: str
    record: AttendanceRecord | None = None


def _refuse(session, learner, code: str, message: str, ip: str | None) -> CheckIn:
    logger.warning(
        "QR check-in refused: %s (session %s, learner %s, ip %s)",
        code,
        getattr(session, "pk", None),
        getattr(learner, "pk", None),
        ip,
    )
    if session is not None:
        log(
            session,
            "attendance.checkin_refused",
            user=learner,
            data={"reason": code, "learner": learner.pk, "ip": ip},
        )
    return CheckIn(False, code, message)


def _already(record: AttendanceRecord) -> CheckIn:
    return CheckIn(
        True,
        "already",
        _("Bạn đã điểm danh buổi học này lúc %(time)s.")
        % {"time": date_format(timezone.localtime(record.recorded_at), "TIME_FORMAT")},
        record,
    )


def attendance_checked_in(*, session: ClassSession, learner: User) -> CheckIn | None:
    """The learner's check-in to ``session`` if they are already counted
    present or late (the QR page then says so instead of asking again)."""
    record = AttendanceRecord.objects.filter(
        session=session, learner=learner, status__in=COUNTED
    ).first()
    return None if record is None else _already(record)


# Refusals after which the check-in page shows nothing of the class: the
# visitor is not in it, or the link was not made for this session.
UNREVEALING = frozenset({"invalid", "wrong_session", "not_member"})


def _token_for(session: ClassSession, token: str) -> tokens.TokenPayload | None:
    try:
        payload = tokens.read_token(token)
    except tokens.BadToken:
        return None
    return payload if payload.session_id == session.pk else None


def attendance_check_in_reveals(
    *, session: ClassSession, learner: User, token: str
) -> bool:
    """Whether the check-in page may name the class and the session: only
    to a learner of the class holding a link made for that session."""
    return (
        _token_for(session, token) is not None
        and ClassMembership.objects.filter(
            training_class_id=session.training_class_id, learner=learner
        ).exists()
    )


def attendance_check_in(
    *,
    session: ClassSession,
    learner: User,
    token: str,
    ip: str | None = None,
    now: datetime.datetime | None = None,
    seen_at: datetime.datetime | None = None,
) -> CheckIn:
    """Mark ``learner`` present (or late) in ``session`` from a scanned token.

    ``seen_at`` is when this visitor first presented the token (noted in
    their session by ``tokens.note_first_seen``, before they signed in).
    When it lies within ``tokens.confirm_seconds()`` before ``now``, the
    check-in is judged at that moment: the token's age, the session's
    window and lateness; otherwise at ``now``.

    Refuses, with a message for the learner and a log entry, a token that
    is tampered with, made for another session, more than
    ``tokens.MAX_AGE_SLOTS`` slots old when presented (two rotations of the
    code on the screen), or presented outside the session's window; a learner who is not in the class;
    and, when the class lists venue networks, a request from elsewhere. A
    second check-in is not an error: the learner is told they already
    checked in.
    """
    now = now or timezone.now()
    presented = now
    if seen_at is not None and (
        now - datetime.timedelta(seconds=tokens.confirm_seconds()) <= seen_at <= now
    ):
        presented = seen_at
    klass = session.training_class
    try:
        payload = tokens.read_token(token)
    except tokens.BadToken:
        return _refuse(
            session,
            learner,
            "invalid",
            _("Mã QR không hợp lệ. Vui lòng quét lại mã đang hiển thị ở lớp học."),
            ip,
        )
    if payload.session_id != session.pk:
        return _refuse(
            session,
            learner,
            "wrong_session",
            _("Mã QR này không dùng cho buổi học này."),
            ip,
        )
    age = tokens.slot_of(presented) - payload.slot
    if age < 0 or age > tokens.MAX_AGE_SLOTS:
        return _refuse(
            session,
            learner,
            "expired",
            _("Mã QR đã hết hạn. Vui lòng quét lại mã đang hiển thị ở lớp học."),
            ip,
        )
    if not ClassMembership.objects.filter(
        training_class=klass, learner=learner
    ).exists():
        return _refuse(
            session,
            learner,
            "not_member",
            _("Bạn không có tên trong lớp tập huấn này."),
            ip,
        )
    opens = session.start - datetime.timedelta(minutes=klass.checkin_opens_minutes)
    if presented < opens:
        return _refuse(
            session,
            learner,
            "not_open",
            _("Buổi học chưa mở điểm danh (mở lúc %(time)s).")
            % {"time": date_format(timezone.localtime(opens), "SHORT_DATETIME_FORMAT")},
            ip,
        )
    if presented > session.end:
        return _refuse(
            session,
            learner,
            "closed",
            _("Buổi học đã kết thúc, không thể điểm danh."),
            ip,
        )
    if klass.venue_networks:
        allowed = parse_networks(klass.venue_networks)
        try:
            address = ipaddress.ip_address(ip or "")
        except ValueError:
            address = None
        if address is None or not any(address in net for net in allowed):
            return _refuse(
                session,
                learner,
                "network",
                _("Chỉ điểm danh được khi dùng mạng tại nơi học."),
                ip,
            )
    late = presented > session.start + datetime.timedelta(
        minutes=klass.late_after_minutes
    )
    status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
    with transaction.atomic():
        existing = (
            AttendanceRecord.objects.select_for_update()
            .filter(session=session, learner=learner)
            .first()
        )
        if existing is not None and existing.status in COUNTED:
            return _already(existing)
        record, _changed = attendance_mark(
            session=session,
            learner=learner,
            status=status,
            method=AttendanceMethod.QR,
            recorded_by=learner,
            now=now,
        )
    message = _("Đã điểm danh: Đi muộn.") if late else _("Đã điểm danh: Có mặt.")
    return CheckIn(True, status, message, record)


# --- Import from the paper sheet -------------------------------------------


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    changed: int = 0
    unchanged: int = 0


def _status_lookup() -> dict[str, str]:
    table = {}
    for value, label in AttendanceStatus.choices:
        table[fold(str(label))] = value
        table[value] = value
    return table


def attendance_import_csv(
    *, session: ClassSession, data: bytes, recorded_by: User, dry_run: bool = False
) -> ImportResult:
    """Import a filled-in sign-in sheet: columns ``email``, ``trang_thai``
    and optionally ``ghi_chu`` (the template from :func:`sheet_csv`), as CSV
    (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1258) or XLSX, read
    by ``elearning.tabular``; a file that cannot be read is a
    ``ValidationError`` with the reason.

    Every row is checked first; if any row is wrong nothing is written and
    each error names its line.
    """
    if not session.training_class.is_led_by(recorded_by):
        raise PermissionDenied
    try:
        header, lines = table_dicts(data)
    except TabularError as exc:
        raise ValidationError(str(exc)) from exc
    result = ImportResult()
    headers = {h.lower() for h in header}
    if not {"email", "trang_thai"} <= headers:
        result.errors.append(_("Tệp cần có các cột email và trang_thai (xem tệp mẫu)."))
        return result
    members = {
        m.learner.email.lower(): m.learner
        for m in ClassMembership.objects.filter(
            training_class_id=session.training_class_id
        ).select_related("learner__profile")
    }
    statuses = _status_lookup()
    seen: dict[str, int] = {}
    rows = []
    for line, row in lines:
        row = {k.lower(): v.strip() for k, v in row.items()}
        email = row.get("email", "").lower()
        raw_status = row.get("trang_thai", "")
        if not email and not raw_status:
            continue
        learner = members.get(email)
        if learner is None:
            result.errors.append(
                _(
                    "Dòng %(line)d: không có học viên có thư điện tử “%(email)s” trong lớp."
                )
                % {"line": line, "email": email}
            )
            continue
        if email in seen:
            result.errors.append(
                _("Dòng %(line)d: học viên đã có ở dòng %(first)d.")
                % {"line": line, "first": seen[email]}
            )
            continue
        seen[email] = line
        status = statuses.get(fold(raw_status)) if raw_status else None
        if status is None:
            result.errors.append(
                _(
                    "Dòng %(line)d: trạng thái “%(value)s” không hợp lệ "
                    "(Có mặt, Đi muộn, Vắng có phép, Vắng)."
                )
                % {"line": line, "value": raw_status}
            )
            continue
        rows.append((learner, status, row.get("ghi_chu", "")))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for learner, status, note in rows:
            _record, changed = attendance_mark(
                session=session,
                learner=learner,
                status=status,
                note=note,
                method=AttendanceMethod.IMPORT,
                recorded_by=recorded_by,
            )
            if changed:
                result.changed += 1
            else:
                result.unchanged += 1
    return result
