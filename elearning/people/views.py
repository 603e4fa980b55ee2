from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from .audit import client_ip
from .decorators import officer_required
from .middleware import CONSENT_SESSION_KEY
from .models import AccessLog, DataRequest
from .personal_data import (
    PURPOSES,
    LegalBasis,
    legal_bases_for,
    personal_data_json,
    personal_data_tables,
    personal_data_xlsx,
    privacy_notice_text,
    retention_periods,
)
from .reauth import require_reauthentication
from .selectors import who_saw_my_data
from .services import PRIVACY_NOTICE_VERSION, access_log_record, consent_record


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "people/privacy_notice.html",
        {"notice_version": PRIVACY_NOTICE_VERSION, "periods": retention_periods()},
    )


def _legal_bases(user) -> list[tuple[str, str]]:
    return [
        (str(PURPOSES[purpose]), str(LegalBasis.LABELS[basis]))
        for purpose, basis in legal_bases_for(user).items()
    ]


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        consent_record(
            user=request.user,
            version=PRIVACY_NOTICE_VERSION,
            notice_text=privacy_notice_text(),
            ip=client_ip(request),
        )
        request.session[CONSENT_SESSION_KEY] = PRIVACY_NOTICE_VERSION
        return redirect(_safe_next(request))
    return render(
        request,
        "people/consent.html",
        {
            "notice_version": PRIVACY_NOTICE_VERSION,
            "next": _safe_next(request),
            "periods": retention_periods(),
            "legal_bases": _legal_bases(request.user),
        },
    )


@never_cache
@login_required
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    tables = personal_data_tables(request.user)
    # The profile is shown from its record: no second read of it.
    profile_rows = next(rows for kind, rows in tables if kind.key == "profile")
    profile = dict(zip(*profile_rows[:2], strict=True)) if len(profile_rows) > 1 else {}
    return render(
        request,
        "people/my_data.html",
        {
            "email": request.user.email,
            "profile": profile,
            "tables": tables,
            "requests": DataRequest.objects.visible_to(request.user)
            .filter(person=request.user)
            .order_by("-created_at"),
            "request_kinds": DataRequest.Kind.choices,
            "viewers": who_saw_my_data(request.user),
        },
    )


MY_DATA_FORMATS = {
    "json": ("application/json; charset=utf-8", "json"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


@never_cache
@login_required
@require_safe
def my_data_download(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "json")
    if fmt not in MY_DATA_FORMATS:
        fmt = "json"
    require_reauthentication(request)
    if fmt == "xlsx":
        body = personal_data_xlsx(request.user)
    else:
        body = personal_data_json(request.user, notice_version=PRIVACY_NOTICE_VERSION)
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=_("Tải dữ liệu của mình (%(format)s)") % {"format": fmt.upper()},
        subject_user_id=request.user.pk,
        path=request.path,
        ip=client_ip(request),
    )
    content_type, extension = MY_DATA_FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="du-lieu-ca-nhan-{stamp}.{extension}"'
    )
    return response


@never_cache
@login_required
@require_safe
def awaiting(request: HttpRequest) -> HttpResponse:
    """Where a self-registered account waits for its unit's officer."""
    profile = getattr(request.user, "profile", None)
    if profile is None or not profile.awaiting_confirmation:
        return redirect("/")
    return render(request, "people/awaiting.html", {"profile": profile})


@never_cache
@officer_required
@require_http_methods(["GET", "POST"])
def confirmations(request: HttpRequest) -> HttpResponse:
    """Officers (and province admins) confirm or refuse the self-registered
    accounts of their units."""
    from django.contrib import messages
    from django.shortcuts import get_object_or_404

    from .services import awaiting_confirmation, person_confirm, person_refuse

    actor = request.user
    people = awaiting_confirmation(actor)
    if request.method == "POST":
        person = get_object_or_404(people, pk=request.POST.get("user"))
        if request.POST.get("action") == "confirm":
            person_confirm(user=person, actor=actor)
            messages.success(
                request, _("Đã xác nhận tài khoản của %(name)s.") % {"name": person}
            )
        else:
            person_refuse(user=person, actor=actor)
            messages.info(
                request, _("Đã từ chối tài khoản của %(name)s.") % {"name": person}
            )
        return redirect("people:confirmations")
    return render(request, "people/confirmations.html", {"people": people})


