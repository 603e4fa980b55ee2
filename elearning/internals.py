"""Every framework internal the platform relies on, in one place.

Django, Wagtail and django-csp offer no public way to do these few things,
each measured worth doing (docs/architecture.md, "What is cached"):

- Django's ``RedisCache`` builds a new ``redis.Redis`` client for every
  call; :mod:`elearning.cache` keeps one per connection pool, through the
  backend's client class and the client's pool (``_class``,
  ``_get_connection_pool``, ``_client``).
- Wagtail keeps a request's site, route and the sites' root paths in
  attributes of the request; :mod:`elearning.pagecache` hands it the cached
  ones there (the site itself is read with Wagtail's public
  ``Site.find_for_request``).
- django-csp's ``@csp_exempt`` marks the response with an attribute and
  nothing public tells a middleware so; :mod:`elearning.csp` must not write
  a header on such a response.

Nothing else in the project names a private attribute of these frameworks.
``tests/test_internals.py`` checks that each one still means what it is
used for here, so an upgrade that changes one fails there, by name, instead
of silently slowing pages down or writing the wrong policy.
"""

from __future__ import annotations

# --- Django: the Redis cache backend -------------------------------------


def set_cache_client_class(backend, client_class) -> None:
    """Make ``backend`` (a ``RedisCache``) build its client from
    ``client_class`` (a ``RedisCacheClient`` subclass)."""
    backend._class = client_class


def client_connection_pool(client, *, write: bool):
    """The connection pool ``client`` (a ``RedisCacheClient``) would use."""
    return client._get_connection_pool(write)


def client_redis_class(client):
    """The ``redis.Redis`` class ``client`` builds its connections with."""
    return client._client


# --- Wagtail: what a request remembers -------------------------------------

_SITE = "_wagtail_site"
_ROUTE = "_wagtail_route_for_request"
_ROOT_PATHS = "_wagtail_cached_site_root_paths"


def request_site(request, default=None):
    """The site Wagtail remembered for ``request`` (``default`` if none)."""
    return getattr(request, _SITE, default)


def request_has_site(request) -> bool:
    return hasattr(request, _SITE)


def remember_site(request, site) -> None:
    """``Site.find_for_request(request)`` answers ``site`` from now on."""
    setattr(request, _SITE, site)


def forget_site(request) -> None:
    """``Site.find_for_request(request)`` reads the site again."""
    if hasattr(request, _SITE):
        delattr(request, _SITE)


def request_has_route(request) -> bool:
    return hasattr(request, _ROUTE)


def request_route(request):
    return getattr(request, _ROUTE)


def remember_route(request, route) -> None:
    """``Page.route_for_request(request, …)`` answers ``route`` from now
    on."""
    setattr(request, _ROUTE, route)


def remember_site_root_paths(request, paths) -> None:
    """Page URLs built for ``request`` use ``paths`` (what
    ``Site.get_site_root_paths()`` returns) instead of reading them."""
    setattr(request, _ROOT_PATHS, paths)


# --- django-csp --------------------------------------------------------------

_CSP_EXEMPT = ("_csp_exempt", "_csp_exempt_ro")


def csp_exempt(response) -> bool:
    """Whether a view's ``@csp_exempt()`` asked for no policy."""
    return any(getattr(response, name, False) for name in _CSP_EXEMPT)
