"""Pages of certificates: the learner's list, downloads, bulk issue, the
register book, and the public verification pages."""

from __future__ import annotations

import logging

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from elearning.people.reauth import export_personal_data, require_reauthentication
from elearning.spreadsheets import xlsx_response

from .forms import IssueFilterForm, RegisterForm, RevokeForm, VerifyForm
from .models import Certificate, CertificateExport
from .pdf import pdf_filename, render_certificate_pdf
from .register import register_xlsx
from .renderer_client import RendererError
from .selectors import issue_preview, register_rows
from .services import (
    certificate_attach_pdf,
    certificate_issue_many,
    certificate_reissue,
    certificate_revoke,
)
from .tasks import certificate_export_build
from .text import normalize_short_code

logger = logging.getLogger(__name__)

VERIFY_RATE = "verify_certificate"  # ACCOUNT_RATE_LIMITS: per address


def _require_issuer(user) -> None:
    if not (user.is_province_admin or user.is_unit_officer):
        raise PermissionDenied


def _require_admin(user) -> None:
    if not user.is_province_admin:
        raise PermissionDenied


@login_required
def certificate_list(request):
    certificates = (
        Certificate.objects.visible_to(request.user)
        .select_related("series__unit")
        .order_by("-issued_at", "-pk")[:200]
    )
    return render(
        request, "certificates/certificate_list.html", {"certificates": certificates}
    )


@login_required
def certificate_detail(request, pk: int):
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related(
            "series__unit", "replaces", "issuer", "issuer_revision"
        ),
        pk=pk,
    )
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "replaced_by": getattr(certificate, "replaced_by", None),
            # The free-text reason is for staff; the learner, like the
            # public, reads the category.
            "show_internal_reason": request.user.is_province_admin
            or request.user.is_unit_officer,
            "revoke_form": RevokeForm() if request.user.is_province_admin else None,
        },
    )


@login_required
def certificate_download(request, pk: int):
    """Stream the PDF to whoever may see the certificate; 404 for anyone else."""
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related(
            "series__unit", "template_revision", "issuer"
        ),
        pk=pk,
    )
    if not certificate.pdf_sha256:
        # Normally rendered in the background; one page is ~50 ms, so a
        # download that races the worker renders it here instead of failing.
        try:
            content = render_certificate_pdf(certificate)
        except RendererError:
            logger.exception("Certificate %s: PDF not rendered", certificate.pk)
            messages.error(
                request,
                _(
                    "Tệp PDF của giấy chứng nhận chưa tạo được. "
                    "Vui lòng thử lại sau ít phút."
                ),
            )
            return redirect("certificates:list")
        certificate = certificate_attach_pdf(
            certificate_id=certificate.pk, content=content
        )
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=pdf_filename(certificate),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def certificate_revoke_view(request, pk: int):
    _require_admin(request.user)
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), pk=pk)
    require_reauthentication(request)
    reissue = "reissue" in request.POST
    form = RevokeForm(request.POST, reissue=reissue)
    if form.is_valid():
        try:
            if reissue:
                new = certificate_reissue(
                    certificate=certificate,
                    issued_by=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("Đã cấp lại giấy chứng nhận số %(n)s.") % {"n": new.number},
                )
                return redirect("certificates:detail", pk=new.pk)
            certificate_revoke(
                certificate=certificate,
                revoked_by=request.user,
                category=form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Đã thu hồi giấy chứng nhận."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(
            request, " ".join(m for errors in form.errors.values() for m in errors)
        )
    return redirect("certificates:detail", pk=certificate.pk)


@login_required
def issue(request):
    """Bulk issue: preview who is eligible and why others are not, then issue."""
    _require_issuer(request.user)
    data = request.POST if request.method == "POST" else request.GET
    form = IssueFilterForm(data or None, user=request.user)
    preview = None
    if form.is_valid():
        course = form.cleaned_data["course"]
        unit = form.cleaned_data["unit"]
        class_code = form.cleaned_data["training_class_code"].strip()
        preview = issue_preview(
            user=request.user, course=course, unit=unit, training_class_code=class_code
        )
        if request.method == "POST" and not preview.error:
            if "export" in request.POST:
                export = CertificateExport.objects.create(
                    requested_by=request.user,
                    course=course,
                    unit=unit,
                    training_class_code=class_code,
                )
                certificate_export_build.delay(export.pk)
                return redirect("certificates:export", pk=export.pk)
            asked = certificate_issue_many(
                course=course,
                learner_ids=[candidate.learner.pk for candidate in preview.eligible],
                issued_by=request.user,
                training_class_code=class_code,
            )
            messages.success(
                request,
                _("Đang cấp %(n)d giấy chứng nhận. Tải lại trang để xem kết quả.")
                % {"n": asked},
            )
            return redirect(
                f"{reverse('certificates:issue')}?{request.POST.urlencode()}"
            )
    return render(
        request, "certificates/issue.html", {"form": form, "preview": preview}
    )


