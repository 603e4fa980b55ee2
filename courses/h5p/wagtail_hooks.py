"""Admin screens: H5P exercises (snippets) and the library approvals."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from . import admin_views
from .forms import H5PContentForm
from .models import H5PContent, H5PContentVersion, H5PLibrary
from .services import library_set_status, package_import


def _after_save(view, instance):
    upload = view.form.cleaned_data.get("package")
    max_score = view.form.cleaned_data.get("max_score")
    if upload is not None:
        upload.seek(0)
        result = package_import(
            fileobj=upload,
            filename=upload.name,
            size=upload.size,
            content=instance,
            user=view.request.user,
        )
        for upgrade in result.new_upgrades:
            messages.info(
                view.request,
                _(
                    "Gói có bản vá mới %(upgrade)s; bài tập dùng bản %(current)s "
                    "cho đến khi quản trị cấp tỉnh duyệt bản vá."
                )
                % {"upgrade": upgrade, "current": upgrade.library},
            )
    if max_score:
        version = instance.current_version
        if version is not None:
            H5PContentVersion.objects.filter(pk=version.pk).update(max_score=max_score)
    return instance


class H5PContentCreateView(CreateView):
    def save_instance(self):
        return _after_save(self, super().save_instance())


class H5PContentEditView(EditView):
    def save_instance(self):
        return _after_save(self, super().save_instance())


class H5PContentViewSet(SnippetViewSet):
    model = H5PContent
    icon = "form"
    menu_label = _("Bài tập H5P")
    add_view_class = H5PContentCreateView
    edit_view_class = H5PContentEditView
    list_display = ["title", "pass_threshold", "created_at"]
    search_fields = ["title"]

    def get_edit_handler(self):
        from wagtail.admin.panels import FieldPanel, ObjectList

        return ObjectList(
            [
                FieldPanel("title"),
                FieldPanel("pass_threshold"),
                FieldPanel("package"),
                FieldPanel("max_score"),
            ],
            base_form_class=H5PContentForm,
        ).bind_to_model(self.model)


class ProvinceAdminOnly(BasePermissionPolicy):
    """Libraries are approved or blocked by province admins only; nobody adds
    or deletes them here (they come in packages, and content uses them)."""

    def user_has_permission(self, user, action):
        if action not in ("view", "change"):
            return False
        return bool(getattr(user, "is_active", False) and user.is_province_admin)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.none()


register_permission_policy(H5PLibrary, ProvinceAdminOnly(H5PLibrary))


class LibraryStatusForm(WagtailAdminModelForm):
    status = forms.ChoiceField(label=_("trạng thái"), choices=H5PLibrary.Status.choices)

    class Meta:
        model = H5PLibrary
        fields = ["status"]


class LibraryEditView(generic.EditView):
    def save_instance(self):
        if not self.request.user.is_province_admin:
            raise PermissionDenied
        return library_set_status(
            library=self.object,
            status=self.form.cleaned_data["status"],
            user=self.request.user,
        )


class H5PLibraryViewSet(ModelViewSet):
    """Per-library pages (inspect, history: the audit log) behind the
    library screen; not in the menu."""

    model = H5PLibrary
    icon = "cogs"
    menu_label = _("Thư viện H5P")
    add_to_admin_menu = False
    form_fields = ["status"]
    edit_view_class = LibraryEditView
    list_display = ["machine_name", "major", "minor", "patch", "status", "approved_at"]
    list_filter = ["status"]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return LibraryStatusForm


class ProvinceAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_province_admin


class H5PLibraryScreen(ViewSet):
    """Installed libraries, the contents using them, pending upgrades."""

    name = "h5p_libraries"
    url_prefix = "h5p/libraries"
    icon = "cogs"
    menu_label = _("Thư viện H5P")
    menu_item_class = ProvinceAdminMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.index, name="index"),
            path("<int:pk>/", admin_views.library_decide, name="library"),
            path("upgrades/<int:pk>/", admin_views.upgrade_decide, name="upgrade"),
        ]


class H5PGroup(ViewSetGroup):
    menu_label = _("H5P")
    menu_icon = "form"
    items = (H5PContentViewSet, H5PLibraryScreen)


register_snippet(H5PGroup)


@hooks.register("register_admin_viewset")
def register_library_pages():
    return H5PLibraryViewSet("h5plibrary")


@hooks.register("register_log_actions")
def register_h5p_log_actions(actions):
    actions.register_action(
        "h5p.library_approve", _("Duyệt thư viện H5P"), _("Đã duyệt thư viện H5P")
    )
    actions.register_action(
        "h5p.library_block", _("Chặn thư viện H5P"), _("Đã chặn thư viện H5P")
    )
    actions.register_action(
        "h5p.library_unapprove",
        _("Đưa thư viện H5P về chờ duyệt"),
        _("Đã đưa thư viện H5P về chờ duyệt"),
    )
    actions.register_action(
        "h5p.upgrade_received",
        _("Nhận bản vá thư viện H5P"),
        _("Đã nhận bản vá thư viện H5P, chờ duyệt"),
    )
    actions.register_action(
        "h5p.upgrade_approve",
        _("Duyệt bản vá thư viện H5P"),
        _("Đã duyệt bản vá thư viện H5P"),
    )
    actions.register_action(
        "h5p.upgrade_block",
        _("Chặn bản vá thư viện H5P"),
        _("Đã chặn bản vá thư viện H5P"),
    )
