"""System checks: the H5P content origin must be another origin."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or ""), parts.port


@register(Tags.security, deploy=True)
def content_origin_is_separate(app_configs, **kwargs):
    """In production (check --deploy) package scripts must never run in the
    platform's origin: refuse a content origin equal to SITE_URL's."""
    content = getattr(settings, "H5P_CONTENT_ORIGIN", "")
    if not content:
        return [Error("H5P_CONTENT_ORIGIN is not set.", id="h5p.E001")]
    if _origin(content) == _origin(settings.SITE_URL):
        return [
            Error(
                "H5P_CONTENT_ORIGIN must be a different origin from SITE_URL.",
                hint="Serve H5P content from its own host name, e.g. https://h5p.example.gov.vn.",
                id="h5p.E002",
            )
        ]
    return []
