from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from elearning.people.models import AdministrativeUnit, Role, User

WEEKDAYS = [
    (0, _("Thứ Hai")),
    (1, _("Thứ Ba")),
    (2, _("Thứ Tư")),
    (3, _("Thứ Năm")),
    (4, _("Thứ Sáu")),
    (5, _("Thứ Bảy")),
    (6, _("Chủ nhật")),
]


class SessionBulkForm(forms.Form):
    """ "Every Tuesday and Thursday 8:00–11:30 from … to …"."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Các ngày trong tuần"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(label=_("Giờ bắt đầu"), help_text=_("Ví dụ 08:00"))
    end_time = forms.TimeField(
        label=_("Giờ kết thúc"),
        help_text=_("Ví dụ 11:30; giờ sớm hơn giờ bắt đầu là sang ngày hôm sau"),
    )
    first_day = forms.DateField(label=_("Từ ngày"), help_text=_("dd/mm/yyyy"))
    last_day = forms.DateField(label=_("Đến ngày"), help_text=_("dd/mm/yyyy"))
    place = forms.CharField(label=_("Địa điểm"), required=False, max_length=255)
    online_url = forms.URLField(
        label=_("Đường dẫn học trực tuyến"), required=False, assume_scheme="https"
    )
    topic = forms.CharField(label=_("Nội dung"), required=False, max_length=255)


class MemberAddForm(forms.Form):
    learner = forms.ModelChoiceField(
        label=_("Học viên"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args, learners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV"),
        help_text=_("Tệp mẫu tải về từ trang này, đã điền cột trang_thai."),
    )

    MAX_BYTES = 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 1 MB)."))
        return upload


class TrainingClassForm(WagtailAdminModelForm):
    """The admin's class form: the trainers picker lists trainers only, and
    the unit picker the units in force (plus the class's own unit, should
    it have ended since)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "trainers" in self.fields:
            chosen = (
                self.instance.trainers.all()
                if self.instance.pk
                else User.objects.none()
            )
            self.fields["trainers"].queryset = (
                (
                    User.objects.filter(is_active=True, groups__name=Role.TRAINER)
                    | User.objects.filter(pk__in=chosen.values("pk"))
                )
                .distinct()
                .select_related("profile")
                .order_by("profile__sort_key", "email")
            )
            self.fields["trainers"].label_from_instance = _trainer_label
        if "unit" in self.fields:
            in_force = AdministrativeUnit.objects.current()
            if self.instance.unit_id:
                in_force = in_force | AdministrativeUnit.objects.filter(
                    pk=self.instance.unit_id
                )
            self.fields["unit"].queryset = in_force.order_by("level", "full_name")


def _trainer_label(user) -> str:
    profile = getattr(user, "profile", None)
    name = profile.full_name if profile is not None else ""
    return f"{name} ({user.email})" if name else user.email
