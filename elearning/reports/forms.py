from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elearning.people.models import AdministrativeUnit

from .metrics import Period
from .yearly import report_year_default


def _years() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year, this_year - 6, -1)]


class ReportFilterForm(forms.Form):
    """Which period and (for admins) which unit a dashboard shows.

    ``units`` is the queryset the reader may choose from (already scoped):
    a unit outside it makes the form invalid, and the view answers 404.
    """

    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False)
    start = forms.DateField(label=_("Từ ngày"), required=False)
    end = forms.DateField(label=_("Đến ngày"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Đơn vị hành chính"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("Toàn tỉnh"),
    )

    def __init__(self, *args, units=None, whole_province=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        if units is None:
            del self.fields["unit"]
        else:
            if whole_province:
                # The province and the units right under it: the districts
                # until 30/06/2025, the communes and wards after.
                province = AdministrativeUnit.Level.PROVINCE
                units = units.filter(Q(level=province) | Q(parent__level=province))
            else:
                # An officer's default is their own unit, not the province.
                self.fields["unit"].empty_label = None
            self.fields["unit"].queryset = units.order_by("code", "valid_from")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                {"class": "form-control form-control-sm", "placeholder": "dd/mm/yyyy"}
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Nhập cả ngày bắt đầu và ngày kết thúc."))
        if start and end and start > end:
            raise forms.ValidationError(
                _("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.")
            )
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        return Period.year(data.get("year") or timezone.localdate().year)


class YearlyReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm báo cáo"), coerce=int)
    unit = forms.ModelChoiceField(
        label=_("Đơn vị hành chính"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("Toàn tỉnh"),
    )
    format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("pdf", "PDF"), ("xlsx", "Excel (XLSX)")],
    )

    def __init__(self, *args, units=None, allow_province=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()
        self.fields["year"].initial = report_year_default(timezone.localdate())
        field = self.fields["unit"]
        # Reports are made for the units right under the province: the
        # districts until 30/06/2025, the communes and wards after.
        field.queryset = units.filter(
            parent__level=AdministrativeUnit.Level.PROVINCE
        ).order_by("code", "valid_from")
        if not allow_province:
            field.required = True
            field.empty_label = None
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select")
