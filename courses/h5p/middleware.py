"""Keep the H5P content origin and the platform apart.

On the content host only the embed routes (and the player's static files)
answer; everything else is 404, so a package's script can never reach a page
of the platform on its own origin. On the platform host the embed routes are
404, so package files are never served with the platform's cookies.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotFound

EMBED_PREFIX = "/h5p-embed/"
CONTENT_STATIC_PREFIXES = ("vendor/h5p-standalone/", "h5p/embed/")


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")


def content_host() -> str:
    return _host(settings.H5P_CONTENT_ORIGIN)


def is_content_request(request) -> bool:
    return request.get_host() == content_host()


class H5PContentHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        separate = content_host() != _host(settings.SITE_URL)
        path = request.path_info
        if separate:
            on_content = is_content_request(request)
            static_ok = any(
                path.startswith(settings.STATIC_URL + p)
                for p in CONTENT_STATIC_PREFIXES
            )
            if on_content and not (path.startswith(EMBED_PREFIX) or static_ok):
                return HttpResponseNotFound()
            if not on_content and path.startswith(EMBED_PREFIX):
                return HttpResponseNotFound()
        return self.get_response(request)
