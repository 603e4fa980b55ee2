"""Settings of the app hosts and workers of the two-host drill: production's.

The drill puts nginx with TLS in front (deploy/nginx/elearning.conf.template),
so production's HTTPS redirect, secure cookies, proxy header and session
engine hold as they are. One difference: static files are not collected
(``collectstatic`` with compression takes minutes here); their addresses are
worked out without the manifest. The drill's clients never fetch them.
"""

from elearning.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
