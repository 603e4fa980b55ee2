from django import forms
from django.utils.translation import gettext_lazy as _

from .imports import MAX_BYTES
from .models import CoursePage


def _courses():
    return CoursePage.objects.live().defer_streamfields().order_by("title")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách (CSV hoặc Excel .xlsx)"),
        help_text=_(
            "Các cột: ho_ten, email, ngay_sinh (ngày/tháng/năm), chuc_vu, co_quan, "
            "ma_dvhc, doi_tuong. Tối đa 10 MB."
        ),
    )
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.none(),
        required=False,
        label=_("Ghi danh vào khóa học (không bắt buộc)"),
        empty_label=_("— Chỉ nhập hồ sơ cán bộ —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _courses()
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 10 MB)."))
        return upload


class EnrolStaffForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.none(),
        label=_("Khóa học"),
        empty_label=_("— Chọn khóa học —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    learners = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Cán bộ")
    )

    def __init__(self, *args, officer, **kwargs):
        from elearning.people.models import User

        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _courses()
        self.fields["learners"].queryset = User.objects.visible_to(officer)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"), max_length=500, widget=forms.TextInput()
    )
