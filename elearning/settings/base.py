"""Settings shared by every environment.

Everything comes from the environment (12-factor) through one django-environ
helper. This module fails closed: without ``SECRET_KEY`` nothing starts, and
``DEBUG`` is off unless asked for.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env (written by `make setup`) fills what the environment lacks.
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "elearning.views.csrf_failure"

# Where the platform is reached from outside (emails, QR codes, PDFs).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "elearning",
    "elearning.people",
    "elearning.reports",
    "courses",
    "courses.attendance",
    "courses.h5p",
    "quizzes",
    "certificates",
    # Wagtail
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
]

# The reverse proxy's addresses (or networks): gunicorn trusts their
# X-Forwarded-Proto (gunicorn.conf.py) and the app takes the client's address
# from their X-Forwarded-For (elearning/proxy.py).
TRUSTED_PROXIES = env.list("GUNICORN_FORWARDED_ALLOW_IPS", default=["127.0.0.1"])

MIDDLEWARE = [
    # First: everything after it reads the client's address (REMOTE_ADDR).
    "elearning.proxy.ForwardedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: strict with nonces, looser for /admin/.
    "elearning.csp.CSPMiddleware",
    # Before WhiteNoise: the H5P content host answers the embed routes only.
    "courses.h5p.middleware.H5PContentHostMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Refusals (403, 404 on a record) of signed-in users go to the audit log.
    "elearning.people.audit.AuthorisationAuditMiddleware",
    # Staff set up MFA first, then everyone accepts the privacy notice.
    "elearning.people.middleware.MFARequiredMiddleware",
    "elearning.people.middleware.PrivacyConsentMiddleware",
    "elearning.people.middleware.AwaitingConfirmationMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # The request's Wagtail site from the cache (elearning/pagecache.py).
    "elearning.pagecache.SiteMiddleware",
]

ROOT_URLCONF = "elearning.urls"
WSGI_APPLICATION = "elearning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# The embedded default is a SQLite file in the project. WAL, IMMEDIATE
# transactions and a busy timeout let it hold concurrent writers: a
# read-check-write block takes the write lock up front instead of failing
# with "database is locked" when it upgrades.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on a
    # connection kept prepared there (psycopg's default threshold): the
    # same few queries of every save, sign-in and certificate are no longer
    # parsed and planned each time. A third of PostgreSQL's CPU a
    # certificate (bench/results/history.md). Prepared statements live in
    # the connection: connect to PostgreSQL itself, not through a
    # transaction-pooling proxy (docs/deployment.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
# The database cache in the embedded default (shared by every process, so
# rate limits hold across gunicorn workers); Redis in production.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Pages keep serving while Redis is down (the cache reads as empty), and
    # no request waits long on an unreachable Redis (docs/drills.md).
    CACHES["default"]["BACKEND"] = "elearning.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
# Published pages and the signed-in user are cached until they change
# (docs/architecture.md, "What is cached"); these bound how long an entry
# lives in any case, in seconds.
PAGE_CACHE_TIMEOUT = 3600
REQUEST_USER_CACHE_TIMEOUT = 300
ENROLMENT_CACHE_TIMEOUT = 600

# --- Users and accounts ---------------------------------------------------
AUTH_USER_MODEL = "people.User"
# Django's and allauth's backends, loading the request's user with its profile
# and roles in one query (elearning/people/backends.py).
AUTHENTICATION_BACKENDS = [
    "elearning.people.backends.ModelBackend",
    "elearning.people.backends.EmailBackend",
]
# Argon2id at OWASP's recommended cost (elearning/people/hashers.py); older
# PBKDF2 hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "elearning.people.hashers.ProvinceArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "elearning.people.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Self sign-up is closed unless work domains are listed; such accounts wait
# for an officer of their unit (elearning/people/signup.py).
ACCOUNT_SIGNUP_FORM_CLASS = "elearning.people.signup.SignupDetailsForm"
SIGNUP_EMAIL_DOMAINS = env.list("SIGNUP_EMAIL_DOMAINS", default=[])
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Hệ thống học trực tuyến] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_SESSION_REMEMBER = None
# Rate limits (allauth's, the one mechanism for every count limit). "login":
# sign-in requests per address, loose on purpose: a training room or a
# district office signs in from one address (NAT), a whole class within a
# minute or two. "login_failed" only guards the MFA code step (5 wrong
# codes per account in 5 minutes: only the password's holder gets there);
# wrong passwords are slowed by LOGIN_THROTTLE below instead, which no
# stranger can turn into a lock. "verify_certificate": the public
# verification pages, per address. "h5p_xapi": statements an H5P exercise
# sends, per learner and exercise version (429 beyond).
ACCOUNT_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": "30/m/ip,5/300s/key",
    "verify_certificate": "10/m/ip",
    "h5p_xapi": "60/m/key",
}
# Growing delays on wrong passwords (elearning/people/throttle.py): after
# `free` failures wait `base` s, doubled after each further failure up to
# `cap`; a counter is forgotten `window` s after its last failure; the
# address's counter forgives one failure every `leak` s (shared addresses).
LOGIN_THROTTLE = {
    "account_address": {"free": 3, "base": 1, "cap": 15 * 60, "window": 24 * 3600},
    "account": {"free": 10, "base": 1, "cap": 60, "window": 3600},
    "address": {"free": 30, "base": 1, "cap": 5 * 60, "window": 3600, "leak": 60},
}
# Password checks under way at once from one address.
LOGIN_THROTTLE_CONCURRENT = 20
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Hệ thống học trực tuyến"
# Sessions are listed and revocable; recording "last seen" would cost a write
# on every request (an exam day is thousands of autosaves).
USERSESSIONS_TRACK_ACTIVITY = False
# Exports of personal data, certificate revocation and account changes ask for
# the password (or a TOTP / recovery code) again when the last proof is older
# than this (elearning.people.reauth). No e-mailed codes: a mailbox is not MFA.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Our own format module: Django's "vi" one parses 05/12/1988 month-first.
FORMAT_MODULE_PATH = ["elearning.formats"]

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    # The H5P player (GPL-3.0 H5P core inside; see docs/licences.md).
    ("vendor/h5p-standalone", NODE_MODULES / "h5p-standalone" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files that must never be served directly (certificates, H5P packages):
# views check access and stream them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "elearning.staticstorage.StaticFilesStorage",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- H5P ------------------------------------------------------------------
# H5P packages run their own JavaScript: they are served from another origin
# (another host name), never from SITE_URL's. A system check refuses the same
# origin in production (check --deploy). The host must be in ALLOWED_HOSTS.
H5P_CONTENT_ORIGIN = env.str(
    "H5P_CONTENT_ORIGIN", default="http://localhost:8000"
).rstrip("/")
H5P_TOKEN_MAX_AGE = env.int("H5P_TOKEN_MAX_AGE", default=6 * 3600)
H5P_MAX_UPLOAD_BYTES = env.int("H5P_MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
H5P_MAX_ENTRIES = 3000
H5P_MAX_FILE_BYTES = 50 * 1024 * 1024
H5P_MAX_TOTAL_BYTES = 300 * 1024 * 1024
H5P_MAX_COMPRESSION_RATIO = 100
H5P_GRADING_METHOD = "highest"  # or "last"
# H5P core API of the bundled player (h5p-standalone 3.8.2): a library whose
# coreApi is newer is refused.
H5P_CORE_API = (1, 28)

# --- Attendance -------------------------------------------------------------
# The trainer's QR code shows a new check-in link every this many seconds; a
# link is refused once the code has rotated twice since it was made, unless
# the browser opened it while fresh and confirms within
# ATTENDANCE_QR_CONFIRM_SECONDS (time to sign in first).
ATTENDANCE_QR_ROTATE_SECONDS = env.int("ATTENDANCE_QR_ROTATE_SECONDS", default=20)
ATTENDANCE_QR_CONFIRM_SECONDS = env.int("ATTENDANCE_QR_CONFIRM_SECONDS", default=600)

# --- Personal data ---------------------------------------------------------
# docs/people.md, "Personal data": the retention periods the
# privacy notice states, in years. A person is anonymised this long after
# their account ends; access-log lines and the details of audit entries are
# removed after theirs.
PERSONAL_DATA_PROFILE_YEARS = env.int("PERSONAL_DATA_PROFILE_YEARS", default=5)
PERSONAL_DATA_ACCESS_LOG_YEARS = env.int("PERSONAL_DATA_ACCESS_LOG_YEARS", default=2)
PERSONAL_DATA_AUDIT_DETAIL_YEARS = env.int(
    "PERSONAL_DATA_AUDIT_DETAIL_YEARS", default=2
)

# --- Email ----------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Hệ thống học trực tuyến <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------
# Unset broker: tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# Results are kept only where a backend is configured (progress is stored in
# the database by the features that show it).
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Our tasks are idempotent: ack after the work, requeue if a worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_WORKER_MAX_TASKS_PER_CHILD = 500
# Celery closes a worker's database connection after every task unless told
# to reuse it: a new PostgreSQL backend a task cost ~15 ms of the server's
# CPU, as much as a certificate's own queries. A connection now serves up to
# this many tasks, checked before each one as a request's is (CONN_MAX_AGE,
# CONN_HEALTH_CHECKS: elearning.celery).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
# A leak guard (bench/results/history.md, "Certificates"): children no longer load
# WeasyPrint (certificate PDFs are rendered by a renderer subprocess, see
# CERTIFICATE_PDF_RENDERER) and stay ~130 MiB resident; one that grows past
# 150 MiB is replaced after its task.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 150 * 1024  # KiB
# Certificate PDFs: "process" renders them in a renderer subprocess that
# does not load Django (one per process that renders, started on the first
# page); "inline" renders in the calling process (docs/certificates.md).
CERTIFICATE_PDF_RENDERER = env.str("CERTIFICATE_PDF_RENDERER", default="process")
# What the background work left undone (a completed course without its
# certificate, a certificate without its PDF or email) is queued again every
# CERTIFICATE_SWEEP_EVERY seconds, for the last CERTIFICATE_SWEEP_DAYS days,
# once CERTIFICATE_SWEEP_GRACE seconds have passed (docs/certificates.md).
CERTIFICATE_SWEEP_EVERY = env.int("CERTIFICATE_SWEEP_EVERY", default=900)
CERTIFICATE_SWEEP_GRACE = env.int("CERTIFICATE_SWEEP_GRACE", default=1800)
CERTIFICATE_SWEEP_DAYS = env.int("CERTIFICATE_SWEEP_DAYS", default=3)
# Longer than the longest task, or Redis hands a running task to a second
# worker.
# A task whose worker died (kill -9, lost host) is handed out again after
# this delay; the drills shorten it with CELERY_VISIBILITY_TIMEOUT.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    # Look for such orphaned tasks every 10 s (kombu's default scans every
    # 100 s); a cheap query on a small sorted set.
    "unacked_restore_throttle": 1,
    # A web request publishing to an unreachable Redis gives up within
    # seconds instead of waiting on the operating system's TCP timeout.
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing (task.delay) with the broker down: two quick retries, then
# kombu's OperationalError, which the error handler answers with a 503 page
# saying background work is unavailable (elearning.views.server_error).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# The province dashboard's figures (docs/reports.md, "The province's figures
# between requests"): computed by beat every REFRESH seconds; a page never
# shows them older than MAX_AGE seconds (0: computed on every request).
REPORTS_FIGURES_REFRESH = env.int("REPORTS_FIGURES_REFRESH", default=300)
REPORTS_FIGURES_MAX_AGE = env.int("REPORTS_FIGURES_MAX_AGE", default=900)
# Personal data (Decree 356/2025): a staff list uploaded for an import is
# deleted once the import is done, and kept at most this many days when it
# failed or was refused (for the officer to see what to fix) or never
# confirmed.
IMPORT_UPLOAD_KEEP_DAYS = env.int("IMPORT_UPLOAD_KEEP_DAYS", default=7)

CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "elearning.tasks.clear_expired_sessions",
        "schedule": 24 * 3600,
    },
    # Sends only on REPORTS_REMINDER_DATE (20 November unless set otherwise).
    "yearly-report-reminders": {
        "task": "elearning.reports.tasks.send_yearly_report_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Learners who have not completed a course closing within
    # REPORTS_COURSE_CLOSING_DAYS days (7 unless set otherwise), once each.
    "course-closing-reminders": {
        "task": "elearning.reports.tasks.send_course_closing_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # The province dashboard's figures (docs/reports.md, "The province's
    # figures between requests").
    "refresh-province-figures": {
        "task": "elearning.reports.tasks.refresh_province_figures",
        "schedule": REPORTS_FIGURES_REFRESH,
    },
    # Personal data past its retention period (docs/people.md, "Retention").
    "apply-personal-data-retention": {
        "task": "elearning.people.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    "close-overdue-quiz-attempts": {
        "task": "quizzes.tasks.close_overdue_attempts",
        "schedule": 60,
    },
    # Staff lists uploaded for an import that failed, was refused or never
    # confirmed are deleted IMPORT_UPLOAD_KEEP_DAYS days after the upload.
    "delete-old-import-uploads": {
        "task": "courses.tasks.import_uploads_delete",
        "schedule": 3600,
    },
    "finish-certificates-left-behind": {
        "task": "certificates.tasks.certificate_finish_left_behind",
        "schedule": CERTIFICATE_SWEEP_EVERY,
    },
}

# --- Wagtail --------------------------------------------------------------
WAGTAIL_SITE_NAME = "Hệ thống học trực tuyến"
# Pages are plain wagtailcore.Page subclasses: see docs/architecture.md.
WAGTAIL_PAGE_MODEL = "wagtailcore.Page"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# One door in: the admin signs in through allauth (rate limits, MFA).
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No Gravatar: it would send a hash of each staff e-mail to a third party,
# and the admin's Content-Security-Policy refuses outside images anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No call home for new Wagtail releases (the admin's CSP refuses it too).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "txt", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# --- Security (tightened further in production.py) ------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail marks its preview views SAMEORIGIN itself.
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (elearning/csp.py, docs/security.md). Every page of
# the platform: scripts only from our origin or with the request's nonce
# (templates write nonce="{{ request.csp_nonce }}"), styles only from files,
# no inline style attributes, no framing. The H5P content origin is added to
# frame-src/child-src at request time (lessons embed it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF],
        "child-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# The Wagtail admin writes inline scripts and style attributes; it gets
# 'unsafe-inline' for both (no nonce: a nonce would switch 'unsafe-inline'
# off), blob: images (the image uploader's previews, load-image.js), and may
# frame itself (page previews). Nothing else is looser than above.
CSP_ADMIN_PREFIXES = ["/admin/"]
# Video sites whose embeds (the lesson video block) may be framed, e.g.
# "https://www.youtube-nocookie.com". Empty: nothing outside is framed.
CSP_EMBED_ORIGINS = env.list("CSP_EMBED_ORIGINS", default=[])
CSP_ADMIN_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-ancestors": [SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs every rendering step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
