"""View gates by role, shared by every app's views (what a user may then
see is ``scoping``'s job)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def officer_required(view):
    """Unit officers and province admins only (others: 403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_unit_officer or user.is_province_admin):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
