"""Admin screens for units, agencies and staff records, scoped per role."""

from __future__ import annotations

import datetime

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .forms import (
    AgencyForm,
    StaffProfileForm,
    UnitForm,
    UnitSuccessionCreateForm,
    UnitSuccessionEditForm,
)
from .models import AccessLog, AdministrativeUnit, Agency, StaffProfile, UnitSuccession
from .reauth import require_reauthentication
from .services import access_log_record


@hooks.register("register_log_actions")
def register_people_actions(actions):
    actions.register_action(
        "people.account_disabled", _("Khóa tài khoản"), _("Đã khóa tài khoản")
    )
    actions.register_action(
        "people.account_enabled", _("Mở khóa tài khoản"), _("Đã mở khóa tài khoản")
    )
    actions.register_action(
        "people.self_registered", _("Tự đăng ký"), _("Đã tự đăng ký tài khoản")
    )
    actions.register_action(
        "people.confirmed", _("Xác nhận tài khoản"), _("Đã xác nhận tài khoản")
    )
    actions.register_action(
        "people.refused", _("Từ chối tài khoản"), _("Đã từ chối tài khoản")
    )
    for action, label, message in (
        ("filed", _("Gửi yêu cầu về dữ liệu"), _("Đã gửi yêu cầu về dữ liệu")),
        ("acknowledged", _("Xác nhận đã nhận yêu cầu"), _("Đã xác nhận yêu cầu")),
        ("extended", _("Gia hạn trả lời yêu cầu"), _("Đã gia hạn trả lời")),
        ("granted", _("Chấp nhận yêu cầu"), _("Đã chấp nhận yêu cầu")),
        ("refused", _("Từ chối yêu cầu"), _("Đã từ chối yêu cầu")),
    ):
        actions.register_action(f"people.data_request.{action}", label, message)
    actions.register_action(
        "people.incident.recorded", _("Ghi nhận sự cố dữ liệu"), _("Đã ghi nhận sự cố")
    )
    actions.register_action(
        "people.incident.notified",
        _("Thông báo sự cố"),
        _("Đã thông báo cơ quan chức năng"),
    )
    actions.register_action(
        "people.anonymised",
        _("Ẩn danh"),
        _("Đã ẩn danh khi hết thời hạn lưu giữ"),
    )

    @actions.register_action("people.unit_ended")
    class UnitEnded(LogFormatter):
        label = _("Kết thúc đơn vị")

        def format_message(self, log_entry):
            day = (log_entry.data or {}).get("valid_to", "")
            if day:
                day = datetime.date.fromisoformat(day).strftime("%d/%m/%Y")
            return _("Đơn vị kết thúc ngày %(day)s") % {"day": day}

    actions.register_action(
        "people.unit_reparented",
        _("Chuyển đơn vị cấp trên"),
        _("Đã chuyển sang đơn vị cấp trên mới"),
    )

    @actions.register_action("people.agency_merged")
    class AgencyMerged(LogFormatter):
        label = _("Gộp cơ quan trùng tên")

        def format_message(self, log_entry):
            return _("Đã gộp «%(name)s» vào cơ quan này") % {
                "name": (log_entry.data or {}).get("merged", "")
            }

    @actions.register_action("people.unit_moved")
    class UnitMoved(LogFormatter):
        label = _("Chuyển đơn vị hành chính")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _(
                "Đã chuyển từ %(old)s (mã %(old_code)s) sang %(new)s (mã %(new_code)s)"
            ) % {
                "old": data.get("from", {}).get("name", ""),
                "old_code": data.get("from", {}).get("code", ""),
                "new": data.get("to", {}).get("name", ""),
                "new_code": data.get("to", {}).get("code", ""),
            }

    @actions.register_action("people.role_change")
    class RoleChange(LogFormatter):
        label = _("Đổi vai trò")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if data.get("added"):
                return _("Thêm vai trò: %(roles)s") % {
                    "roles": ", ".join(data["added"])
                }
            return _("Bỏ vai trò: %(roles)s") % {
                "roles": ", ".join(data.get("removed", []))
            }

    @actions.register_action("people.email_changed")
    class EmailChanged(LogFormatter):
        label = _("Đổi địa chỉ thư điện tử")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Đổi địa chỉ thư điện tử từ %(old)s sang %(new)s") % {
                "old": data.get("old", ""),
                "new": data.get("new", ""),
            }


# --- Account changes ask for a recent re-authentication ----------------------
# Roles (groups) and the active flag are edited in Wagtail's user admin; a
# stale session is sent to allauth's re-authentication page and the POST is
# replayed afterwards.


