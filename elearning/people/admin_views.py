"""Wagtail admin screen: moving people from ended units (province admins)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.auth import user_passes_test

from .models import AdministrativeUnit
from .unit_moves import ended_units_with_people, moves_propose, units_migrate


def _ended_sources(day):
    """Ended units that hold people, with the ended units above them (a
    district whose people all sit in its old communes), by code."""
    units = {u.pk: u for u in ended_units_with_people(day)}
    for unit in list(units.values()):
        parent = unit.parent
        while parent is not None and parent.valid_to and parent.valid_to < day:
            units.setdefault(parent.pk, parent)
            parent = parent.parent
    return sorted(units.values(), key=lambda u: (u.code, u.valid_from))


@user_passes_test(lambda user: user.is_province_admin)
def unit_moves(request):
    """GET: the ended units holding people, and for the chosen one what each
    person's move would be. POST: move the people as chosen (the proposal
    for those with one successor; the admin's choice for the others)."""
    day = timezone.localdate()
    unit = None
    source = request.POST.get("from") or request.GET.get("from")
    if source:
        unit = get_object_or_404(
            AdministrativeUnit.objects.filter(valid_to__lt=day), pk=source
        )
    proposals = (
        moves_propose(unit=unit, day=day, viewer=request.user)
        if unit is not None
        else []
    )
    if request.method == "POST" and unit is not None:
        moves = []
        for proposal in proposals:
            chosen = request.POST.get(f"to-{proposal.profile.pk}", "")
            # Only a candidate is accepted: a forged value moves nobody.
            target = next((c for c in proposal.candidates if str(c.pk) == chosen), None)
            if target is not None:
                moves.append((proposal.profile, target))
        moved = units_migrate(moves=moves, actor=request.user, day=day)
        messages.success(
            request,
            _("Đã chuyển %(moved)d người; %(left)d người chưa chuyển.")
            % {"moved": moved, "left": len(proposals) - moved},
        )
        return redirect(f"{reverse('people_unit_moves:index')}?from={unit.pk}")
    title = _("Chuyển người sang đơn vị mới")
    return render(
        request,
        "people/admin/unit_moves.html",
        {
            "sources": _ended_sources(day),
            "unit": unit,
            "proposals": proposals,
            "day": day,
            "page_title": title,
            "header_title": title,
            "header_icon": "resubmit",
        },
    )
