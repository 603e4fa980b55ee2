"""Playwright driving Debian's Chromium; no test tool downloads a browser.

Shared fixtures: ``browser`` (one per session), ``page`` (desktop),
``phone_page`` (a phone-sized viewport), both recording console errors and
any request that would leave this machine, and ``axe_violations(page)``.

Pages run under the platform's Content-Security-Policy (no 'unsafe-eval'):
a CSP violation is a console error, so every test that checks the console
checks the policy too. Playwright's ``wait_for_function`` polls with eval and
is refused; wait with ``expect(locator)`` instead.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.signals import request_finished, request_started

from conftest import CHROMIUM, missing_service

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# calls made by fixtures in that thread are safe here (one thread, no loop
# shared with Django).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not os.path.exists(CHROMIUM):
        # The same gate as every service: a skip, but a failure under CI.
        missing_service(f"needs Chromium at {CHROMIUM}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright runs the test in another greenlet, whose context holds fresh
    # database connection objects: carry over the migrated state serialized
    # at setup, or serialized_rollback has nothing to restore.
    serialized = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            # On the class too: every connection object of this backend, in
            # whatever greenlet, then restores and flushes the same way.
            type(connections[alias])._test_serialized_contents = contents
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageWatch:
    """What a page did that a test must check: errors and foreign requests."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        # Responses of 400 and above: (method, path, status, JSON error_code).
        self.failed_responses: list[tuple[str, str, int, str | None]] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        page.on("request", self._on_request)
        page.on("response", self._on_response)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_response(self, response):
        if response.status < 400:
            return
        from playwright.sync_api import Error as PlaywrightError

        code = None
        if "json" in (response.headers.get("content-type") or ""):
            try:
                code = response.json().get("error_code")
            except (PlaywrightError, ValueError, AttributeError):
                code = None
        self.failed_responses.append(
            (
                response.request.method,
                urlparse(response.url).path,
                response.status,
                code,
            )
        )

    def errors_besides_refused_autosaves(self) -> list[str]:
        """The console errors, less the browser's line for each autosave of
        Wagtail's editor that the server refused as not valid yet.

        Wagtail saves the editor's form as the author works; while a row
        just added (a fixed question whose question is not chosen yet) is
        empty, it answers 400 ``validation_error`` and the editor's save
        indicator says so. The browser logs each such answer as a failed
        load; any other error stays.
        """
        refused = [
            r
            for r in self.failed_responses
            if r[0] == "POST"
            and r[1].startswith("/admin/pages/")
            and r[2] == 400
            and r[3] == "validation_error"
        ]
        errors = list(self.console_errors)
        line = (
            "Failed to load resource: the server responded with a status of 400"
            " (Bad Request)"
        )
        for _ in refused:
            if line in errors:
                errors.remove(line)
        return errors

    def _on_request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            self.foreign_requests.append(request.url)


class InFlight:
    """The requests the live server is answering. A page closed at the end
    of a test still sends what it sends on leaving (lesson.js's last study
    heartbeat, ``keepalive``); the test's database is flushed only once the
    server has answered them, or the flush and the request's row locks can
    deadlock on PostgreSQL."""

    def __init__(self):
        self.count = 0
        self.changed = time.monotonic()
        self._lock = threading.Lock()

    def started(self, **_kwargs):
        with self._lock:
            self.count += 1
            self.changed = time.monotonic()

    def finished(self, **_kwargs):
        with self._lock:
            self.count -= 1
            self.changed = time.monotonic()

    def wait_quiet(self, quiet: float = 0.15, timeout: float = 10.0) -> None:
        """Until no request has been open for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.count <= 0 and time.monotonic() - self.changed >= quiet:
                    return
            time.sleep(0.02)


IN_FLIGHT = InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="browser-tests-in-flight")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="browser-tests-in-flight")


def close(context) -> None:
    """Close a browser context once what its pages send on leaving is
    answered."""
    context.close()
    IN_FLIGHT.wait_quiet()


def _new_page(browser, **context_options):
    context = browser.new_context(locale="vi-VN", **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, viewport={"width": 1280, "height": 900})
    page.watch = PageWatch(page)
    yield page
    close(context)


def _phone(browser):
    context, page = _new_page(
        browser,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page.watch = PageWatch(page)
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _phone(browser)
    yield page
    close(context)


@pytest.fixture
def second_phone_page(browser, live_server):
    """Another phone, for a second person in the same journey."""
    context, page = _phone(browser)
    yield page
    close(context)


@pytest.fixture
def axe_violations():
    """Run axe-core on the page; return serious and critical violations."""

    def run(page) -> list[dict]:
        # Evaluated through DevTools, not as an inline <script>: the pages'
        # Content-Security-Policy would (rightly) refuse that.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document)")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run


@pytest.fixture
def screenshot():
    """Save a screenshot under test-artifacts/ for a person to look at."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in_by_cookie(page, live_server, user) -> None:
    """Sign ``user`` in to the page's browser through a session cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def worker(live_server, settings):
    """A real Celery worker sharing the test database (PostgreSQL); the
    platform's tasks go to it instead of running in the request. Links it
    writes (a certificate's QR code) point at the live server."""
    from tests.celery_workers import celery_worker, shared_database_url, tasks_sent_to

    settings.SITE_URL = live_server.url
    with (
        celery_worker(
            database=shared_database_url(), env={"SITE_URL": live_server.url}
        ) as (url, queue),
        tasks_sent_to(url, queue),
    ):
        yield