@never_cache
@login_required
def export_status(request, pk: int):
    export = get_object_or_404(
        CertificateExport.objects.filter(requested_by=request.user), pk=pk
    )
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "status": export.status,
                "done": export.done,
                "total": export.total,
                "percent": export.percent,
                "download": reverse("certificates:export_download", args=[pk])
                if export.status == export.Status.DONE
                else "",
            }
        )
    return render(request, "certificates/export.html", {"export": export})


@login_required
def export_download(request, pk: int):
    export = get_object_or_404(
        CertificateExport.objects.filter(
            requested_by=request.user, status=CertificateExport.Status.DONE
        ),
        pk=pk,
    )
    export_personal_data(
        request, what=_("Tệp giấy chứng nhận #%(pk)s (ZIP)") % {"pk": export.pk}
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"giay-chung-nhan-{export.pk}.zip",
        content_type="application/zip",
    )


@login_required
def register_book(request):
    """The register book of one issuing body or unit and year as XLSX
    (scoped: an officer's copy holds their district's rows)."""
    _require_issuer(request.user)
    form = RegisterForm(request.GET or None, user=request.user)
    if form.is_valid():
        issuer, unit = form.cleaned_data["issuer"], form.cleaned_data["unit"]
        year = form.cleaned_data["year"]
        code = issuer.code if issuer else unit.code
        rows = register_rows(user=request.user, issuer=issuer, unit=unit, year=year)
        export_personal_data(
            request,
            what=_("Sổ cấp giấy chứng nhận %(unit)s năm %(year)s (XLSX)")
            % {"unit": code, "year": year},
            subjects=rows.values_list("learner_id", flat=True),
        )
        content = register_xlsx(
            rows=rows,
            book=issuer.issuing_body if issuer else unit.full_name,
            year=year,
            with_date_of_birth=rows.filter(issuer__print_date_of_birth=True).exists(),
        )
        return xlsx_response(content, filename=f"so-cap-gcn-{code}-{year}.xlsx")
    return render(request, "certificates/register.html", {"form": form})


def _over_limit(request) -> bool:
    """Count this look-up against the address (allauth's rate limits, the
    project's one limiter; GET requests counted too)."""
    return (
        ratelimit.consume_or_429(request, action=VERIFY_RATE, limit_get=True)
        is not None
    )


def _too_many(request):
    return render(request, "certificates/verify_limited.html", status=429)


@never_cache
def verify(request):
    """Public form: find a certificate by its short code (rate-limited)."""
    form = VerifyForm(request.GET or None)
    not_found = False
    if form.is_bound:
        if _over_limit(request):
            return _too_many(request)
        if form.is_valid():
            code = normalize_short_code(form.cleaned_data["code"])
            certificate = (
                Certificate.objects.filter(short_code=code).first() if code else None
            )
            if certificate is not None:
                return redirect("certificates:verify_token", token=certificate.token)
            not_found = True
    return render(
        request, "certificates/verify.html", {"form": form, "not_found": not_found}
    )


@never_cache
def verify_token(request, token: str):
    """Public result: valid or revoked, with nothing personal beyond the name."""
    if _over_limit(request):
        return _too_many(request)
    certificate = (
        Certificate.objects.select_related(
            "series__unit", "replaces", "issuer", "issuer_revision"
        )
        .filter(token=token)
        .first()
    )
    if certificate is None:
        raise Http404
    return render(
        request,
        "certificates/verify_result.html",
        {
            "certificate": certificate,
            "replaced_by": Certificate.objects.filter(replaces=certificate)
            .only("number", "token")
            .first(),
        },
    )
