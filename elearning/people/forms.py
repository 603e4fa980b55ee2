from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import AdministrativeUnit, Agency, Role, StaffProfile, User


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
            and User.objects.filter(email__iexact=email, profile__isnull=False).exists()
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
