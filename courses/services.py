"""Writes about courses, enrolments and lesson progress.

Every enrolment change is written to Wagtail's audit log (``log()``) with
who did it; the rules of each enrolment policy are enforced here, not in
views.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from elearning.people.selectors import unit_id_now
from elearning.services import email_send

from .models import CoursePage, Enrolment, LessonPage, LessonProgress, LessonStudy
from .selectors import course_lessons, enrolment_eligibility, lesson_study_missing
from .signals import course_completed


class EnrolmentError(ValidationError):
    """A request the enrolment policy does not allow (message is shown)."""


def _is_manager_of(actor, learner) -> bool:
    """Whether ``actor`` manages ``learner`` (an officer of their unit, an admin)."""
    from elearning.people.models import User

    if actor.is_province_admin:
        return True
    return (
        actor.is_unit_officer
        and User.objects.visible_to(actor).filter(pk=learner.pk).exists()
    )


def _notify(enrolment: Enrolment, subject: str, body: str) -> None:
    email_send(to=[enrolment.learner.email], subject=subject, body=body)


@transaction.atomic
def enrolment_create(
    *,
    learner,
    course: CoursePage,
    actor,
    source: str | None = None,
) -> Enrolment:
    """Enrol ``learner`` in ``course`` (idempotent).

    A learner enrols themselves only in an open course; an officer enrols the
    staff of their own unit in any course; a province admin anyone. A
    withdrawn, refused or requested enrolment becomes active again.
    """
    return _enrol(learner=learner, course=course, actor=actor, source=source)[0]


@transaction.atomic
def enrolments_create(
    *, learners, course: CoursePage, actor
) -> tuple[list[Enrolment], list[Enrolment]]:
    """Enrol several people at once, as :func:`enrolment_create` does each:
    ``(enrolled now, already enrolled before)``. All or none: one refused
    learner enrols nobody."""
    enrolled, already = [], []
    for learner in learners:
        enrolment, changed = _enrol(learner=learner, course=course, actor=actor)
        (enrolled if changed else already).append(enrolment)
    return enrolled, already


@transaction.atomic
def enrolment_create_for_class(
    *, learner, course: CoursePage, actor
) -> tuple[Enrolment, bool]:
    """Enrol ``learner`` in ``course`` because ``actor`` put them in one of
    its classes (the attendance app decides who may: a trainer fills their
    class from the people of the unit it serves). Like
    :func:`enrolment_create` otherwise: audited, a withdrawn enrolment
    becomes active again. Returns (enrolment, made active now)."""
    return _enrol(learner=learner, course=course, actor=actor, may=True)


def _enrol(
    *,
    learner,
    course: CoursePage,
    actor,
    source: str | None = None,
    may: bool = False,
) -> tuple[Enrolment, bool]:
    """The enrolment, and whether it was made active now (False: it was).

    ``may``: the caller has already decided that ``actor`` may enrol
    ``learner`` (a class membership)."""
    profile = getattr(learner, "profile", None)
    if profile is not None and profile.awaiting_confirmation:
        raise EnrolmentError(
            _("Tài khoản chưa được cán bộ phụ trách của đơn vị xác nhận."),
            code="awaiting",
        )
    self_enrol = actor.pk == learner.pk
    if self_enrol and not _is_manager_of(actor, learner):
        if course.enrolment_policy != CoursePage.EnrolmentPolicy.OPEN:
            raise EnrolmentError(
                _("Khóa học này không cho phép tự ghi danh."), code="policy"
            )
    elif not self_enrol and not may and not _is_manager_of(actor, learner):
        raise PermissionDenied(_("Bạn không quản lý học viên này."))
    if source is None:
        source = Enrolment.Source.SELF if self_enrol else Enrolment.Source.OFFICER
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(learner=learner, course=course)
        .first()
    )
    if enrolment is not None and enrolment.is_active:
        return enrolment, False
    if enrolment is None:
        enrolment = Enrolment(
            learner=learner, course=course, unit_id=unit_id_now(learner)
        )
    enrolment.status = Enrolment.Status.ENROLLED
    enrolment.source = source
    enrolment.enrolled_by = actor
    enrolment.decision_reason = ""
    enrolment.full_clean(validate_constraints=False)
    enrolment.save()
    log(instance=enrolment, action="courses.enrolment.create", user=actor)
    return enrolment, True


@transaction.atomic
def enrolment_request(*, learner, course: CoursePage) -> Enrolment:
    """A learner asks to join a course that needs approval (idempotent)."""
    if course.enrolment_policy == CoursePage.EnrolmentPolicy.OPEN:
        return enrolment_create(learner=learner, course=course, actor=learner)
    if course.enrolment_policy != CoursePage.EnrolmentPolicy.APPROVAL:
        raise EnrolmentError(
            _("Cán bộ phụ trách của đơn vị sẽ ghi danh bạn vào khóa học này."),
            code="policy",
        )
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(learner=learner, course=course)
        .first()
    )
    if enrolment is not None and (
        enrolment.is_active or enrolment.status == Enrolment.Status.REQUESTED
    ):
        return enrolment
    if enrolment is None:
        enrolment = Enrolment(
            learner=learner, course=course, unit_id=unit_id_now(learner)
        )
    enrolment.status = Enrolment.Status.REQUESTED
    enrolment.source = Enrolment.Source.SELF
    enrolment.enrolled_by = None
    enrolment.decision_reason = ""
    enrolment.full_clean(validate_constraints=False)
    enrolment.save()
    log(instance=enrolment, action="courses.enrolment.request", user=learner)
    return enrolment


def _lock_for_decision(enrolment: Enrolment, actor) -> Enrolment:
    if not _is_manager_of(actor, enrolment.learner):
        raise PermissionDenied(_("Bạn không quản lý học viên này."))
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.REQUESTED:
        raise EnrolmentError(
            _("Yêu cầu này đã được xử lý trước đó."), code="not_requested"
        )
    return enrolment


@transaction.atomic
def enrolment_approve(*, enrolment: Enrolment, actor) -> Enrolment:
    enrolment = _lock_for_decision(enrolment, actor)
    enrolment.status = Enrolment.Status.ENROLLED
    enrolment.enrolled_by = actor
    enrolment.save(update_fields=["status", "enrolled_by", "updated_at"])
    log(instance=enrolment, action="courses.enrolment.approve", user=actor)
    _notify(
        enrolment,
        _("Đăng ký học đã được duyệt"),
        _("Yêu cầu đăng ký học khóa “%(course)s” của bạn đã được duyệt.")
        % {"course": enrolment.course.title},
    )
    return enrolment


@transaction.atomic
def enrolment_refuse(*, enrolment: Enrolment, actor, reason: str) -> Enrolment:
    reason = (reason or "").strip()
    if not reason:
        raise EnrolmentError(_("Cần nêu lý do từ chối."), code="reason")
    enrolment = _lock_for_decision(enrolment, actor)
    enrolment.status = Enrolment.Status.REFUSED
    enrolment.decision_reason = reason[:500]
    enrolment.save(update_fields=["status", "decision_reason", "updated_at"])
    log(
        instance=enrolment,
        action="courses.enrolment.refuse",
        user=actor,
        data={"reason": enrolment.decision_reason},
    )
    _notify(
        enrolment,
        _("Đăng ký học chưa được duyệt"),
        _("Yêu cầu đăng ký học khóa “%(course)s” chưa được duyệt. Lý do: %(reason)s")
        % {"course": enrolment.course.title, "reason": enrolment.decision_reason},
    )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """The learner leaves, or their officer takes them out, of a course."""
    if actor.pk != enrolment.learner_id and not _is_manager_of(
        actor, enrolment.learner
    ):
        raise PermissionDenied(_("Bạn không quản lý học viên này."))
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise EnrolmentError(
            _("Không thể rút khỏi khóa học đã hoàn thành."), code="completed"
        )
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return enrolment
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.decision_reason = (reason or "").strip()[:500]
    enrolment.save(update_fields=["status", "decision_reason", "updated_at"])
    log(
        instance=enrolment,
        action="courses.enrolment.withdraw",
        user=actor,
        data={"reason": enrolment.decision_reason},
    )
    return enrolment


@transaction.atomic
def lesson_complete(*, learner, lesson: LessonPage) -> LessonProgress:
    """Mark ``lesson`` done for ``learner`` (idempotent) and refresh completion.

    Refused when the learner is not enrolled, when the course is
    sequential and the previous lesson is not done yet, and when the
    lesson was not studied enough (``selectors.lesson_study_missing``: the
    page visible long enough, most of an uploaded video watched); the
    message says what is missing. A lesson already done stays done.
    """
    course = CoursePage.objects.defer_streamfields().get(
        path=lesson.path[: -lesson.steplen]
    )
    enrolment = (
        Enrolment.objects.filter(learner=learner, course=course).active().first()
    )
    if enrolment is None:
        raise EnrolmentError(_("Bạn chưa ghi danh khóa học này."), code="not_enrolled")
    existing = LessonProgress.objects.filter(enrolment=enrolment, page=lesson).first()
    if existing is not None:
        return existing
    if course.sequential:
        lessons = course_lessons(course)
        ids = [item.pk for item in lessons]
        if lesson.pk in ids and ids.index(lesson.pk) > 0:
            previous = ids[ids.index(lesson.pk) - 1]
            if not LessonProgress.objects.filter(
                enrolment=enrolment, page_id=previous
            ).exists():
                raise EnrolmentError(
                    _("Hãy hoàn thành bài học trước đó."), code="sequential"
                )
    study = LessonStudy.objects.filter(learner=learner, lesson=lesson).first()
    missing = lesson_study_missing(lesson, study)
    if missing:
        raise EnrolmentError(" ".join(missing), code="not_studied")
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, page=lesson
    )
    enrolment_refresh(learner=learner, course=course)
    return progress


# The lesson page beats every BEAT_SECONDS while visible; one beat credits
# at most BEAT_CREDIT_MAX seconds (a late beat, a sleeping phone), and an
# uploaded video may play at most VIDEO_RATE_MAX times as fast as real time.
BEAT_SECONDS = 15
BEAT_CREDIT_MAX = 30
VIDEO_RATE_MAX = 2
# Nothing the page reports is longer than this (a day).
_REPORT_MAX = 24 * 3600


@transaction.atomic
def lesson_study_beat(
    *,
    learner,
    lesson: LessonPage,
    visible: bool,
    video_watched: float = 0,
    video_duration: float = 0,
) -> LessonStudy:
    """Record a heartbeat of ``lesson``'s page for ``learner``.

    The first beat notes when the lesson was opened and credits nothing.
    A later beat with ``visible`` (the page was on screen since the
    previous beat) credits the time since then, at most
    ``BEAT_CREDIT_MAX`` seconds; a beat of a page in the background credits
    nothing and starts the next stretch. A learner's time goes to one lesson
    at a time: a stretch starts no earlier than the end of the last one
    credited to any lesson, so beats of several pages (or faster than real
    time) never add up to more time than passed. ``video_watched`` (seconds
    of the uploaded video played since the previous beat) is credited up to
    ``VIDEO_RATE_MAX`` times the credited time; ``video_duration`` is the
    video's length as the page measured it (the longest report is kept).
    Refused (``EnrolmentError``) when the learner is not enrolled.
    """
    enrolled = (
        Enrolment.objects.filter(
            learner=learner, course__path=lesson.path[: -lesson.steplen]
        )
        .active()
        .exists()
    )
    if not enrolled:
        raise EnrolmentError(_("Bạn chưa ghi danh khóa học này."), code="not_enrolled")
    now = timezone.now()
    # Every study row of the learner, locked: beats of one learner queue.
    studies = list(LessonStudy.objects.select_for_update().filter(learner=learner))
    study = next((row for row in studies if row.lesson_id == lesson.pk), None)
    duration = min(max(video_duration, 0), _REPORT_MAX)
    if study is None:
        try:
            with transaction.atomic():
                return LessonStudy.objects.create(
                    learner=learner,
                    lesson=lesson,
                    first_opened_at=now,
                    last_beat_at=now,
                    video_duration=duration,
                )
        except IntegrityError:
            # Another first beat of this page (a second tab, a retry) made
            # the row meanwhile: that one opened the lesson, and a first
            # beat credits nothing, so this one has nothing to add.
            return LessonStudy.objects.get(learner=learner, lesson=lesson)
    study.video_duration = max(study.video_duration, duration)
    if visible:
        since = max(
            [study.last_beat_at]
            + [row.last_visible_at for row in studies if row.last_visible_at]
        )
        credit = min(max((now - since).total_seconds(), 0), BEAT_CREDIT_MAX)
        study.seconds_visible += credit
        watched = min(max(video_watched, 0), _REPORT_MAX)
        study.video_seconds += min(watched, VIDEO_RATE_MAX * credit)
        study.last_visible_at = now
    study.last_beat_at = now
    study.save()
    return study


@transaction.atomic
def enrolments_refresh(*, learners, course) -> list[Enrolment]:
    """:func:`enrolment_refresh` for several learners of one course at once
    (a roster saved for a whole class): the completion checks run once for
    all of them, in a fixed number of queries."""
    from .selectors import enrolments_eligibility

    enrolments = list(
        Enrolment.objects.select_for_update()
        .filter(learner__in=learners, course=course)
        .active()
        .exclude(status=Enrolment.Status.COMPLETED)
        .select_related("course")
    )
    eligibilities = enrolments_eligibility(enrolments)
    for enrolment in enrolments:
        _refresh_status(enrolment, eligibilities[enrolment.pk].complete)
    return enrolments


def _refresh_status(enrolment: Enrolment, complete: bool) -> None:
    if complete:
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["status", "completed_at", "updated_at"])
        log(instance=enrolment, action="courses.enrolment.complete", user=None)
        transaction.on_commit(
            lambda: course_completed.send(sender=Enrolment, enrolment=enrolment)
        )
    elif enrolment.status == Enrolment.Status.ENROLLED:
        enrolment.status = Enrolment.Status.IN_PROGRESS
        enrolment.save(update_fields=["status", "updated_at"])


def enrolment_refresh(*, learner, course) -> Enrolment | None:
    """Re-evaluate completion after a learning record changed.

    Apps call this after they write a result (a lesson done, a quiz graded,
    attendance marked, an H5P attempt finished). Marks the enrolment
    completed (once) and sends ``course_completed`` on commit.
    """
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(learner=learner, course=course)
        .active()
        .first()
    )
    if enrolment is None:
        return None
    if enrolment.status == Enrolment.Status.COMPLETED:
        return enrolment
    _refresh_status(enrolment, enrolment_eligibility(enrolment).complete)
    return enrolment
