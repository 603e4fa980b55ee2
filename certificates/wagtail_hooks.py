from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CertificateTemplate, Issuer
from .services import issuer_pin_issued


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Mẫu giấy chứng nhận")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "title", "is_default", "course", "page_size"]
    list_filter = ["is_default", "page_size"]
    search_fields = ["name"]


register_snippet(CertificateTemplateViewSet)


class IssuerViewSet(SnippetViewSet):
    """Who issues and signs certificates, period by period (province admins).

    Saving checks that periods never overlap; each save is a revision in
    Wagtail's history and audit log, and certificates pin the revision they
    were issued with."""

    model = Issuer
    icon = "site"
    menu_label = _("Cơ quan cấp giấy chứng nhận")
    menu_order = 305
    add_to_admin_menu = True
    list_display = [
        "issuing_body",
        "code",
        "valid_from",
        "valid_to",
        "signer_name",
        "numbering",
    ]
    search_fields = ["issuing_body"]


register_snippet(IssuerViewSet)


@hooks.register("before_edit_snippet")
def pin_certificates_before_an_issuer_edit(request, instance):
    """Certificates that read the issuer as it is keep it as it was."""
    if isinstance(instance, Issuer) and request.method == "POST":
        issuer_pin_issued(issuer_id=instance.pk)


@hooks.register("register_log_actions")
def register_certificate_actions(actions):
    actions.register_action(
        "certificates.issue", _("Cấp giấy chứng nhận"), _("Đã cấp giấy chứng nhận")
    )
    actions.register_action(
        "certificates.revoke",
        _("Thu hồi giấy chứng nhận"),
        _("Đã thu hồi giấy chứng nhận"),
    )
    actions.register_action(
        "certificates.reissue",
        _("Cấp lại giấy chứng nhận"),
        _("Đã cấp lại giấy chứng nhận"),
    )


class IssueScreenMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_province_admin or user.is_unit_officer


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return IssueScreenMenuItem(
        _("Cấp giấy chứng nhận"),
        reverse("certificates:issue"),
        icon_name="tasks",
        order=310,
    )
