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
  Wagtail itself caches it in (``elearning.internals.remember_route``);
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

Entries never change once written (a change makes a new generation), so
each worker process also keeps the ones it read lately in its own memory
(:class:`_LocalEntries`, bounded in bytes): a learner's page then costs one
Redis read for the generation instead of one per entry.

With Redis down the cache reads as empty (``elearning.cache``): pages are
routed the normal way.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from . import internals

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


class _LocalEntries:
    """The process's own copy of the entries it read lately, least recently
    used first out once ``limit`` bytes are held.

    Values are kept pickled and unpickled on every read, so no two requests
    share (and could alter) one object.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            data = self._entries.get(key)
            if data is None:
                return _MISSING
            self._entries.move_to_end(key)
        return pickle.loads(data)  # noqa: S301  # nosec B301 (bytes this process pickled)

    def put(self, key: str, value: Any) -> None:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(data) > self.limit // 8:
            return  # one entry may not crowd out the others
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self._entries[key] = data
            self.size += len(data)
            while self.size > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


local = _LocalEntries(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 16 * 2**20))


def _local_ok(key: str) -> bool:
    # Generation 0 is what a cache that cannot be reached gives: it may come
    # back after pages changed, so nothing is kept under it.
    return not key.startswith("pages:0:")


def _get(key: str) -> Any:
    """An entry from this process's memory, else from the cache."""
    if not _local_ok(key):
        return cache.get(key, _MISSING)
    value = local.get(key)
    if value is _MISSING:
        value = cache.get(key, _MISSING)
        if value is not _MISSING:
            local.put(key, value)
    return value


def _set(key: str, value: Any) -> None:
    cache.set(key, value, _timeout())
    if _local_ok(key):
        local.put(key, value)


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
    value = _get(full_key)
    if value is _MISSING:
        value = compute()
        _set(full_key, value)
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
    keep = _local_ok(head)
    result = {}
    for pk in ids if keep else ():
        value = local.get(f"{head}{pk}")
        if value is not _MISSING:
            result[pk] = value
    asked = [pk for pk in ids if pk not in result]
    if asked:
        found = cache.get_many([f"{head}{pk}" for pk in asked])
        for pk in asked:
            if f"{head}{pk}" in found:
                result[pk] = found[f"{head}{pk}"]
                if keep:
                    local.put(f"{head}{pk}", result[pk])
    missing = [pk for pk in ids if pk not in result]
    if missing:
        computed = compute(missing)
        cache.set_many({f"{head}{pk}": computed[pk] for pk in missing}, _timeout())
        for pk in missing if keep else ():
            local.put(f"{head}{pk}", computed[pk])
        result.update((pk, computed[pk]) for pk in missing)
    return result


def site_for_request(request):
    """Wagtail's ``Site.find_for_request``, cached per host, read when first
    used (a view that links to no page never reads it)."""
    if not internals.request_has_site(request):
        internals.remember_site(
            request,
            SimpleLazyObject(
                lambda: memo(f"site:{request.get_host()}", lambda: _read_site(request))
            ),
        )
    return internals.request_site(request)


def _read_site(request):
    """The site Wagtail finds for ``request``, read from the database.

    Wagtail's ``Site.find_for_request`` answers what the request remembers,
    here the lazy stand-in being evaluated: that is taken off first, and
    Wagtail remembers the site it reads in its place.
    """
    from wagtail.models import Site

    internals.forget_site(request)
    return Site.find_for_request(request)


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
        # Every {% pageurl %} needs the sites' root paths, which Wagtail keeps
        # in the shared cache (a Redis read a request); these are kept with
        # the page cache's entries instead. Not in Wagtail's own views (the
        # admin moves pages and reads the paths around the move).
        if not getattr(view_func, "__module__", "").startswith("wagtail"):
            internals.remember_site_root_paths(
                request, SimpleLazyObject(_site_root_paths)
            )


def _site_root_paths():
    from wagtail.models import Site

    return memo("site-root-paths", Site.get_site_root_paths)


def route_for_request(request, path: str):
    """Wagtail's ``Page.route_for_request``, cached per host and path."""
    from wagtail.models import Page

    if internals.request_has_route(request):
        return internals.request_route(request)
    key = f"pages:{generation()}:route:{request.get_host()}:{path}"
    cached = _get(key)
    if cached is not _MISSING and cached is not None:
        site, route = cached
        internals.remember_site(request, site)
        internals.remember_route(request, route)
        return route
    route = Page.route_for_request(request, path)
    site = internals.request_site(request)
    if route is not None and site is not None:
        page = route[0]
        # Wagtail's restriction check (an on_serve_page hook) reads these
        # through get_view_restrictions(); kept with the page, see
        # CachedRestrictionsMixin.
        page._cached_view_restrictions = list(page.get_view_restrictions())
        _set(key, (site, route))
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


def bump_on_change(*models) -> None:
    """Bump the generation whenever a row of one of ``models`` is saved or
    deleted: for what pages show or what is kept under the generation
    besides pages (an app's ``ready``)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                bump,
                sender=model,
                dispatch_uid=f"pagecache.{model._meta.label}.{name}",
            )


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
    bump_on_change(PageViewRestriction, Site)
