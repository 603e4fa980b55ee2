"""Who may open which page: the role × URL table checked by test_access_matrix.

Every named URL of the project has a row here. A new URL name without a row
fails the matrix test, which asks for one. Third-party URL families (allauth,
Wagtail) are declared once by prefix with a few representative pages probed.

Outcomes (the response to a GET, not followed):
    200, 404, 405 ...  the status code
    LOGIN    302 to the sign-in page (not signed in, or no admin access)
    DENIED   302 to the admin dashboard: Wagtail's "no permission" answer
    REDIRECT any other 302 (e.g. "already signed in, go home")

Columns: anonymous, learner, officer (Xuân Lộc 741), other_officer (Biên
Hòa 731), trainer, admin (province admin). Objects probed belong to Xuân Lộc,
so other_officer's column is the cross-district probe and must be 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"
DENIED = "denied"
REDIRECT = "redirect"

ROLES = ("anonymous", "learner", "officer", "other_officer", "trainer", "admin")


@dataclass(frozen=True)
class Rule:
    expect: dict[str, int | str]
    # ctx -> URL kwargs; ctx holds the matrix fixtures (see test_access_matrix).
    kwargs: Callable[[dict], dict] | None = None
    args: Callable[[dict], list] | None = None
    note: str = field(default="")


def r(anonymous, learner, officer, other_officer, trainer, admin, **extra) -> Rule:
    return Rule(
        dict(
            zip(
                ROLES,
                (anonymous, learner, officer, other_officer, trainer, admin),
                strict=True,
            )
        ),
        **extra,
    )


def staff_pk(ctx):
    return {"pk": ctx["learner"].profile.pk}


def agency_pk(ctx):
    return {"pk": ctx["learner"].profile.agency_id}


def unit_pk(ctx):
    return {"pk": ctx["units"]["741"].pk}


def succession_pk(ctx):
    return {"pk": ctx["succession"].pk}


def access_log_pk(ctx):
    return {"pk": ctx["access_log"].pk}


EVERYONE = r(200, 200, 200, 200, 200, 200)
SIGNED_IN = r(LOGIN, 200, 200, 200, 200, 200)

# Admin screens an officer uses for their own district only. Views that load
# their object before checking permissions (history, usage, delete) answer 404
# to anyone who cannot see the record (the trainer sees no staff records);
# the edit view checks the permission first (DENIED).
SCOPED_LIST = r(LOGIN, LOGIN, 200, 200, DENIED, 200)
SCOPED_EDIT = r(LOGIN, LOGIN, 200, 404, DENIED, 200, kwargs=staff_pk)
SCOPED_OBJECT = r(LOGIN, LOGIN, 200, 404, 404, 200, kwargs=staff_pk)
AGENCY_EDIT = r(LOGIN, LOGIN, 200, 404, DENIED, 200, kwargs=agency_pk)
AGENCY_OBJECT = r(LOGIN, LOGIN, 200, 404, 404, 200, kwargs=agency_pk)
# Nobody deletes people or agencies: records end, they are not removed.
SCOPED_DELETE = r(LOGIN, LOGIN, DENIED, 404, 404, DENIED, kwargs=staff_pk)
AGENCY_DELETE = r(LOGIN, LOGIN, DENIED, 404, 404, DENIED, kwargs=agency_pk)
# Units: officers may list them, only province admins open and change them.
UNIT_LIST = r(LOGIN, LOGIN, 200, 200, DENIED, 200)
UNIT_EDIT = r(LOGIN, LOGIN, DENIED, DENIED, DENIED, 200, kwargs=unit_pk)
UNIT_OBJECT = UNIT_EDIT
UNIT_DELETE = r(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=unit_pk)
ADMIN_ONLY = r(LOGIN, LOGIN, DENIED, DENIED, DENIED, 200)
NOBODY = r(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED)

PROJECT_RULES: dict[str, Rule] = {
    # --- site ---------------------------------------------------------------
    "home": EVERYONE,
    "healthz": EVERYONE,
    "set_language": r(*[REDIRECT] * 6, note="GET only redirects back"),
    "javascript-catalog": EVERYONE,
    "admin_login_redirect": r(*[LOGIN] * 6, note="admin signs in via allauth"),
    # --- people: personal data ----------------------------------------------
    "people:privacy_notice": EVERYONE,
    "people:consent": SIGNED_IN,
    "people:my_data": SIGNED_IN,
    "people:my_data_download": SIGNED_IN,
    # --- people: admin, staff records -----------------------------------------
    "people_staff:index": SCOPED_LIST,
    "people_staff:index_results": SCOPED_LIST,
    "people_staff:add": r(LOGIN, LOGIN, 200, 200, DENIED, 200),
    "people_staff:edit": SCOPED_EDIT,
    "people_staff:delete": SCOPED_DELETE,
    "people_staff:history": SCOPED_OBJECT,
    "people_staff:history_results": SCOPED_OBJECT,
    "people_staff:usage": SCOPED_OBJECT,
    # --- people: admin, agencies ----------------------------------------------
    "people_agencies:index": SCOPED_LIST,
    "people_agencies:index_results": SCOPED_LIST,
    "people_agencies:add": r(LOGIN, LOGIN, 200, 200, DENIED, 200),
    "people_agencies:edit": AGENCY_EDIT,
    "people_agencies:delete": AGENCY_DELETE,
    "people_agencies:history": AGENCY_OBJECT,
    "people_agencies:history_results": AGENCY_OBJECT,
    "people_agencies:usage": AGENCY_OBJECT,
    # --- people: admin, units and successions ----------------------------------
    "people_units:index": UNIT_LIST,
    "people_units:index_results": UNIT_LIST,
    "people_units:add": ADMIN_ONLY,
    "people_units:edit": UNIT_EDIT,
    "people_units:delete": UNIT_DELETE,
    "people_units:history": UNIT_OBJECT,
    "people_units:history_results": UNIT_OBJECT,
    "people_units:usage": UNIT_OBJECT,
    "people_successions:index": ADMIN_ONLY,
    "people_successions:index_results": ADMIN_ONLY,
    "people_successions:add": ADMIN_ONLY,
    "people_successions:edit": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, 200, kwargs=succession_pk
    ),
    "people_successions:delete": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=succession_pk
    ),
    "people_successions:history": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, 200, kwargs=succession_pk
    ),
    "people_successions:history_results": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, 200, kwargs=succession_pk
    ),
    "people_successions:usage": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, 200, kwargs=succession_pk
    ),
    # --- people: admin, access log (read-only, province admins) --------------
    "people_access_log:index": ADMIN_ONLY,
    "people_access_log:index_results": ADMIN_ONLY,
    "people_access_log:add": NOBODY,
    "people_access_log:edit": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=access_log_pk
    ),
    "people_access_log:delete": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=access_log_pk
    ),
    "people_access_log:history": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=access_log_pk
    ),
    "people_access_log:history_results": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=access_log_pk
    ),
    "people_access_log:usage": r(
        LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=access_log_pk
    ),
}

# Third-party URL families: every name starting with the prefix is declared;
# the listed names are probed as representatives.
PREFIX_RULES: dict[str, dict[str, Rule]] = {
    "account_": {
        "account_login": r(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        "account_email": SIGNED_IN,
        "account_change_password": SIGNED_IN,
    },
    "mfa_": {
        "mfa_index": SIGNED_IN,
    },
    "usersessions_": {
        "usersessions_list": SIGNED_IN,
    },
    "wagtail": {
        "wagtailadmin_home": r(LOGIN, LOGIN, 200, 200, 200, 200),
        "wagtailusers_users:index": r(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED),
        "wagtail_serve": r(
            404, 404, 404, 404, 404, 404, args=lambda ctx: ["khong-co-trang-nay/"]
        ),
    },
}
