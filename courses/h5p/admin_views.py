"""The library screen (Wagtail admin): installed H5P libraries, the contents
that use them, pending upgrades; province admins approve or block."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import H5PLibrary, H5PLibraryUpgrade
from .selectors import libraries_overview
from .services import UpgradeRefused, library_set_status, library_upgrade_decide

INDEX = "h5p_libraries:index"


def _require_province_admin(user) -> None:
    if not user.is_province_admin:
        raise PermissionDenied


def index(request):
    _require_province_admin(request.user)
    libraries, pending = libraries_overview()
    title = _("Thư viện H5P")
    return render(
        request,
        "h5p/admin/libraries.html",
        {
            "libraries": libraries,
            "pending": pending,
            "Status": H5PLibrary.Status,
            "page_title": title,
            "header_title": title,
            "header_icon": "cogs",
        },
    )


DECISIONS = {
    "approve": H5PLibrary.Status.APPROVED,
    "block": H5PLibrary.Status.BLOCKED,
}


@require_POST
def library_decide(request, pk: int):
    _require_province_admin(request.user)
    library = get_object_or_404(H5PLibrary, pk=pk)
    status = DECISIONS.get(request.POST.get("decision"))
    if status is None:
        messages.error(request, _("Quyết định không hợp lệ."))
        return redirect(INDEX)
    library_set_status(library=library, status=status, user=request.user)
    if status == H5PLibrary.Status.APPROVED:
        messages.success(request, _("Đã duyệt thư viện %(lib)s.") % {"lib": library})
    else:
        messages.success(request, _("Đã chặn thư viện %(lib)s.") % {"lib": library})
    return redirect(INDEX)


@require_POST
def upgrade_decide(request, pk: int):
    _require_province_admin(request.user)
    upgrade = get_object_or_404(
        H5PLibraryUpgrade.objects.select_related("library"), pk=pk
    )
    decision = request.POST.get("decision")
    if decision not in DECISIONS:
        messages.error(request, _("Quyết định không hợp lệ."))
        return redirect(INDEX)
    try:
        library_upgrade_decide(
            upgrade=upgrade, approve=decision == "approve", user=request.user
        )
    except UpgradeRefused as refused:
        messages.error(request, refused.message)
        return redirect(INDEX)
    if decision == "approve":
        messages.success(
            request,
            _("Đã duyệt bản vá %(upgrade)s: mọi bài tập dùng bản này.")
            % {"upgrade": upgrade},
        )
    else:
        messages.success(
            request,
            _("Đã chặn bản vá %(upgrade)s: bài tập giữ bản đang dùng.")
            % {"upgrade": upgrade},
        )
    return redirect(INDEX)
