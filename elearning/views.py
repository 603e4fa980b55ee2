from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, connections
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a refused form, in the site's own page.

    It is nearly always a form left open too long (signed out meanwhile, or
    signed in again in another tab) or a browser that blocks cookies, not an
    attack; the learner is told that nothing was saved and how to go on.
    Django has already logged the reason (``django.security.csrf``).
    """
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    back = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    context = {"back_url": back, "no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool | None:
    if not settings.CELERY_BROKER_URL:
        return None
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        logger.exception("Health check: broker unreachable")
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok()}
    broker = _broker_ok()
    if broker is not None:
        checks["broker"] = broker
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


def _outage(exc: BaseException | None) -> str | None:
    """Which service an unhandled exception says is down, if any."""
    from kombu.exceptions import OperationalError as BrokerError

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, BrokerError):
            return "broker"
        if isinstance(exc, DatabaseOperationalError | DatabaseInterfaceError):
            return "database"
        if isinstance(exc, DatabaseError) and "connection" in str(exc).lower():
            return "database"
        exc = exc.__cause__ or exc.__context__
    return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database or broker is a 503 with a plain message.

    Renders without touching the database (no context processors, no
    session), so it works while PostgreSQL restarts.
    """
    outage = _outage(sys.exc_info()[1])
    if outage is None:
        return HttpResponseServerError(loader.render_to_string("500.html"))
    if outage == "broker":
        message = _(
            "Hệ thống xử lý nền (gửi email, cấp giấy chứng nhận, xuất tệp) đang "
            "tạm gián đoạn nên yêu cầu của bạn chưa được xử lý hết. Vui lòng thử "
            "lại sau ít phút; nếu vẫn không được, hãy báo quản trị hệ thống."
        )
    else:
        message = _(
            "Hệ thống đang được bảo trì hoặc khởi động lại cơ sở dữ liệu. "
            "Vui lòng thử lại sau ít phút."
        )
    context = {"message": message, "language": getattr(request, "LANGUAGE_CODE", "vi")}
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = "30"
    return response


@require_safe
def bench_ping(request: HttpRequest) -> HttpResponse:
    """The trivial view `make perf` divides every throughput by.

    Answers only where the BENCH_PING setting is on (bench/settings.py):
    the full middleware stack, no query, a few bytes. 404 everywhere else.
    """
    if not getattr(settings, "BENCH_PING", False):
        raise Http404
    return HttpResponse(b"pong", content_type="text/plain")
