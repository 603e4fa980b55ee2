"""Admin screens for classes and sessions (scoped) and the log actions."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .forms import TrainingClassForm
from .models import ClassSession, TrainingClass


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("attendance.mark", _("Điểm danh"), _("Thay đổi điểm danh"))
    actions.register_action(
        "attendance.checkin_refused",
        _("Từ chối điểm danh bằng mã QR"),
        _("Từ chối điểm danh bằng mã QR"),
    )
    actions.register_action(
        "attendance.member_add",
        _("Thêm học viên vào lớp"),
        _("Thêm học viên vào lớp"),
    )


def _classes_for(user):
    return TrainingClass.objects.led_by(user)


class _ScopedIndex(generic.IndexView):
    def get_base_queryset(self):
        return self.scoped(super().get_base_queryset())


class _ScopedEdit(generic.EditView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            self.scoped(self.model.objects.all()), pk=self.kwargs[self.pk_url_kwarg]
        )


class _ScopedDelete(generic.DeleteView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            self.scoped(self.model.objects.all()), pk=self.kwargs[self.pk_url_kwarg]
        )


def _scoped_views(scope):
    """Index/edit/delete views that only reach rows ``scope(qs, user)`` keeps."""

    def scoped(self, qs):
        return scope(qs, self.request.user)

    return (
        type("Index", (_ScopedIndex,), {"scoped": scoped}),
        type("Edit", (_ScopedEdit,), {"scoped": scoped}),
        type("Delete", (_ScopedDelete,), {"scoped": scoped}),
    )


_class_views = _scoped_views(lambda qs, user: qs & _classes_for(user))
_session_views = _scoped_views(
    lambda qs, user: qs.filter(training_class__in=_classes_for(user))
)


class TrainingClassViewSet(ModelViewSet):
    model = TrainingClass
    icon = "group"
    menu_label = _("Lớp tập huấn")
    add_to_admin_menu = False
    index_view_class, edit_view_class, delete_view_class = _class_views
    list_display = ["code", "name", "course", "unit", "start_date", "end_date"]
    list_filter = ["mode"]
    search_fields = ["code", "name"]
    edit_handler = ObjectList(
        [
            # A plain input: Wagtail's slug widget would lower-case the code as
            # it is typed ("ATTT-XL-LOP2" saved as "attt-xl-lop2").
            FieldRowPanel(
                [FieldPanel("code", widget=forms.TextInput), FieldPanel("name")]
            ),
            FieldPanel("course"),
            FieldPanel("unit"),
            FieldPanel("trainers"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldRowPanel([FieldPanel("place"), FieldPanel("mode")]),
            FieldPanel("capacity"),
            MultiFieldPanel(
                [
                    FieldPanel("min_attendance_percent"),
                    FieldPanel("count_excused"),
                    FieldPanel("late_after_minutes"),
                    FieldPanel("checkin_opens_minutes"),
                    FieldPanel("venue_networks"),
                ],
                heading=_("Điểm danh"),
            ),
        ],
        base_form_class=TrainingClassForm,
    )


class _SessionFormMixin:
    """A trainer adds sessions only to the classes they lead."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "training_class" in form.fields:
            form.fields["training_class"].queryset = _classes_for(self.request.user)
        return form


class _SessionCreate(_SessionFormMixin, generic.CreateView):
    pass


class _SessionEdit(_SessionFormMixin, _session_views[1]):
    pass


class ClassSessionViewSet(ModelViewSet):
    model = ClassSession
    icon = "date"
    menu_label = _("Buổi học")
    add_to_admin_menu = False
    index_view_class, _edit, delete_view_class = _session_views
    edit_view_class = _SessionEdit
    add_view_class = _SessionCreate
    list_display = ["training_class", "start", "end", "topic", "place"]
    list_filter = ["training_class"]
    panels = [
        FieldPanel("training_class"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("topic"),
        FieldPanel("place"),
        FieldPanel("online_url"),
    ]


class AttendanceViewSetGroup(ModelViewSetGroup):
    menu_label = _("Lớp tập huấn")
    menu_icon = "group"
    menu_order = 300
    items = (
        TrainingClassViewSet("training_classes"),
        ClassSessionViewSet("class_sessions"),
    )


@hooks.register("register_admin_viewset")
def register_viewset():
    return AttendanceViewSetGroup()
