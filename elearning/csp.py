"""Content-Security-Policy: one strict policy for the platform, a looser one
for the Wagtail admin.

django-csp writes the header; this subclass only chooses which policy a
request gets. Learner, officer and public pages get ``CONTENT_SECURITY_POLICY``
(settings): scripts from our origin or carrying the request's nonce, styles
from our origin only, no framing. The Wagtail admin (``CSP_ADMIN_PREFIXES``)
gets ``CSP_ADMIN_DIRECTIVES``: Wagtail 8 still writes inline scripts (inline
panels, date widgets, modal responses) and ``style`` attributes, so it needs
'unsafe-inline' for both; everything else stays as strict as on the platform.

Both policies allow framing the H5P content origin (``H5P_CONTENT_ORIGIN``):
lessons embed exercises from there; and the video sites listed in
``CSP_EMBED_ORIGINS`` (env, empty by default: an embedded video from a site
not listed there is blocked). That origin's own responses carry their
own policy (courses/h5p/views.py), which django-csp leaves alone because the
header is already set.

A view may still choose its own policy with django-csp's decorators
(``@csp``, ``@csp_update``, ``@csp_replace``, ``@csp_exempt()``).
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_ADMIN_PREFIXES))


def frame_origins() -> list[str]:
    """Origins pages may frame besides their own: the H5P content origin and
    the video sites an operator allows for embedded videos."""
    origins = []
    h5p = getattr(settings, "H5P_CONTENT_ORIGIN", "")
    if h5p and h5p != settings.SITE_URL:
        origins.append(h5p)
    origins += [o for o in getattr(settings, "CSP_EMBED_ORIGINS", []) if o]
    return origins


def _with_frame_origins(directives: dict) -> dict:
    config = {key: list(value) for key, value in directives.items()}
    for origin in frame_origins():
        for key in ("frame-src", "child-src"):
            if key in config and origin not in config[key]:
                config[key].append(origin)
    return config


def strict_directives() -> dict:
    return _with_frame_origins(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])


def admin_directives() -> dict:
    return _with_frame_origins(settings.CSP_ADMIN_DIRECTIVES)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware with the policy chosen by path."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts  # report-only is unused; a view's own @csp wins
        if is_admin_path(request.path_info):
            parts.config = admin_directives()
        else:
            parts.config = strict_directives()
        return parts
