"""Self sign-up, off unless ``SIGNUP_EMAIL_DOMAINS`` names work domains.

Accounts come from the people who know them: officers import their staff.
Where the province allows it, a person with an address of a listed domain
may sign up, names themselves and chooses their commune or ward; the account
then waits, with no role and no course, until an officer of that unit
confirms it (``people.services.person_confirm``). allauth calls
:meth:`SignupDetailsForm.signup` (``ACCOUNT_SIGNUP_FORM_CLASS``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def signup_domains() -> list[str]:
    return [d.strip().lower().lstrip("@") for d in settings.SIGNUP_EMAIL_DOMAINS if d]


def email_domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return domain in signup_domains()


def units_with_an_officer():
    """The units a person may sign up in: those in force today with an
    active officer to confirm them (an ended district's officer confirms
    nobody new until they are moved to a commune or ward)."""
    from .models import AdministrativeUnit, Role

    return (
        AdministrativeUnit.objects.current()
        .filter(staff__user__is_active=True, staff__user__groups__name=Role.OFFICER)
        .exclude(level=AdministrativeUnit.Level.PROVINCE)
        .distinct()
        .order_by("name")
    )


class SignupDetailsForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    unit = forms.ModelChoiceField(
        label=_("Xã, phường nơi công tác"),
        queryset=None,
        help_text=_("Cán bộ phụ trách của đơn vị này sẽ xác nhận tài khoản."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_with_an_officer()

    def clean(self):
        # allauth's sign-up form is built on this one: the email is its field.
        data = super().clean()
        email = data.get("email") or ""
        if email and not email_domain_allowed(email):
            self.add_error(
                "email",
                _("Chỉ đăng ký được bằng địa chỉ thư công vụ (%(domains)s).")
                % {"domains": ", ".join(signup_domains())},
            )
        return data

    def signup(self, request, user) -> None:
        from .services import person_self_register

        person_self_register(
            user=user,
            full_name=self.cleaned_data["full_name"],
            unit=self.cleaned_data["unit"],
        )
