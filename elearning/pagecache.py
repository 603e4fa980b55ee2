"""Published pages, and what is read from them, kept in the cache until the
page tree changes.

Every page a learner opens used to walk Wagtail's tree first: the site, one
or two queries per path segment, the alias check and the view restrictions
(five queries and ~10 ms before the page's own work). The tree changes only
when someone in the admin saves, publishes, moves or deletes a page; learners
read it thousands of times in between. So:

- :func:`serve` (the URL conf's catch-all, in place of ``wagtail.views.serve``)
  keeps Wagtail's route result for a host and path — the page with its parent
  and its view restrictions — and hands it to Wagtail through the attribute
  Wagtail itself caches it in (``request._wagtail_route_for_request``);
  everything else (``before_serve_page`` hooks, the restriction check,
  ``page.serve``) runs as before.
- :func:`memo` keeps other page-derived reads (a course's lessons, the quiz
  pages of a course) the same way.

Every entry's key carries a *generation* that any change to a page, a view
restriction or a site bumps (``post_save``, ``post_delete``, ``post_page_move``,
``page_unpublished``), immediately and again on commit (so a request that read
the old tree while the change was in flight cannot keep it). Old generations
are never read again and expire after ``PAGE_CACHE_TIMEOUT``. Only published
content is kept: nothing about the user, so one entry serves every learner.

With Redis down the cache reads as empty (``elearning.cache``): pages are
routed the normal way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404

GENERATION_KEY = "pages:generation"
_MISSING = object()
# The generation read by the current request (SiteMiddleware scopes it): a
# request sees one page tree, and reads the generation once. Outside a
# request (tasks, commands) it is read every time.
_OUTSIDE = object()
_UNREAD = None
_request_generation: ContextVar = ContextVar("page_generation", default=_OUTSIDE)


def _timeout() -> int:
    return getattr(settings, "PAGE_CACHE_TIMEOUT", 3600)


def generation() -> int:
    """The page tree's current generation (read once per request)."""
    known = _request_generation.get()
    if known is not _OUTSIDE and known is not _UNREAD:
        return known
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A value no earlier generation had, even if Redis lost the key
        # while older entries survived.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
        value = cache.get(GENERATION_KEY) or 0
    if known is _UNREAD:
        _request_generation.set(value)
    return value


def bump(**_kwargs) -> None:
    """Forget every cached page read (now and when the transaction commits)."""
    _bump()
    transaction.on_commit(_bump)
    # The request that made the change reads the new tree from now on.
    if _request_generation.get() is not _OUTSIDE:
        _request_generation.set(_UNREAD)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or Redis restarted)
        cache.set(GENERATION_KEY, time.time_ns() // 1000, None)


def memo(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept until the page tree changes.

    Only for values derived from published pages, the same for every user
    (e.g. a course's live lessons). ``None`` is a value like any other.
    """
    full_key = f"pages:{generation()}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, _timeout())
    return value


def memo_many(prefix: str, ids, compute: Callable[[list], dict]) -> dict:
    """:func:`memo` for many ids at once: ``{id: value}``.

    ``compute(missing_ids)`` returns the values of the ids not in the cache
    (one query for all of them); every id asked for gets a value.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    head = f"pages:{generation()}:{prefix}:"
    found = cache.get_many([f"{head}{pk}" for pk in ids])
    result = {pk: found[f"{head}{pk}"] for pk in ids if f"{head}{pk}" in found}
    missing = [pk for pk in ids if pk not in result]
    if missing:
        computed = compute(missing)
        cache.set_many({f"{head}{pk}": computed[pk] for pk in missing}, _timeout())
        result.update((pk, computed[pk]) for pk in missing)
    return result


def site_for_request(request):
    """Wagtail's ``Site.find_for_request``, cached per host, read when first
    used (a view that links to no page never reads it)."""
    from django.utils.functional import SimpleLazyObject
    from wagtail.models import Site

    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = SimpleLazyObject(
            lambda: memo(
                f"site:{request.get_host()}",
                lambda: Site._find_for_request(request),
            )
        )
    return request._wagtail_site


class SiteMiddleware:
    """Scopes the generation to the request (read once, one tree per
    request); and since pages outside the tree link to pages of it
    (``{% pageurl %}``), which needs the request's site, has the site read
    from the cache, not the database, when first needed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _request_generation.set(_UNREAD)
        try:
            return self.get_response(request)
        finally:
            _request_generation.reset(scope)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Pages of the tree get their site with the cached route (serve).
        if view_func is not serve:
            site_for_request(request)


def route_for_request(request, path: str):
    """Wagtail's ``Page.route_for_request``, cached per host and path."""
    from wagtail.models import Page

    if hasattr(request, "_wagtail_route_for_request"):
        return request._wagtail_route_for_request
    key = f"pages:{generation()}:route:{request.get_host()}:{path}"
    cached = cache.get(key)
    if cached is not None:
        site, route = cached
        request._wagtail_site = site
        request._wagtail_route_for_request = route
        return route
    route = Page.route_for_request(request, path)
    site = getattr(request, "_wagtail_site", None)
    if route is not None and site is not None:
        page = route[0]
        # Wagtail's restriction check (an on_serve_page hook) reads these
        # through get_view_restrictions(); kept with the page, see
        # CachedRestrictionsMixin.
        page._cached_view_restrictions = list(page.get_view_restrictions())
        cache.set(key, (site, route), _timeout())
    # Not found: not kept (any path could be asked for).
    return route


class CachedRestrictionsMixin:
    """For page models: view restrictions read with the cached route."""

    def get_view_restrictions(self):
        cached = getattr(self, "_cached_view_restrictions", None)
        if cached is not None:
            return cached
        return super().get_view_restrictions()


def serve(request, path):
    """``wagtail.views.serve`` on a cached route."""
    from wagtail import views

    if route_for_request(request, path) is None:
        raise Http404
    return views.serve(request, path)


def connect() -> None:
    """Bump the generation on every change to the page tree (apps.ready)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_unpublished, post_page_move

    def page_changed(sender, instance=None, **kwargs):
        if isinstance(instance, Page):
            bump()

    # weak=False: the receiver is local to this function.
    post_save.connect(page_changed, weak=False, dispatch_uid="pagecache.page_saved")
    post_delete.connect(page_changed, weak=False, dispatch_uid="pagecache.page_deleted")
    page_unpublished.connect(bump, dispatch_uid="pagecache.page_unpublished")
    post_page_move.connect(bump, dispatch_uid="pagecache.page_moved")
    for model in (PageViewRestriction, Site):
        post_save.connect(
            bump, sender=model, dispatch_uid=f"pagecache.{model.__name__}"
        )
        post_delete.connect(
            bump, sender=model, dispatch_uid=f"pagecache.{model.__name__}.del"
        )
