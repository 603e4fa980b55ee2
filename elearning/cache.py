"""A Redis cache that degrades to "always a miss" while Redis is down.

Django's ``RedisCache`` raises on a lost connection, which would turn every
page that reads the cache (sign-in rate limits, the verification page's
counter) into an error while Redis restarts. This backend logs the failure
and answers as an empty cache instead, so pages keep serving; rate limits
fail open for the length of the outage (see docs/drills.md).
"""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from .internals import (
    client_connection_pool,
    client_redis_class,
    set_cache_client_class,
)

logger = logging.getLogger(__name__)


def _down(operation: str) -> None:
    logger.warning("Cache unavailable (%s): Redis unreachable", operation)


class _ReusingClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` (and its table of ~170
    response callbacks) for every cache call; one per connection pool is
    enough (a ``redis.Redis`` is thread-safe, each command takes a pooled
    connection)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = client_connection_pool(self, write=write)
        client = self._clients.get(id(pool))
        if client is None:
            redis_class = client_redis_class(self)
            client = self._clients[id(pool)] = redis_class(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        set_cache_client_class(self, _ReusingClient)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            _down("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError:
            _down("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError:
            _down("has_key")
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError:
            _down("add")
            # "Stored": a lock taken on a dead cache is granted (allauth's
            # rate-limit lock), a first-use check lets the request through.
            return True

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError:
            _down("set")

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError:
            _down("set_many")
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError:
            _down("touch")
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _down("incr")
            # What callers already handle: "the key is not there".
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from exc

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError:
            _down("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError:
            _down("delete_many")

    def clear(self):
        try:
            return super().clear()
        except RedisError:
            _down("clear")
            return False