# --- Requests about one's data ---------------------------------------------------


@never_cache
@login_required
@require_http_methods(["POST"])
def data_request_create(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    from .data_requests import data_request_file

    try:
        data_request_file(
            person=request.user,
            kind=request.POST.get("kind", ""),
            details=request.POST.get("details", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Đã gửi yêu cầu. Cán bộ phụ trách sẽ trả lời trong thời hạn ghi bên dưới."
            ),
        )
    return redirect(reverse("people:my_data") + "#yeu-cau")


@never_cache
@officer_required
@require_safe
def data_requests(request: HttpRequest) -> HttpResponse:
    from .data_requests import data_request_queue

    return render(
        request,
        "people/data_requests.html",
        {"requests": data_request_queue(request.user), "today": timezone.localdate()},
    )


@never_cache
@officer_required
@require_http_methods(["GET", "POST"])
def data_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404

    from . import data_requests as service
    from .models import DataRequest

    item = get_object_or_404(
        DataRequest.objects.visible_to(request.user)
        .exclude(person=request.user)
        .select_related("person__profile__unit", "decided_by__profile"),
        pk=pk,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "acknowledge":
                service.data_request_acknowledge(request=item, actor=request.user)
            elif action == "extend":
                service.data_request_extend(
                    request=item, actor=request.user, reason=reason
                )
            elif action in ("grant", "refuse"):
                service.data_request_decide(
                    request=item,
                    actor=request.user,
                    granted=action == "grant",
                    reason=reason,
                )
            else:
                raise ValidationError(_("Thao tác không hợp lệ."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã lưu."))
        return redirect("people:data_request", pk=item.pk)
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        what=_("Yêu cầu về dữ liệu cá nhân #%(pk)s") % {"pk": item.pk},
        subject_user_id=item.person_id,
        path=request.path,
        ip=client_ip(request),
    )
    return render(
        request,
        "people/data_request.html",
        {"item": item, "today": timezone.localdate()},
    )


# --- Records for the authority (province admins) ---------------------------------


def _province_admin(request: HttpRequest) -> None:
    from django.core.exceptions import PermissionDenied

    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.is_province_admin:
        raise PermissionDenied


@never_cache
@login_required
@require_safe
def processing_register(request: HttpRequest) -> HttpResponse:
    from .incidents import (
        CONTROLLER,
        processing_activities,
        processing_activities_xlsx,
    )

    _province_admin(request)
    if request.GET.get("format") == "xlsx":
        require_reauthentication(request)
        response = HttpResponse(
            processing_activities_xlsx(),
            content_type=MY_DATA_FORMATS["xlsx"][0],
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = (
            f'attachment; filename="hoat-dong-xu-ly-du-lieu-{stamp}.xlsx"'
        )
        return response
    return render(
        request,
        "people/processing_register.html",
        {"activities": processing_activities(), "controller": CONTROLLER},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def incidents(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    from .forms import IncidentForm
    from .incidents import incident_hours_left, incident_record
    from .models import DataIncident

    _province_admin(request)
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incident_record(
                title=data["title"],
                description=data["description"],
                discovered_at=data["discovered_at"],
                kinds=data["kinds"],
                unit=data["unit"],
                measures=data["measures"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã ghi nhận sự cố."))
            return redirect("people:incident", pk=incident.pk)
    items = list(DataIncident.objects.select_related("unit")[:100])
    for item in items:
        item.hours_left = incident_hours_left(item)
    return render(request, "people/incidents.html", {"form": form, "items": items})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    from .incidents import (
        incident_hours_left,
        incident_mark_notified,
        incident_notification_text,
    )
    from .models import DataIncident
    from .personal_data import personal_data_kinds

    _province_admin(request)
    item = get_object_or_404(DataIncident.objects.select_related("unit"), pk=pk)
    if request.method == "POST" and request.POST.get("action") == "notified":
        incident_mark_notified(incident=item, actor=request.user)
        return redirect("people:incident", pk=item.pk)
    labels = {kind.key: kind.label for kind in personal_data_kinds()}
    return render(
        request,
        "people/incident.html",
        {
            "item": item,
            "hours_left": incident_hours_left(item),
            "kinds": [labels.get(key, key) for key in item.kinds],
            "notification": incident_notification_text(item),
        },
    )
