"""Sensitive actions ask for a recent re-authentication (allauth's mechanism).

A session that has not proved its owner again within
ACCOUNT_REAUTHENTICATION_TIMEOUT is sent to allauth's re-authentication page
(nothing is exported, nothing changes); after the password, or a TOTP code
for staff with MFA, the same request goes through.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from elearning.people.models import AccessLog
from tests.access_rules import (
    certificate_export_pk,
    certificate_pk,
    class_code,
    class_session,
    quiz_id,
    report_filter,
)
from tests.factories import DEFAULT_PASSWORD, reauthenticate
from tests.test_access_matrix import matrix  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

REAUTH = reverse("account_reauthenticate")
RECORDS_KEY = "account_authentication_methods"


def _units(ctx):
    return {"unit": ctx["units"]["741"].pk, "year": 2026}


# (id, role, method, URL name, kwargs(ctx), query or data(ctx), fresh status)
SENSITIVE = [
    ("enrolments-xlsx", "officer", "get", "courses:officer_enrolments_export",
     None, None, 200),
    ("attendance-report-xlsx", "officer", "get", "attendance:report_xlsx",
     class_code, None, 200),
    ("attendance-roster-csv", "trainer", "get", "attendance:sheet_template",
     class_session, None, 200),
    ("certificate-register-book", "officer", "get", "certificates:register",
     None, _units, 200),
    ("certificate-batch-zip", "officer", "get", "certificates:export_download",
     certificate_export_pk, None, 200),
    ("report-table-csv", "officer", "get", "reports:export",
     lambda ctx: {"table": "agency", "fmt": "csv"}, report_filter, 200),
    ("quiz-results-xlsx", "admin", "get", "quizzes_admin:report",
     quiz_id, lambda ctx: {"format": "xlsx"}, 200),
    ("my-data-json", "learner", "get", "people:my_data_download", None, None, 200),
    ("certificate-revoke", "admin", "post", "certificates:revoke",
     certificate_pk, lambda ctx: {"category": "error", "reason": "Cấp nhầm"}, 302),
]  # fmt: skip


def _request(client, ctx, method, name, kwargs, data):
    url = reverse(name, kwargs=kwargs(ctx) if kwargs else None)
    payload = data(ctx) if data else {}
    return url, getattr(client, method)(url, payload)


@pytest.fixture
def users(learner, officer, trainer, province_admin):
    return {
        "learner": learner,
        "officer": officer,
        "trainer": trainer,
        "admin": province_admin,
    }


def _age_reauthentication(client, seconds: int) -> None:
    """Pretend the last re-authentication happened ``seconds`` ago."""
    session = client.session
    records = session[RECORDS_KEY]
    for record in records:
        record["at"] -= seconds
    session[RECORDS_KEY] = records
    session.save()


@pytest.mark.parametrize(
    "role,method,name,kwargs,data,fresh",
    [case[1:] for case in SENSITIVE],
    ids=[case[0] for case in SENSITIVE],
)
def test_stale_session_is_sent_to_reauthenticate_and_fresh_one_passes(
    matrix,  # noqa: F811
    users,
    role,
    method,
    name,
    kwargs,
    data,
    fresh,
):
    from certificates.models import Certificate

    _clients, ctx = matrix
    client = Client()
    client.force_login(users[role])
    exports_before = AccessLog.objects.filter(action="export").count()
    revoked_before = Certificate.objects.filter(revoked_at__isnull=False).count()

    # Signed in, but never re-authenticated: asked for the password.
    url, response = _request(client, ctx, method, name, kwargs, data)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH)
    assert "next=" in response["Location"]
    assert AccessLog.objects.filter(action="export").count() == exports_before
    assert (
        Certificate.objects.filter(revoked_at__isnull=False).count() == revoked_before
    )

    # Re-authenticated: the action goes through.
    reauthenticate(client)
    _url, response = _request(client, ctx, method, name, kwargs, data)
    assert response.status_code == fresh, (url, response.status_code)
    if method == "get":
        assert response.get("Content-Disposition", "").startswith("attachment")
        entry = AccessLog.objects.filter(action="export").first()
        if name != "people:my_data_download":  # a person's own data
            assert entry is not None and entry.actor == users[role]
            # One line per person in the file (one if nobody is in it).
            new = AccessLog.objects.filter(action="export").order_by("-pk")[
                : AccessLog.objects.filter(action="export").count() - exports_before
            ]
            assert new and {line.actor for line in new} == {users[role]}
    else:
        assert Certificate.objects.filter(revoked_at__isnull=False).count() == (
            revoked_before + 1
        )

    # Older than ACCOUNT_REAUTHENTICATION_TIMEOUT: asked again.
    _age_reauthentication(client, 301)
    _url, response = _request(client, ctx, method, name, kwargs, data)
    if method == "get":
        assert response.status_code == 302
        assert response["Location"].startswith(REAUTH)


def test_revocation_is_replayed_after_reauthentication(matrix, province_admin):  # noqa: F811
    """The POST made with a stale session is kept and carried out afterwards."""
    _clients, ctx = matrix
    certificate = ctx["certificate"]
    client = Client()
    client.force_login(province_admin)
    url = reverse("certificates:revoke", args=[certificate.pk])
    response = client.post(url, {"category": "error", "reason": "Cấp nhầm"})
    assert response["Location"].startswith(REAUTH)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_by == province_admin


def test_wrong_password_does_not_reauthenticate(client, learner):
    client.force_login(learner)
    response = client.post(REAUTH, {"password": "khong-dung-mat-khau"})
    assert response.status_code == 200
    response = client.get(reverse("people:my_data_download"))
    assert response["Location"].startswith(REAUTH)


def test_staff_reauthenticate_with_a_totp_code(client, officer):
    """Staff with MFA may prove themselves with the code from their app."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    Authenticator.objects.filter(user=officer).delete()
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    client.force_login(officer)
    url = reverse("courses:officer_enrolments_export")
    assert client.get(url)["Location"].startswith(REAUTH)
    counters = list(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
    response = client.post(reverse("mfa_reauthenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(url).status_code == 200


def test_role_change_in_the_user_admin_asks_for_reauthentication(
    client, units, learner
):
    """Wagtail's user admin (roles and the active flag) is behind it too."""
    from tests.factories import make_person

    root = make_person(
        role="admin",
        unit=units["75"],
        full_name="Quản Trị Gốc",
        email="goc@stttt.gov.vn",
    )
    root.is_superuser = True
    root.save()
    client.force_login(root)
    url = reverse("wagtailusers_users:edit", args=[learner.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {}
    for field_name in form.fields:
        value = form[field_name].value()
        if value is None or field_name.startswith("password"):
            continue
        if isinstance(value, list | tuple):
            data[field_name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[field_name] = "on"
        else:
            data[field_name] = value
    from django.contrib.auth.models import Group

    data["groups"] = [str(Group.objects.get(name="officer").pk)]
    data.update(first_name="An", last_name="Nguyễn Văn")
    stale = client.post(url, data)
    assert stale.status_code == 302 and stale["Location"].startswith(REAUTH)
    learner.refresh_from_db()
    assert not learner.groups.filter(name="officer").exists()

    reauthenticate(client)
    done = client.post(url, data)
    assert done.status_code == 302, done.context["form"].errors
    assert learner.groups.filter(name="officer").exists()
