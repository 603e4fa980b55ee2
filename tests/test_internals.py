"""The framework internals ``elearning.internals`` relies on still mean what
the platform uses them for. A Django, Wagtail or django-csp upgrade that
changes one fails here, by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.http import HttpResponse

from elearning import internals

ROOT = Path(__file__).resolve().parent.parent


def test_redis_cache_builds_its_client_from_the_class_we_set():
    class Client(RedisCacheClient):
        pass

    backend = RedisCache("redis://127.0.0.1:6399/0", {})
    internals.set_cache_client_class(backend, Client)
    client = backend._cache  # Django builds its client lazily, from that class
    assert type(client) is Client
    pool = internals.client_connection_pool(client, write=True)
    assert pool is internals.client_connection_pool(client, write=True)
    redis_client = internals.client_redis_class(client)(connection_pool=pool)
    assert redis_client.connection_pool is pool


def test_our_cache_client_is_the_one_used():
    from elearning.cache import ResilientRedisCache, _ReusingClient

    backend = ResilientRedisCache("redis://127.0.0.1:6399/0", {})
    client = backend._cache
    assert type(client) is _ReusingClient
    assert client.get_client(write=True) is client.get_client(write=True)


@pytest.mark.django_db
def test_wagtail_reads_the_site_and_route_we_remember(rf):
    from wagtail.models import Page, Site

    request = rf.get("/")
    assert not internals.request_has_site(request)
    site = Site.find_for_request(request)
    assert site == Site.objects.get(is_default_site=True)
    assert internals.request_site(request) is site  # remembered where we read

    sentinel = object()
    internals.remember_site(request, sentinel)
    assert internals.request_has_site(request)
    assert internals.request_site(request) is sentinel
    assert Site.find_for_request(request) is sentinel
    internals.forget_site(request)
    assert not internals.request_has_site(request)
    assert Site.find_for_request(request) == site  # read again

    route = (site.root_page, [], {})
    internals.remember_route(request, route)
    assert internals.request_has_route(request)
    assert internals.request_route(request) is route
    assert Page.route_for_request(request, "/anything/") is route


@pytest.mark.django_db
def test_wagtail_builds_urls_from_the_root_paths_we_remember(rf):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    request = rf.get("/")
    internals.remember_site(request, site)
    internals.remember_site_root_paths(request, [])  # as if there were no site
    assert site.root_page.get_url(request) is None
    fresh = rf.get("/")
    internals.remember_site(fresh, site)
    assert site.root_page.get_url(fresh) == "/"


@pytest.mark.parametrize("report_only", [False, True])
def test_csp_exempt_is_seen(rf, report_only):
    from csp.decorators import csp_exempt

    @csp_exempt(REPORT_ONLY=report_only)
    def view(request):
        return HttpResponse("x")

    assert internals.csp_exempt(view(rf.get("/")))
    assert not internals.csp_exempt(HttpResponse("x"))


def test_an_exempt_view_gets_no_policy(rf):
    from csp.decorators import csp_exempt

    from elearning.csp import CSPMiddleware

    @csp_exempt()
    def view(request):
        return HttpResponse("x")

    response = CSPMiddleware(view)(rf.get("/"))
    assert "Content-Security-Policy" not in response


def test_no_other_module_names_a_framework_internal():
    private = re.compile(
        r"\._wagtail_|_csp_(config|update|replace|exempt|nonce)"
        r"|_get_connection_pool|\._class\b|\._client\b"
    )
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("elearning", "courses", "quizzes", "certificates")
        for path in (ROOT / package).rglob("*.py")
        if path != ROOT / "elearning" / "internals.py"
        and private.search(path.read_text())
    ]
    assert offenders == []
