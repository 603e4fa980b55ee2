"""The admin shell's own additions, for every screen."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def input_names():
    """Names for the inputs third-party widgets leave unnamed (see the
    script)."""
    return format_html(
        '<script src="{}" data-fallback-label="{}"></script>',
        static("js/admin-labels.js"),
        _("Nội dung soạn thảo"),
    )