@hooks.register("before_create_user")
def reauthenticate_before_create_user(request):
    if request.method == "POST":
        require_reauthentication(request)


@hooks.register("before_edit_user")
def reauthenticate_before_edit_user(request, user):
    if request.method == "POST":
        require_reauthentication(request)


@hooks.register("before_delete_user")
def reauthenticate_before_delete_user(request, user):
    if request.method == "POST":
        require_reauthentication(request)


# --- Scoping: every list and every object goes through visible_to ------------


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class ScopedObjectMixin:
    """Fetch the object through ``visible_to``: another unit's record is a 404.

    A refused attempt on a staff record is written to the access log.
    """

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        visible = self.model.objects.visible_to(self.request.user)
        if not visible.filter(pk=obj.pk).exists():
            if isinstance(obj, StaffProfile):
                # Logged here with its subject; the audit middleware skips it.
                self.request._access_denied_logged = True
                access_log_record(
                    actor=self.request.user,
                    action=AccessLog.Action.DENIED,
                    what=str(_("Hồ sơ cán bộ #%(pk)s") % {"pk": obj.pk}),
                    subject_user_id=obj.user_id,
                    path=self.request.get_full_path(),
                )
            raise Http404
        return obj


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class StaffEditView(ScopedEditView):
    """Opening a staff record is a view of personal data: log it."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            what=str(_("Hồ sơ cán bộ: %(name)s") % {"name": self.object.full_name}),
            subject_user_id=self.object.user_id,
            path=request.get_full_path(),
        )
        return response


class ScopedViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_class = ScopedInspectView
    copy_view_enabled = False
    form_class = None

    def get_form_class(self, for_update=False):
        return self.form_class


# --- Viewsets ---------------------------------------------------------------


class UnitIndexView(generic.IndexView):
    """Units listed as a tree: province, then its districts, then communes."""

    def get_base_queryset(self):
        return (
            AdministrativeUnit.objects.select_related("parent")
            .annotate(
                tree_root=Coalesce(
                    F("parent__parent__code"), F("parent__code"), "code"
                ),
                depth=Case(
                    When(parent__isnull=True, then=Value(0)),
                    When(parent__parent__isnull=True, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                ),
            )
            .order_by("tree_root", "depth", "parent__code", "code", "valid_from")
        )


class UnitFilterSet(WagtailFilterSet):
    """Level, kind, and the units in force on a day (codes are reused: the
    list holds every unit that ever was)."""

    in_force_on = django_filters.DateFilter(
        label=_("có hiệu lực vào ngày"),
        method="filter_in_force_on",
        widget=AdminDateInput,
    )

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "kind"]

    def filter_in_force_on(self, queryset, name, value):
        return queryset.valid_on(value) if value else queryset


def _tree_label(unit) -> str:
    depth = getattr(unit, "depth", 0) or 0
    return f"{'— ' * depth}{unit.full_name}"


class NoDeletePermissionPolicy(ModelPermissionPolicy):
    """Units and successions end; nobody deletes them, superusers included."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != "delete"]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


register_permission_policy(
    AdministrativeUnit, NoDeletePermissionPolicy(AdministrativeUnit)
)
register_permission_policy(UnitSuccession, NoDeletePermissionPolicy(UnitSuccession))


class UnitViewSet(ModelViewSet):
    """Units with their dates and parent: a later reform is entered here and
    in *Kế thừa đơn vị* (docs/people.md), through the unit services."""

    model = AdministrativeUnit
    icon = "site"
    menu_label = _("Đơn vị hành chính")
    name = "people_units"
    url_prefix = "people/units"
    search_backend_name = None
    index_view_class = UnitIndexView
    copy_view_enabled = False
    list_display = [
        Column("tree", label=_("tên đầy đủ"), accessor=_tree_label),
        "code",
        "kind",
        "valid_from",
        "valid_to",
    ]
    filterset_class = UnitFilterSet
    search_fields = ["code", "name", "full_name"]

    def get_form_class(self, for_update=False):
        return UnitForm


class SuccessionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return UnitSuccession.objects.select_related("predecessor", "successor")


class SuccessionCreateView(generic.CreateView):
    def save_instance(self):
        # unit_succeed writes every succession (one per predecessor) and logs
        # each with the acting user; the generic action would log only one.
        return self.form.save()

    def get_success_message(self, instance):
        successions = self.form.successions
        return _(
            "Đã ghi nhận %(count)d kế thừa sang «%(successor)s»; đơn vị trước "
            "kết thúc ngày %(day)s."
        ) % {
            "count": len(successions),
            "successor": instance.successor,
            "day": (instance.effective_date - datetime.timedelta(days=1)).strftime(
                "%d/%m/%Y"
            ),
        }


