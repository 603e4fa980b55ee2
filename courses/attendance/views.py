"""Pages for trainers, officers and learners. Access is decided by
selectors (404 for anything a user may not see); writes go to services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elearning.people.reauth import export_personal_data
from elearning.qr import qr_data_url
from elearning.slugs import ascii_slug
from elearning.spreadsheets import xlsx_response

from . import documents, selectors, services, tokens
from .forms import ImportForm, MemberAddForm, SessionBulkForm
from .models import AttendanceMethod, AttendanceStatus, ClassSession, TrainingClass


def _ip(request) -> str | None:
    # REMOTE_ADDR is what the proxy in front sets; we never trust a header
    # the client can write.
    return request.META.get("REMOTE_ADDR")


def _led_session(request, code, session_id):
    access = selectors.session_for_user(
        user=request.user, code=code, session_id=session_id
    )
    if not access.can_edit:
        raise Http404
    return access.session


@login_required
@require_GET
def class_list(request):
    classes = (
        TrainingClass.objects.visible_to(request.user)
        .select_related("course", "unit")
        .order_by("-start_date", "code")
    )
    return render(request, "attendance/class_list.html", {"classes": classes})


@login_required
@require_http_methods(["GET", "POST"])
def class_detail(request, code):
    klass = selectors.class_for_user(user=request.user, code=code)
    can_lead = klass.is_led_by(request.user)
    can_add = can_lead or request.user.is_unit_officer
    member_form = None
    if can_add:
        candidates = selectors.addable_learners(user=request.user, training_class=klass)
        member_form = MemberAddForm(request.POST or None, learners=candidates)
        if request.method == "POST" and member_form.is_valid():
            try:
                services.class_membership_add(
                    training_class=klass,
                    learner=member_form.cleaned_data["learner"],
                    added_by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Đã thêm học viên vào lớp."))
            return redirect("attendance:class_detail", code=klass.code)
    elif request.method == "POST":
        raise Http404
    members = list(selectors.class_members(user=request.user, training_class=klass))
    summaries = selectors.attendance_summaries(
        training_class=klass, learner_ids=[m.learner_id for m in members]
    )
    return render(
        request,
        "attendance/class_detail.html",
        {
            "klass": klass,
            "sessions": klass.sessions.all(),
            "members": [(m, summaries[m.learner_id]) for m in members],
            "can_lead": can_lead,
            "can_report": can_lead or request.user.is_unit_officer,
            "member_form": member_form,
            "taken": klass.memberships.count() if can_lead else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sessions_bulk(request, code):
    klass = selectors.class_for_user(user=request.user, code=code)
    if not klass.is_led_by(request.user):
        raise Http404
    form = SessionBulkForm(request.POST or None, initial={"place": klass.place})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.class_sessions_create_weekly(
                training_class=klass, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã tạo %(n)d buổi học.") % {"n": len(created)})
            return redirect("attendance:class_detail", code=klass.code)
    return render(
        request, "attendance/sessions_bulk.html", {"klass": klass, "form": form}
    )


@login_required
@require_GET
def roster(request, code, session_id):
    access = selectors.session_for_user(
        user=request.user, code=code, session_id=session_id
    )
    rows = selectors.session_roster(user=request.user, session=access.session)
    return render(
        request,
        "attendance/roster.html",
        {
            "session": access.session,
            "klass": access.session.training_class,
            "rows": rows,
            "can_edit": access.can_edit,
            "statuses": AttendanceStatus.choices,
            "begun": access.session.has_begun(),
        },
    )


@login_required
@require_POST
def roster_save(request, code, session_id):
    """Apply queued marks sent by the roster page (JSON). Idempotent."""
    session = _led_session(request, code, session_id)
    try:
        payload = json.loads(request.body or b"{}")
        marks = payload["marks"]
        if not isinstance(marks, list) or len(marks) > 1000:
            raise ValueError
        marks = [m for m in marks if isinstance(m, dict)]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Dữ liệu gửi lên không hợp lệ.")}, status=400)
    outcome = services.attendance_mark_many(
        session=session, marks=marks, recorded_by=request.user
    )
    return JsonResponse(
        {
            "changed": outcome.changed,
            "unchanged": outcome.unchanged,
            "errors": outcome.errors,
        }
    )


def _checkin_url(request, session) -> str:
    token = tokens.make_token(session_id=session.pk, now=timezone.now())
    return request.build_absolute_uri(
        reverse(
            "attendance:check_in",
            kwargs={
                "code": session.training_class.code,
                "session_id": session.pk,
                "token": token,
            },
        )
    )


def _qr_image(url: str) -> str:
    # Drawn without smoothing at the size CSS gives it (attendance.css); a
    # four-module quiet zone keeps old phone cameras reading it.
    return qr_data_url(url, scale=8, quiet_zone=True)


@login_required
@require_GET
def qr_page(request, code, session_id):
    session = _led_session(request, code, session_id)
    url = _checkin_url(request, session)
    return render(
        request,
        "attendance/qr.html",
        {
            "session": session,
            "klass": session.training_class,
            "url": url,
            "qr": _qr_image(url),
            "refresh_ms": tokens.slot_seconds() * 1000,
            "checked_in": session.records.filter(status__in=services.COUNTED).count(),
        },
    )


@login_required
@require_GET
def qr_frame(request, code, session_id):
    session = _led_session(request, code, session_id)
    url = _checkin_url(request, session)
    response = JsonResponse(
        {
            "url": url,
            "qr": _qr_image(url),
            "checked_in": session.records.filter(status__in=services.COUNTED).count(),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _check_in_refused(request):
    """The same page, whatever was wrong: no class, no session, a link not
    made for it, a visitor not in the class. It names nothing."""
    return render(request, "attendance/check_in_refused.html", status=404)


@require_http_methods(["GET", "POST"])
def check_in(request, code, session_id, token):
    """The QR code's target. GET asks the learner to confirm (a link
    preview must not check anyone in); POST checks in.

    The first moment this browser presents the token is noted in its
    session before anything else, signed in or not, so a learner who opens
    a fresh link and signs in first is judged when they opened it.
    """
    seen_at = tokens.note_first_seen(
        request.session, session_id=session_id, token=token, now=timezone.now()
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    session = (
        ClassSession.objects.select_related("training_class")
        .filter(training_class__code=code, pk=session_id)
        .first()
    )
    if session is None:
        return _check_in_refused(request)
    if request.method == "POST":
        result = services.attendance_check_in(
            session=session,
            learner=request.user,
            token=token,
            ip=_ip(request),
            seen_at=seen_at,
        )
        if result.code in services.UNREVEALING:
            return _check_in_refused(request)
    elif not services.attendance_check_in_reveals(
        session=session, learner=request.user, token=token
    ):
        return _check_in_refused(request)
    else:  # already checked in: say so rather than ask again
        result = services.attendance_checked_in(session=session, learner=request.user)
    return render(
        request,
        "attendance/check_in.html",
        {"session": session, "klass": session.training_class, "result": result},
        status=200 if result is None or result.ok else 400,
    )


def session_day(session) -> str:
    """A session's day for a file name: "05-12-2026"."""
    return f"{timezone.localtime(session.start):%d-%m-%Y}"


