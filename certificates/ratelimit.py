"""A fixed-window request counter per client address, kept in the cache.

The cache is shared by every process (database cache embedded, Redis in
production), so the limit holds across workers.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def client_address(request) -> str:
    # Behind the reverse proxy REMOTE_ADDR is set from X-Forwarded-For by the
    # proxy configuration (see docs/certificates.md), never trusted here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(request, scope: str, *, limit: int, period: int = 60) -> bool:
    """Count this request; True once ``limit`` requests in ``period`` s are used."""
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    return count > limit
