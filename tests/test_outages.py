"""What a request gets when the database, broker or cache is down (the
fault drills in tests/drills/ prove the same against real processes)."""

import socket

import pytest
from django.db import OperationalError
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError


@pytest.fixture
def failing_home(monkeypatch):
    def fail_with(exc):
        def render(*args, **kwargs):
            raise exc

        monkeypatch.setattr("elearning.views.render", render)

    return fail_with


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exc", "status", "text"),
    [
        (OperationalError("connection refused"), 503, "cơ sở dữ liệu"),
        (BrokerError("Error 111 connecting"), 503, "Hệ thống xử lý nền"),
        (ValueError("bug"), 500, "Hệ thống đang gặp sự cố"),
    ],
)
def test_outage_pages(failing_home, exc, status, text):
    failing_home(exc)
    response = Client(raise_request_exception=False).get("/")
    body = response.content.decode()
    assert response.status_code == status
    assert text in body and "Traceback" not in body and "bug" not in body
    if status == 503:
        assert response["Retry-After"] == "30"


def test_broker_error_wrapped_in_another_is_still_an_outage():
    from elearning.views import _outage

    try:
        try:
            raise BrokerError("down")
        except BrokerError as inner:
            raise RuntimeError("dispatch failed") from inner
    except RuntimeError as outer:
        assert _outage(outer) == "broker"
    assert _outage(KeyError("x")) is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_resilient_cache_reads_as_empty_while_redis_is_down():
    from elearning.cache import ResilientRedisCache

    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", True) is True  # a lock on a dead cache is granted
    cache.set("k", 1)  # no error
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("counter")
