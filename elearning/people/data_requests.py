"""Requests from a person about their data, with the law's clock.

A learner files a request from "Dữ liệu của tôi" (:func:`data_request_file`);
the officer of their unit — province admins for people without a unit —
sees it in the queue (``DataRequest.objects.visible_to``), acknowledges it
within :data:`ACKNOWLEDGE_WORKING_DAYS` working days, answers within
:data:`ANSWER_DAYS` days, which may be extended once by as many again with
a reason, and decides with a reason. The person is e-mailed at each step
and sees the answer on their page. Every step is in Wagtail's log
(``people.data_request.*``).

A granted request acts where the platform can act by itself:

- restriction, objection, withdrawal of consent: the profile is restricted
  (``StaffProfile.processing_restricted``): kept, but left out of lists and
  reports;
- deletion: the person is anonymised (``retention.person_anonymise``), as at
  the end of their retention period;
- access and correction: the officer gives the copy (the person downloads it
  themselves) or corrects the staff record in the admin; the answer says so.

Working days skip Saturdays and Sundays; public holidays are not known to the
platform (the province's legal staff confirm the deadlines).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from elearning.services import email_send

from .models import DataRequest, StaffProfile, User

ACKNOWLEDGE_WORKING_DAYS = 2
ANSWER_DAYS = 15
EXTENSION_DAYS = 15

RESTRICTING = {
    DataRequest.Kind.RESTRICT,
    DataRequest.Kind.OBJECT,
    DataRequest.Kind.WITHDRAW,
}


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day (Monday to Friday) after ``day``."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _log(request: DataRequest, action: str, actor: User | None, **data) -> None:
    from wagtail.log_actions import log

    log(instance=request, action=action, user=actor, data=data or None)


def _notify(request: DataRequest, subject: str, body: str) -> None:
    if not request.person.email or request.person.anonymised_at:
        return
    email_send(to=[request.person.email], subject=subject, body=body)


def _can_handle(actor: User, request: DataRequest) -> bool:
    if actor.pk == request.person_id:
        return False  # nobody answers their own request
    if not (actor.is_unit_officer or actor.is_province_admin):
        return False
    return DataRequest.objects.visible_to(actor).filter(pk=request.pk).exists()


@transaction.atomic
def data_request_file(*, person: User, kind: str, details: str) -> DataRequest:
    """File ``person``'s request; the deadlines run from today."""
    details = (details or "").strip()
    if kind not in DataRequest.Kind.values:
        raise ValidationError(_("Loại yêu cầu không hợp lệ."))
    if not details:
        raise ValidationError(_("Vui lòng ghi rõ nội dung yêu cầu."))
    now = timezone.now()
    today = timezone.localdate(now)
    request = DataRequest(
        person=person,
        kind=kind,
        details=details,
        created_at=now,
        acknowledge_by=add_working_days(today, ACKNOWLEDGE_WORKING_DAYS),
        answer_by=today + datetime.timedelta(days=ANSWER_DAYS),
    )
    request.full_clean()
    request.save()
    _log(request, "people.data_request.filed", person, kind=kind)
    with override("vi"):
        _notify(
            request,
            _("Đã nhận yêu cầu về dữ liệu cá nhân"),
            _(
                "Hệ thống đã nhận yêu cầu «%(kind)s» của bạn ngày %(day)s. "
                "Hạn trả lời: %(due)s."
            )
            % {
                "kind": request.get_kind_display(),
                "day": today.strftime("%d/%m/%Y"),
                "due": request.answer_by.strftime("%d/%m/%Y"),
            },
        )
    return request


def _locked(request: DataRequest, actor: User) -> DataRequest:
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if not _can_handle(actor, request):
        raise PermissionDenied
    if not request.is_open:
        raise ValidationError(_("Yêu cầu này đã được trả lời."))
    return request