@login_required
@require_GET
def sign_in_sheet(request, code, session_id):
    access = selectors.session_for_user(
        user=request.user, code=code, session_id=session_id
    )
    rows = selectors.session_roster(user=request.user, session=access.session)
    pdf = documents.sign_in_sheet_pdf(session=access.session, rows=rows)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = ascii_slug(f"danh sach ky ten {code} {session_day(access.session)}")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
@require_GET
def sheet_template(request, code, session_id):
    session = _led_session(request, code, session_id)
    rows = selectors.session_roster(user=request.user, session=session)
    export_personal_data(
        request,
        what=_("Danh sách điểm danh lớp %(code)s (CSV)") % {"code": code},
        subjects=[row.learner.pk for row in rows],
    )
    response = HttpResponse(
        documents.sheet_csv(rows=rows), content_type="text/csv; charset=utf-8"
    )
    name = ascii_slug(f"diem danh {code} {session_day(session)}")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_sheet(request, code, session_id):
    session = _led_session(request, code, session_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.attendance_import_csv(
                session=session,
                data=form.cleaned_data["file"].read(),
                recorded_by=request.user,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            errors = result.errors
            if not errors:
                messages.success(
                    request,
                    _("Đã nhập điểm danh: %(changed)d thay đổi, %(same)d không đổi.")
                    % {"changed": result.changed, "same": result.unchanged},
                )
                return redirect("attendance:roster", code=code, session_id=session.pk)
    return render(
        request,
        "attendance/import.html",
        {
            "session": session,
            "klass": session.training_class,
            "form": form,
            "errors": errors,
            "method": AttendanceMethod.IMPORT,
        },
        status=400 if errors else 200,
    )


def _report_data(request, code):
    klass = selectors.class_for_user(user=request.user, code=code)
    if not (klass.is_led_by(request.user) or request.user.is_unit_officer):
        raise Http404
    return klass, {
        "by_session": selectors.report_by_session(
            user=request.user, training_class=klass
        ),
        "by_learner": selectors.report_by_learner(
            user=request.user, training_class=klass
        ),
        "by_unit": selectors.report_by_unit(user=request.user, training_class=klass),
    }


@login_required
@require_GET
def report(request, code):
    klass, data = _report_data(request, code)
    return render(
        request,
        "attendance/report.html",
        {"klass": klass, "statuses": AttendanceStatus.choices, **data},
    )


@login_required
@require_GET
def report_xlsx(request, code):
    klass, data = _report_data(request, code)
    export_personal_data(
        request,
        what=_("Báo cáo điểm danh lớp %(code)s (XLSX)") % {"code": code},
        subjects=[membership.learner_id for membership, _summary in data["by_learner"]],
    )
    labels = [str(label) for _value, label in AttendanceStatus.choices]
    by_session = [
        [
            timezone.localtime(line.session.start).strftime("%d/%m/%Y %H:%M"),
            line.session.topic,
            *[line.counts[v] for v in AttendanceStatus.values],
            line.unmarked,
        ]
        for line in data["by_session"]
    ]
    by_learner = []
    for membership, summary in data["by_learner"]:
        profile = getattr(membership.learner, "profile", None)
        by_learner.append(
            [
                membership.learner.get_full_name(),
                membership.learner.email,
                str(profile.agency) if profile and profile.agency else "",
                str(profile.unit) if profile and profile.unit else "",
                summary.held,
                summary.present,
                summary.late,
                summary.excused,
                summary.absent,
                float(summary.percent) if summary.percent is not None else None,
            ]
        )
    by_unit = [
        [
            line.unit_name,
            line.learners,
            line.reached,
            float(line.average) if line.average is not None else None,
        ]
        for line in data["by_unit"]
    ]
    content = documents.workbook_bytes(
        [
            (
                _("Theo buổi học"),
                [_("Buổi học"), _("Nội dung"), *labels, _("Chưa điểm danh")],
                by_session,
            ),
            (
                _("Theo học viên"),
                [
                    _("Họ và tên"),
                    _("Thư điện tử"),
                    _("Đơn vị công tác"),
                    _("Đơn vị hành chính"),
                    _("Số buổi đã học"),
                    *labels,
                    _("Tỷ lệ chuyên cần (%)"),
                ],
                by_learner,
            ),
            (
                _("Theo đơn vị"),
                [
                    _("Đơn vị hành chính"),
                    _("Số học viên"),
                    _("Số học viên đạt chuyên cần"),
                    _("Tỷ lệ chuyên cần trung bình (%)"),
                ],
                by_unit,
            ),
        ]
    )
    name = ascii_slug(f"diem danh {code}")
    return xlsx_response(content, filename=f"{name}.xlsx")
