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

The two policies are the same text on every response but for the nonce, so
each is built once per process (with a marker where the nonce goes) instead
of on every response (~0.3 ms of a page's CPU); a response a decorator gave
its own policy, and any setting that changes the policy, take django-csp's
own path.
"""

from __future__ import annotations

import http.client
import secrets

from csp.constants import HEADER
from csp.exceptions import CSPNonceError
from csp.middleware import CheckableLazyObject, PolicyParts
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed

from . import internals


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


# Random per process: no directive can contain it by chance or design.
_NONCE_MARKER = f"nonce-marker-{secrets.token_hex(8)}"
_built: dict[tuple[bool, bool], str] = {}


def _forget_built(**kwargs) -> None:
    _built.clear()


setting_changed.connect(_forget_built, dispatch_uid="elearning.csp.built")


def policy_text(*, admin: bool, nonce: str | None) -> str:
    """The header django-csp would write for this kind of page and nonce."""
    key = (admin, nonce is not None)
    text = _built.get(key)
    if text is None:
        directives = admin_directives() if admin else strict_directives()
        text = build_policy(
            config=directives, nonce=_NONCE_MARKER if nonce is not None else None
        )
        _built[key] = text
    return text if nonce is None else text.replace(_NONCE_MARKER, nonce)


def _nonce_after_response():
    raise CSPNonceError(
        "The CSP nonce is not available after the header has been written."
    )


def _own_policy(parts: PolicyParts) -> bool:
    return any(v is not None for v in (parts.config, parts.update, parts.replace))


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware with the policy chosen by path."""

    def process_response(self, request, response):
        # What django-csp's decorators asked of this response, read through
        # its documented extension point (before ours changes it).
        parts = BaseCSPMiddleware.get_policy_parts(self, request, response)
        report_only = BaseCSPMiddleware.get_policy_parts(
            self, request, response, report_only=True
        )
        if (
            _own_policy(parts)
            or _own_policy(report_only)
            or internals.csp_exempt(response)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            or (
                settings.DEBUG
                and response.status_code
                in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
            )
        ):
            return super().process_response(request, response)
        nonce = parts.nonce
        if HEADER not in response:
            response[HEADER] = policy_text(
                admin=is_admin_path(request.path_info), nonce=nonce
            )
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is
            # written would be in no policy.
            request.csp_nonce = CheckableLazyObject(_nonce_after_response)
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts  # report-only is unused; a view's own @csp wins
        if is_admin_path(request.path_info):
            parts.config = admin_directives()
        else:
            parts.config = strict_directives()
        return parts
