from django.conf import settings
from django.urls import include, path, re_path, reverse_lazy
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from . import pagecache, views

handler500 = "elearning.views.server_error"


class _LoginRedirect(RedirectView):
    """The admin has no login form of its own: everyone signs in via allauth."""

    url = reverse_lazy("account_login")
    query_string = True


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # 404 unless BENCH_PING is set (bench/settings.py, `make perf`).
    path("bench/ping", views.bench_ping, name="bench_ping"),
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("lop-tap-huan/", include("courses.attendance.urls")),
    path("admin/login/", _LoginRedirect.as_view(), name="admin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("elearning.people.urls")),
    path("", include("courses.urls")),
    path("", include("courses.h5p.urls")),
    path("bao-cao/", include("elearning.reports.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves everything else (the course catalogue), routed
# through the page cache (elearning/pagecache.py); same name and pattern.
urlpatterns += [
    re_path(serve_pattern, pagecache.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