@transaction.atomic
def data_request_acknowledge(*, request: DataRequest, actor: User) -> DataRequest:
    """Tell the person their request is being handled."""
    request = _locked(request, actor)
    if request.acknowledged_at is not None:
        return request
    request.acknowledged_at = timezone.now()
    request.status = DataRequest.Status.ACKNOWLEDGED
    request.save(update_fields=["acknowledged_at", "status"])
    _log(request, "people.data_request.acknowledged", actor)
    with override("vi"):
        _notify(
            request,
            _("Yêu cầu về dữ liệu cá nhân đang được xử lý"),
            _("Yêu cầu «%(kind)s» của bạn đang được xử lý. Hạn trả lời: %(due)s.")
            % {
                "kind": request.get_kind_display(),
                "due": request.answer_by.strftime("%d/%m/%Y"),
            },
        )
    return request


@transaction.atomic
def data_request_extend(
    *, request: DataRequest, actor: User, reason: str
) -> DataRequest:
    """Extend the answer's deadline once, by :data:`EXTENSION_DAYS`."""
    reason = (reason or "").strip()
    request = _locked(request, actor)
    if request.extended_at is not None:
        raise ValidationError(_("Thời hạn trả lời chỉ được gia hạn một lần."))
    if not reason:
        raise ValidationError(_("Vui lòng ghi lý do gia hạn."))
    request.extended_at = timezone.now()
    request.extension_reason = reason
    request.answer_by += datetime.timedelta(days=EXTENSION_DAYS)
    if request.acknowledged_at is None:
        request.acknowledged_at = request.extended_at
        request.status = DataRequest.Status.ACKNOWLEDGED
    request.save()
    _log(
        request,
        "people.data_request.extended",
        actor,
        answer_by=request.answer_by.isoformat(),
    )
    with override("vi"):
        _notify(
            request,
            _("Gia hạn trả lời yêu cầu về dữ liệu cá nhân"),
            _("Hạn trả lời yêu cầu «%(kind)s» được gia hạn đến %(due)s: %(reason)s")
            % {
                "kind": request.get_kind_display(),
                "due": request.answer_by.strftime("%d/%m/%Y"),
                "reason": reason,
            },
        )
    return request


@transaction.atomic
def data_request_decide(
    *, request: DataRequest, actor: User, granted: bool, reason: str
) -> DataRequest:
    """Answer the request with a reason; a granted one acts (module doc)."""
    from .retention import person_anonymise

    reason = (reason or "").strip()
    request = _locked(request, actor)
    if not reason:
        raise ValidationError(_("Vui lòng ghi nội dung trả lời."))
    now = timezone.now()
    if request.acknowledged_at is None:
        request.acknowledged_at = now
    request.status = (
        DataRequest.Status.GRANTED if granted else DataRequest.Status.REFUSED
    )
    request.decided_at = now
    request.decided_by = actor
    request.decision_reason = reason
    request.save()
    _log(
        request,
        "people.data_request.granted" if granted else "people.data_request.refused",
        actor,
        reason=reason,
    )
    with override("vi"):
        _notify(
            request,
            _("Trả lời yêu cầu về dữ liệu cá nhân"),
            _("Yêu cầu «%(kind)s» của bạn %(outcome)s: %(reason)s")
            % {
                "kind": request.get_kind_display(),
                "outcome": _("đã được chấp nhận") if granted else _("bị từ chối"),
                "reason": reason,
            },
        )
    if granted and request.kind in RESTRICTING:
        StaffProfile.objects.filter(user_id=request.person_id).update(
            processing_restricted=True
        )
    elif granted and request.kind == DataRequest.Kind.DELETE:
        person_anonymise(user_ids=[request.person_id])
    return request


def data_request_queue(actor: User):
    """The requests ``actor`` answers: open ones first, nearest deadline first."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        DataRequest.objects.visible_to(actor)
        .exclude(person=actor)
        .select_related("person__profile__unit")
        .annotate(
            closed=Case(
                When(
                    status__in=[
                        DataRequest.Status.RECEIVED,
                        DataRequest.Status.ACKNOWLEDGED,
                    ],
                    then=Value(0),
                ),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "answer_by", "created_at")
    )
