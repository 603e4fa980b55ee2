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
so other_officer's column is the cross-district probe and must be 404. The
officer of a 2025 commune (Xã Xuân Lộc 26425) is probed on every row too and
must get what other_officer gets: the district's records are not theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

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
    # ctx -> query string parameters (dashboards that need a unit, a metric).
    query: Callable[[dict], dict] | None = None
    # "content": the H5P content origin's host (H5P_CONTENT_ORIGIN), where
    # the embed routes live; None: the platform's host.
    host: str | None = None
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
    "bench_ping": r(404, 404, 404, 404, 404, 404, note="only with BENCH_PING"),
    "set_language": r(*[REDIRECT] * 6, note="GET only redirects back"),
    "javascript-catalog": EVERYONE,
    "admin_login_redirect": r(*[LOGIN] * 6, note="admin signs in via allauth"),
    # --- people: personal data ----------------------------------------------
    "people:privacy_notice": EVERYONE,
    "people:consent": SIGNED_IN,
    "people:my_data": SIGNED_IN,
    "people:my_data_download": SIGNED_IN,
    # Only a self-registered account awaiting confirmation stays there.
    "people:awaiting": r(LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
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
    "people_unit_moves:index": ADMIN_ONLY,
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


# --- learning records (see learning_records() in test_access_matrix) --------


def course_id(ctx):
    return {"course_id": ctx["course"].pk}


def lesson_id(ctx):
    return {"lesson_id": ctx["lesson"].pk}


def enrolment_pk(ctx):
    return {"pk": ctx["enrolment"].pk}


def request_pk(ctx):
    return {"pk": ctx["request"].pk}


def incident_pk(ctx):
    return {"pk": ctx["incident"].pk}


def data_request_pk(ctx):
    return {"pk": ctx["data_request"].pk}


def learner_id(ctx):
    return {"user_id": ctx["learner"].pk}


def import_token(ctx):
    return {"token": ctx["import_job"].token}


def quiz_id(ctx):
    return {"quiz_id": ctx["quiz"].pk}


def attempt_id(ctx):
    return {"attempt_id": ctx["attempt"].pk}


def question_id(ctx):
    return {"question_id": ctx["question"].pk}


def answer_id(ctx):
    return {"answer_id": ctx["attempt"].answers.order_by("pk").first().pk}


def class_code(ctx):
    return {"code": ctx["klass"].code}


def class_session(ctx):
    return {"code": ctx["klass"].code, "session_id": ctx["session"].pk}


def check_in_token(ctx):
    from django.utils import timezone

    from courses.attendance.tokens import make_token

    return {
        **class_session(ctx),
        "token": make_token(session_id=ctx["session"].pk, now=timezone.now()),
    }


def class_pk(ctx):
    return {"pk": ctx["klass"].pk}


def session_pk(ctx):
    return {"pk": ctx["session"].pk}


def library_pk(ctx):
    return {"pk": ctx["h5p_library"].pk}


def report_job_id(ctx):
    return {"job_id": ctx["report_job"].pk}


BAD_TOKEN = "khong-hop-le"


def h5p_token(ctx):
    return {"token": BAD_TOKEN}


def report_filter(ctx):
    return {"year": timezone.localdate().year, "unit": ctx["units"]["741"].pk}


def learners_filter(ctx):
    return {**report_filter(ctx), "metric": "enrolled"}


# A POST-only endpoint answers a GET with 405 once signed in.
POST_ONLY = r(LOGIN, 405, 405, 405, 405, 405)
# Officer front-end pages (their own district; province admins everything).
OFFICER_PAGE = r(LOGIN, 403, 200, 200, 403, 200)
# A Xuân Lộc record on an officer page: Biên Hòa's officer gets 404.
OFFICER_RECORD = r(LOGIN, 403, 200, 404, 403, 200)
# Officer actions on one enrolment: POST only, refused to non-officers first.
OFFICER_ACTION = r(LOGIN, 403, 405, 405, 403, 405)
# The learner's own quiz attempt: nobody else opens it, staff included.
OWN_ATTEMPT = r(LOGIN, 200, 404, 404, 404, 404)
# Attendance pages of the Xuân Lộc class.
CLASS_MEMBER = r(LOGIN, 200, 200, 404, 200, 200)
CLASS_RECORDS = r(LOGIN, 404, 200, 404, 200, 200)
CLASS_LEAD = r(LOGIN, 404, 404, 404, 200, 200)
# Admin screens for trainers (the classes they lead) and province admins.
TRAINER_ADMIN = r(LOGIN, LOGIN, DENIED, DENIED, 200, 200)
# H5P libraries: province admins vet them; they come from packages, so
# nobody adds, copies or deletes one by hand.
LIBRARY_OBJECT = r(LOGIN, LOGIN, DENIED, DENIED, DENIED, 200, kwargs=library_pk)
LIBRARY_NOBODY = r(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, kwargs=library_pk)
# The H5P content origin: no session, only the signed token in the URL. A bad
# token is 404 to everyone, signed in or not (the valid-token case and the
# platform host are tested in test_h5p_routes_live_on_the_content_origin).
H5P_BAD_TOKEN = r(404, 404, 404, 404, 404, 404, kwargs=h5p_token, host="content")

PROJECT_RULES.update(
    {
        # --- courses: learner ---------------------------------------------------
        "courses:my_courses": SIGNED_IN,
        "courses:enrol": r(*POST_ONLY.expect.values(), kwargs=course_id),
        "courses:lesson_done": r(*POST_ONLY.expect.values(), kwargs=lesson_id),
        "courses:lesson_beat": r(*POST_ONLY.expect.values(), kwargs=lesson_id),
        # --- courses: officer -------------------------------------------------
        "people:confirmations": OFFICER_PAGE,
        # --- people: requests about one's data ---------------------------------
        "people:data_request_create": POST_ONLY,
        "people:data_requests": OFFICER_PAGE,
        # --- people: records for the authority (province admins) ---------------
        "people:processing_register": r(LOGIN, 403, 403, 403, 403, 200),
        "people:incidents": r(LOGIN, 403, 403, 403, 403, 200),
        "people:incident": r(LOGIN, 403, 403, 403, 403, 200, kwargs=incident_pk),
        "people:data_request": r(
            *OFFICER_RECORD.expect.values(), kwargs=data_request_pk
        ),
        "courses:officer_enrolments": OFFICER_PAGE,
        "courses:officer_enrolments_export": OFFICER_PAGE,
        "courses:officer_enrol": OFFICER_PAGE,
        "courses:officer_requests": OFFICER_PAGE,
        "courses:officer_approve": r(
            *OFFICER_ACTION.expect.values(), kwargs=request_pk
        ),
        "courses:officer_refuse": r(*OFFICER_ACTION.expect.values(), kwargs=request_pk),
        "courses:officer_withdraw": r(
            *OFFICER_ACTION.expect.values(), kwargs=enrolment_pk
        ),
        "courses:officer_learner": r(
            *OFFICER_RECORD.expect.values(), kwargs=learner_id
        ),
        "courses:import_upload": OFFICER_PAGE,
        "courses:import_job": r(*OFFICER_RECORD.expect.values(), kwargs=import_token),
        "courses:import_job_status": r(
            *OFFICER_RECORD.expect.values(), kwargs=import_token
        ),
        # --- quizzes ------------------------------------------------------------
        "quizzes:start": r(*POST_ONLY.expect.values(), kwargs=quiz_id),
        "quizzes:attempt": r(*OWN_ATTEMPT.expect.values(), kwargs=attempt_id),
        "quizzes:save": r(*POST_ONLY.expect.values(), kwargs=attempt_id),
        "quizzes:submit": r(*POST_ONLY.expect.values(), kwargs=attempt_id),
        "quizzes:result": r(
            LOGIN,
            REDIRECT,
            404,
            404,
            404,
            404,
            kwargs=attempt_id,
            note="an unfinished attempt's result sends its owner back to it",
        ),
        "quizzes_admin:import": TRAINER_ADMIN,
        "quizzes_admin:regrade": r(*TRAINER_ADMIN.expect.values(), kwargs=question_id),
        "quizzes_admin:grading": TRAINER_ADMIN,
        "quizzes_admin:export_gift": r(
            LOGIN,
            LOGIN,
            DENIED,
            DENIED,
            404,
            404,
            note="without ?category= there is nothing to export",
        ),
        "quizzes_admin:export_moodlexml": r(
            LOGIN,
            LOGIN,
            DENIED,
            DENIED,
            404,
            404,
            note="without ?category= there is nothing to export",
        ),
        "quizzes_admin:essay_grade": r(
            LOGIN,
            LOGIN,
            DENIED,
            DENIED,
            404,
            404,
            kwargs=answer_id,
            note="only essays are marked, and the sample answer is not one",
        ),
        # Results are scoped: each officer sees their own district's attempts.
        "quizzes_admin:reports": r(LOGIN, LOGIN, 200, 200, 200, 200),
        "quizzes_admin:report": r(LOGIN, LOGIN, 200, 200, 200, 200, kwargs=quiz_id),
        # --- attendance: front end --------------------------------------------
        "attendance:class_list": SIGNED_IN,
        "attendance:class_detail": r(*CLASS_MEMBER.expect.values(), kwargs=class_code),
        "attendance:sessions_bulk": r(*CLASS_LEAD.expect.values(), kwargs=class_code),
        "attendance:report": r(*CLASS_RECORDS.expect.values(), kwargs=class_code),
        "attendance:report_xlsx": r(*CLASS_RECORDS.expect.values(), kwargs=class_code),
        "attendance:roster": r(*CLASS_RECORDS.expect.values(), kwargs=class_session),
        "attendance:roster_save": r(*POST_ONLY.expect.values(), kwargs=class_session),
        "attendance:qr": r(*CLASS_LEAD.expect.values(), kwargs=class_session),
        "attendance:qr_frame": r(*CLASS_LEAD.expect.values(), kwargs=class_session),
        "attendance:check_in": r(
            LOGIN,
            200,
            404,
            404,
            404,
            404,
            kwargs=check_in_token,
            note="GET only asks a learner of the class to confirm; anyone else "
            "gets a page that names nothing of the class",
        ),
        "attendance:sign_in_sheet": r(
            *CLASS_RECORDS.expect.values(), kwargs=class_session
        ),
        "attendance:sheet_template": r(
            *CLASS_LEAD.expect.values(), kwargs=class_session
        ),
        "attendance:import": r(*CLASS_LEAD.expect.values(), kwargs=class_session),
        # --- attendance: admin ----------------------------------------------------
        **{
            f"{viewset}:{view}": r(*TRAINER_ADMIN.expect.values(), kwargs=pk)
            for viewset, pk in (
                ("training_classes", class_pk),
                ("class_sessions", session_pk),
            )
            for view in ("edit", "copy", "history", "history_results", "usage")
        },
        **{
            f"{viewset}:{view}": TRAINER_ADMIN
            for viewset in ("training_classes", "class_sessions")
            for view in ("index", "index_results", "add")
        },
        # The delete view loads its object before checking the permission.
        "training_classes:delete": r(LOGIN, LOGIN, 404, 404, 200, 200, kwargs=class_pk),
        "class_sessions:delete": r(LOGIN, LOGIN, 404, 404, 200, 200, kwargs=session_pk),
        # --- h5p --------------------------------------------------------------------
        "h5p:embed": H5P_BAD_TOKEN,
        "h5p:file": r(
            *H5P_BAD_TOKEN.expect.values(),
            kwargs=lambda ctx: {**h5p_token(ctx), "path": "content/content.json"},
            host="content",
        ),
        "h5p:library_file": r(
            *H5P_BAD_TOKEN.expect.values(),
            kwargs=lambda ctx: {
                **h5p_token(ctx),
                "folder": ctx["h5p_library"].folder,
                "path": "library.json",
            },
            host="content",
        ),
        # POST only (statements); the bad-token POST is probed in the tests.
        "h5p:xapi": r(405, 405, 405, 405, 405, 405, kwargs=h5p_token, host="content"),
        "h5p:state": r(
            *H5P_BAD_TOKEN.expect.values(),
            kwargs=lambda ctx: {
                **h5p_token(ctx),
                "data_type": "state",
                "sub_content_id": "0",
            },
            host="content",
        ),
        # The library screen: province admins only; decisions are POST only.
        "h5p_libraries:index": r(LOGIN, LOGIN, DENIED, DENIED, DENIED, 200),
        "h5p_libraries:library": r(LOGIN, LOGIN, 405, 405, 405, 405, kwargs=library_pk),
        "h5p_libraries:upgrade": r(
            LOGIN, LOGIN, 405, 405, 405, 405, kwargs=lambda ctx: {"pk": 1}
        ),
        "h5plibrary:index": r(LOGIN, LOGIN, DENIED, DENIED, DENIED, 200),
        "h5plibrary:index_results": r(LOGIN, LOGIN, DENIED, DENIED, DENIED, 200),
        "h5plibrary:add": NOBODY,
        "h5plibrary:edit": LIBRARY_OBJECT,
        "h5plibrary:inspect": LIBRARY_OBJECT,
        "h5plibrary:history": LIBRARY_OBJECT,
        "h5plibrary:history_results": LIBRARY_OBJECT,
        "h5plibrary:usage": LIBRARY_OBJECT,
        "h5plibrary:copy": LIBRARY_NOBODY,
        "h5plibrary:delete": LIBRARY_NOBODY,
        # --- reports --------------------------------------------------------------
        "reports:dashboard": OFFICER_PAGE,
        "reports:yearly": OFFICER_PAGE,
        "reports:province": r(LOGIN, 403, 403, 403, 403, 200),
        # POST only, province admins only (the POST probes are in the tests).
        "reports:province_refresh": POST_ONLY,
        # Figures and people of Xuân Lộc: Biên Hòa's officer gets 404.
        "reports:learners": r(*OFFICER_RECORD.expect.values(), query=learners_filter),
        "reports:export": r(
            *OFFICER_RECORD.expect.values(),
            kwargs=lambda ctx: {"table": "agency", "fmt": "csv"},
            query=report_filter,
        ),
        # A yearly report job belongs to whoever asked for it.
        **{
            name: r(LOGIN, 403, 200, 404, 403, 404, kwargs=report_job_id)
            for name in ("reports:job", "reports:job_status", "reports:job_download")
        },
    }
)


def certificate_pk(ctx):
    return {"pk": ctx["certificate"].pk}


def certificate_export_pk(ctx):
    return {"pk": ctx["certificate_export"].pk}


# The Xuân Lộc learner's certificate: the learner, Xuân Lộc's officer and
# province admins; the trainer holds no one's records.
CERTIFICATE = r(LOGIN, 200, 200, 404, 404, 200, kwargs=certificate_pk)
# A batch export belongs to whoever asked for it.
CERTIFICATE_EXPORT = r(LOGIN, 404, 200, 404, 404, 404, kwargs=certificate_export_pk)

PROJECT_RULES.update(
    {
        "certificates:list": SIGNED_IN,
        "certificates:issue": OFFICER_PAGE,
        "certificates:register": OFFICER_PAGE,
        "certificates:detail": CERTIFICATE,
        "certificates:download": CERTIFICATE,
        # POST only, province admins only (the POST probes are in the tests).
        "certificates:revoke": r(*POST_ONLY.expect.values(), kwargs=certificate_pk),
        "certificates:export": CERTIFICATE_EXPORT,
        "certificates:export_download": CERTIFICATE_EXPORT,
        # Anyone holding a certificate's QR code or number may check it.
        "certificates:verify": EVERYONE,
        "certificates:verify_token": r(
            *EVERYONE.expect.values(),
            kwargs=lambda ctx: {"token": ctx["certificate"].token},
        ),
    }
)