class UnitSuccessionViewSet(ModelViewSet):
    """Successions are recorded through ``unit_succeed`` (which ends the
    predecessors); a recorded one keeps who, how and when, and nobody
    deletes it."""

    model = UnitSuccession
    icon = "resubmit"
    menu_label = _("Kế thừa đơn vị")
    name = "people_successions"
    url_prefix = "people/successions"
    copy_view_enabled = False
    add_view_class = SuccessionCreateView
    index_view_class = SuccessionIndexView
    list_display = ["predecessor", "successor", "kind", "effective_date", "partial"]
    list_filter = ["kind", "partial", "effective_date"]

    def get_form_class(self, for_update=False):
        return UnitSuccessionEditForm if for_update else UnitSuccessionCreateForm


class AgencyViewSet(ScopedViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Cơ quan, đơn vị")
    name = "people_agencies"
    url_prefix = "people/agencies"
    search_backend_name = None
    form_class = AgencyForm
    list_display = ["name", "unit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class StaffIndexView(ScopedIndexView):
    def get_base_queryset(self):
        # A restricted profile (at its owner's request) is kept, and still
        # opens by its URL, but is not listed.
        return (
            super()
            .get_base_queryset()
            .exclude(processing_restricted=True)
            .select_related("user", "agency", "unit")
        )

    def search_queryset(self, queryset):
        # Case and diacritics never matter: "nguyen van a" finds "Nguyễn Văn A".
        if not self.is_searching:
            return queryset
        return queryset.search(self.search_query)


class StaffViewSet(ScopedViewSet):
    model = StaffProfile
    icon = "user"
    menu_label = _("Hồ sơ cán bộ")
    name = "people_staff"
    url_prefix = "people/staff"
    search_backend_name = None
    index_view_class = StaffIndexView
    edit_view_class = StaffEditView
    form_class = StaffProfileForm
    list_display = [
        "full_name",
        Column("email", label=_("địa chỉ thư điện tử"), accessor="user.email"),
        "agency",
        "unit",
    ]
    search_fields = ["full_name", "user__email"]


class ProvinceAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_province_admin


class UnitMovesViewSet(ViewSet):
    """Moving people from ended units to their successors (province admins;
    the view checks it too)."""

    name = "people_unit_moves"
    url_prefix = "people/unit-moves"
    icon = "resubmit"
    menu_label = _("Chuyển người sang đơn vị mới")
    menu_item_class = ProvinceAdminMenuItem

    def get_urlpatterns(self):
        from .admin_views import unit_moves

        return [path("", unit_moves, name="index")]


class AccessLogViewSet(ModelViewSet):
    """Read-only for province admins: nobody holds add/change/delete on it."""

    model = AccessLog
    name = "people_access_log"
    icon = "history"
    menu_label = _("Nhật ký truy cập dữ liệu")
    url_prefix = "people/access-log"
    search_backend_name = None
    copy_view_enabled = False
    list_display = ["at", "actor", "action", "what", "path", "ip"]
    list_filter = ["action"]
    form_fields = ["what"]


class SitePageLink(ViewSet):
    """A menu entry of the admin that opens one of the site's pages (for
    province admins; the page checks it too)."""

    menu_item_class = ProvinceAdminMenuItem
    target = ""

    @property
    def menu_url(self):
        return reverse(self.target)


class ProcessingRegisterLink(SitePageLink):
    name = "people_processing_register"
    icon = "list-ul"
    menu_label = _("Hồ sơ hoạt động xử lý dữ liệu")
    target = "people:processing_register"


class IncidentsLink(SitePageLink):
    name = "people_incidents"
    icon = "warning"
    menu_label = _("Sổ sự cố dữ liệu cá nhân")
    target = "people:incidents"


class PeopleGroup(ViewSetGroup):
    menu_label = _("Người dùng và đơn vị")
    menu_icon = "group"
    menu_order = 250
    items = (
        StaffViewSet,
        AgencyViewSet,
        UnitViewSet,
        UnitSuccessionViewSet,
        UnitMovesViewSet,
        AccessLogViewSet,
        ProcessingRegisterLink,
        IncidentsLink,
    )


@hooks.register("register_admin_viewset")
def register_viewsets():
    return PeopleGroup()
