from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import (
    AdministrativeUnit,
    Agency,
    Role,
    StaffProfile,
    UnitSuccession,
    User,
)
from .services import UNIT_FIELDS


class AgencyForm(WagtailAdminModelForm):
    """An officer may only place an agency in a unit they look after, and
    only in a unit in force today (an agency's own unit stays on offer)."""

    class Meta:
        model = Agency
        fields = ["name", "unit", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["unit"].queryset = AdministrativeUnit.objects.filter(
                Q(pk__in=_unit_choices(self.for_user)) | Q(pk=self.instance.unit_id)
            )


def _unit_choices(user) -> list[int]:
    """The units in force today that ``user`` looks after: new work never
    goes to a unit that has ended."""
    from .scoping import visible_unit_ids

    ids = visible_unit_ids(user)
    qs = AdministrativeUnit.objects.current()
    return list(
        (qs if ids is None else qs.filter(pk__in=ids)).values_list("pk", flat=True)
    )


class StaffProfileForm(WagtailAdminModelForm):
    """A staff record with its sign-in email; a new one invites the person."""

    email = forms.EmailField(label=_("địa chỉ thư điện tử"))

    class Meta:
        model = StaffProfile
        fields = [
            "full_name",
            "date_of_birth",
            "position",
            "category",
            "agency",
            "phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].required = True
        if self.for_user is not None:
            # Agencies of units in force today; a record's own agency stays
            # on offer so it can be edited before its people are moved.
            self.fields["agency"].queryset = (
                Agency.objects.visible_to(self.for_user)
                .filter(
                    Q(unit__in=AdministrativeUnit.objects.current())
                    | Q(pk=self.instance.agency_id)
                )
                .select_related("unit")
            )
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            # Changing a sign-in address is an account matter, not a record edit.
            self.fields["email"].disabled = True

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if (
            not self.instance.pk
            and User.objects.with_email(email).filter(profile__isnull=False).exists()
        ):
            raise forms.ValidationError(_("Đã có hồ sơ với địa chỉ thư điện tử này."))
        return email

    def save(self, commit=True):
        if self.instance.pk:
            return super().save(commit=commit)
        from .services import user_invite

        user, _link, _created = user_invite(
            email=self.cleaned_data["email"],
            role=Role.LEARNER,
            agency=self.cleaned_data["agency"],
            full_name=self.cleaned_data["full_name"],
            actor=self.for_user,
        )
        profile = user.profile
        for field in ("date_of_birth", "position", "category", "phone"):
            setattr(profile, field, self.cleaned_data[field])
        profile.save()
        self.instance = profile
        return profile


# --- Units and successions (province admins) -----------------------------------


def _unit_label(unit: AdministrativeUnit) -> str:
    start = unit.valid_from.strftime("%d/%m/%Y")
    end = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "…"
    return f"{unit.full_name} ({unit.code}, {start} – {end})"


class UnitChoiceField(forms.ModelChoiceField):
    """Units named with their code and dates: codes are reused."""

    def label_from_instance(self, obj):
        return _unit_label(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _unit_label(obj)


def _units_for_choice():
    return AdministrativeUnit.objects.order_by("-valid_from", "code")


def _add_problems(form: forms.Form, problems: list[tuple[str, str]]) -> None:
    for field, message in problems:
        form.add_error(field if field in form.fields else None, message)


class UnitForm(WagtailAdminModelForm):
    """Add a unit (a reform's new commune, a province under a new name) or
    correct one, through ``services.unit_create`` / ``unit_update``."""

    parent = UnitChoiceField(
        queryset=_units_for_choice(),
        required=False,
        label=_("đơn vị cấp trên"),
    )

    class Meta:
        model = AdministrativeUnit
        fields = list(UNIT_FIELDS)

    def clean(self):
        from .services import unit_problems

        data = super().clean()
        if any(
            self.has_error(name) for name in ("code", "level", "kind", "valid_from")
        ):
            return data
        candidate = AdministrativeUnit(
            pk=self.instance.pk, **{name: data.get(name) for name in self.Meta.fields}
        )
        creating = self.instance.pk is None
        _add_problems(
            self,
            unit_problems(
                candidate,
                check_parent=creating or candidate.parent_id != self.instance.parent_id,
                model_checks=False,
            ),
        )
        return data

    def save(self, commit=True):
        from .services import unit_create, unit_update

        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.instance.pk is None:
            self.instance = unit_create(**values)
        else:
            original = AdministrativeUnit.objects.get(pk=self.instance.pk)
            self.instance = unit_update(unit=original, **values)
        return self.instance


class UnitSuccessionCreateForm(WagtailAdminModelForm):
    """Record a succession through ``services.unit_succeed``: the
    predecessors end the day before the effective date."""

    predecessors = UnitMultipleChoiceField(
        queryset=_units_for_choice(),
        label=_("đơn vị trước"),
        help_text=_(
            "Một hoặc nhiều đơn vị; mỗi đơn vị kết thúc vào ngày trước ngày có hiệu lực."
        ),
    )
    successor = UnitChoiceField(queryset=_units_for_choice(), label=_("đơn vị sau"))
    move_children = forms.BooleanField(
        required=False,
        label=_("chuyển các đơn vị trực thuộc sang đơn vị sau"),
        help_text=_(
            "Các đơn vị trực thuộc đơn vị trước còn hiệu lực vào ngày có hiệu "
            "lực chuyển sang trực thuộc đơn vị sau (ví dụ: tỉnh trở thành thành "
            "phố trực thuộc trung ương)."
        ),
    )

    field_order = [
        "predecessors",
        "successor",
        "kind",
        "effective_date",
        "legal_basis",
        "partial",
        "move_children",
    ]

    class Meta:
        model = UnitSuccession
        fields = ["successor", "kind", "effective_date", "legal_basis", "partial"]

    def _arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "predecessors": list(data["predecessors"]),
            "successor": data["successor"],
            "kind": data["kind"],
            "effective_date": data["effective_date"],
            "legal_basis": data.get("legal_basis") or "",
            "partial": data.get("partial", False),
            "move_children": data.get("move_children", False),
        }

    def clean(self):
        from .services import unit_succession_problems

        data = super().clean()
        if not any(
            self.has_error(name)
            for name in ("predecessors", "successor", "kind", "effective_date")
        ):
            problems, _children = unit_succession_problems(**self._arguments())
            _add_problems(self, problems)
        return data

    def save(self, commit=True):
        from .services import unit_succeed

        self.successions = unit_succeed(**self._arguments(), actor=self.for_user)
        self.instance = self.successions[0]
        return self.instance


class UnitSuccessionEditForm(WagtailAdminModelForm):
    """A recorded succession: only its legal basis and ``partial`` change."""

    class Meta:
        model = UnitSuccession
        fields = [
            "predecessor",
            "successor",
            "kind",
            "effective_date",
            "legal_basis",
            "partial",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("predecessor", "successor", "kind", "effective_date"):
            self.fields[name].disabled = True
            self.fields[name].help_text = _(
                "Không sửa được: ghi nhận một kế thừa khác nếu cần."
            )

    def save(self, commit=True):
        from .services import succession_update

        return succession_update(
            succession=self.instance,
            legal_basis=self.cleaned_data["legal_basis"],
            partial=self.cleaned_data["partial"],
        )


def _kind_choices():
    from .personal_data import personal_data_kinds

    return [(kind.key, kind.label) for kind in personal_data_kinds()]


class IncidentForm(forms.Form):
    """A personal-data incident, as a province admin records it."""

    title = forms.CharField(label=_("Sự cố"), max_length=200)
    description = forms.CharField(
        label=_("Diễn biến"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    discovered_at = forms.DateTimeField(
        label=_("Phát hiện lúc"),
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"],
        help_text=_("dd/mm/yyyy hh:mm"),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Loại dữ liệu bị ảnh hưởng"),
        choices=_kind_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = UnitChoiceField(
        label=_("Đơn vị bị ảnh hưởng"),
        queryset=AdministrativeUnit.objects.current(),
        required=False,
        help_text=_("Để trống nếu sự cố ảnh hưởng toàn hệ thống."),
    )
    measures = forms.CharField(
        label=_("Biện pháp đã thực hiện"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
