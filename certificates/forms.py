from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage

from .models import Issuer
from .selectors import units_for_issuer
from .services import REVOKE_CATEGORIES


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=20,
        help_text=_("Mã 10 ký tự in trên giấy chứng nhận, ví dụ: 7KQ2M-XR4TB."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class IssueFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Khóa học"), queryset=CoursePage.objects.order_by("title")
    )
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None, required=False)
    training_class_code = forms.CharField(
        label=_("Mã lớp tập huấn"), max_length=40, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_issuer(user)
        self.fields["unit"].empty_label = _("Tất cả đơn vị được phân quyền")


class RegisterForm(forms.Form):
    """One book: an issuing body's (numbering per issuing body) or a unit's
    (numbering per unit, and every book made before issuers)."""

    issuer = forms.ModelChoiceField(
        label=_("Sổ của cơ quan cấp"),
        queryset=Issuer.objects.all(),
        required=False,
        empty_label=_("— Không chọn —"),
    )
    unit = forms.ModelChoiceField(
        label=_("hoặc sổ của đơn vị"),
        queryset=None,
        required=False,
        empty_label=_("— Không chọn —"),
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_issuer(user)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("issuer")) == bool(cleaned.get("unit")) and not (
            self.errors.get("unit") or self.errors.get("issuer")
        ):
            raise forms.ValidationError(
                _("Chọn sổ của một cơ quan cấp hoặc một đơn vị.")
            )
        return cleaned


class RevokeForm(forms.Form):
    """Revoke (a category chosen from the list) or reissue (the category is
    "replaced"); the free text is required either way and read by staff only."""

    category = forms.ChoiceField(
        label=_("Loại lý do (công khai)"),
        choices=(),
        required=False,
        help_text=_(
            "Hiển thị trên trang xác minh công khai. Khi cấp lại, loại lý do là "
            "“Đã thay bằng giấy chứng nhận số …”."
        ),
    )
    reason = forms.CharField(
        label=_("Lý do chi tiết (nội bộ)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Phải nêu lý do thu hồi.")},
        help_text=_("Bắt buộc; chỉ cán bộ quản lý xem được, không hiển thị công khai."),
    )

    def __init__(self, *args, reissue: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.reissue = reissue
        self.fields["category"].choices = [("", _("— Chọn loại lý do —"))] + [
            (c.value, c.label) for c in REVOKE_CATEGORIES
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.reissue and not cleaned.get("category"):
            self.add_error("category", _("Phải chọn loại lý do thu hồi."))
        return cleaned
