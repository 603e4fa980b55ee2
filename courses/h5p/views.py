"""The content origin's routes: the embed page, package and library files,
the xAPI and saved-state endpoints. All of them are authenticated by the
signed token in the URL, never by a session."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .models import MAX_JSON_BYTES, H5PAttempt, private_storage
from .services import content_iri, state_save, statement_record
from .tokens import token_read

# A fixed map: never guessed from the file, never text/html.
MIME_TYPES = {
    "json": "application/json",
    "js": "text/javascript",
    "css": "text/css",
    "svg": "image/svg+xml",
    "xml": "application/xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "vtt": "text/vtt",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "gltf": "model/gltf+json",
    "glb": "model/gltf-binary",
}
# Package content may only be data: scripts and styles come from libraries.
CONTENT_DENY = {"js", "css"}
# Files a browser opens as documents that can carry script: opened directly
# by their URL, they get an inert, sandboxed document (no script, no fetch,
# an opaque origin); as images or data they are unaffected.
INERT_DOCUMENTS = {"svg", "xml"}
INERT_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
XAPI_RATE = "h5p_xapi"  # ACCOUNT_RATE_LIMITS: per learner and version


def _csp() -> str:
    # 'unsafe-eval': H5P's own content types compile templates at run time
    # (MultiChoice's EmbeddedJS uses new Function). Like 'unsafe-inline' it is
    # contained by the content origin, which holds no session and no cookie.
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "media-src 'self' blob:; font-src 'self' data:; object-src 'none'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {settings.SITE_URL}"
    )


def _secure(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = _csp()
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _grant_attempt(token: str) -> tuple[H5PAttempt, object]:
    """The attempt and course the token grants, or 404 (never a hint why)."""
    grant = token_read(token)
    if grant is None:
        raise Http404
    attempt = (
        H5PAttempt.objects.select_related("version__content", "learner")
        .filter(
            pk=grant.attempt_id,
            learner_id=grant.learner_id,
            version_id=grant.version_id,
        )
        .first()
    )
    if attempt is None or not attempt.learner.is_active:
        raise Http404
    course = None
    if grant.course_id is not None:
        from courses.models import CoursePage

        course = CoursePage.objects.filter(pk=grant.course_id).first()
    return attempt, course


def _json_error(message: str, status: int) -> JsonResponse:
    return _secure(JsonResponse({"success": False, "message": message}, status=status))


@require_GET
@xframe_options_exempt  # framing is governed by the CSP frame-ancestors below
def embed(request, token):
    attempt, _course = _grant_attempt(token)
    version = attempt.version
    base = f"/h5p-embed/{token}"
    options = {
        "id": f"h5p-{version.content_id}",
        "h5pJsonPath": f"{base}/files",
        "contentJsonPath": f"{base}/files/content",
        "librariesPath": f"{base}/libraries",
        "frameJs": static("vendor/h5p-standalone/frame.bundle.js"),
        "frameCss": static("vendor/h5p-standalone/styles/h5p.css"),
        "xAPIObjectIRI": content_iri(version),
        # Seconds between saves of the learner's progress; 0 turns it off.
        "saveFreq": getattr(settings, "H5P_SAVE_FREQUENCY", 10) or False,
        "frame": False,
        "copyright": False,
        "export": False,
        "icon": False,
        "fullScreen": False,
        "embed": False,
        # A pseudonym: the content origin needs no e-mail address.
        "user": {
            "name": str(attempt.learner_id),
            "mail": f"{attempt.learner_id}@invalid",
        },
        "ajax": {"contentUserDataUrl": f"{base}/state/:dataType/:subContentId"},
    }
    response = render(
        request,
        "h5p/embed.html",
        {
            "title": version.content.title,
            "options": options,
            "xapi_url": f"{base}/xapi",
            "platform_origin": settings.SITE_URL,
            "ui_messages": {
                "saveFailed": _("Chưa lưu được kết quả, hệ thống sẽ thử lại."),
                "saved": _("Đã lưu kết quả."),
                "loadFailed": _("Không tải được bài tập. Hãy tải lại trang."),
            },
        },
    )
    response["Cache-Control"] = "no-store"
    return _secure(response)


def _safe_relative(path: str) -> str:
    if "\\" in path or path.startswith("/") or "\0" in path:
        raise Http404
    parts = PurePosixPath(path).parts
    if not parts or any(p in ("..", ".") or p.startswith((".", "_")) for p in parts):
        raise Http404
    return "/".join(parts)


def _serve(storage_path: str, ext: str) -> FileResponse:
    storage = private_storage()
    try:
        handle = storage.open(storage_path, "rb")
    except (FileNotFoundError, SuspiciousFileOperation, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=MIME_TYPES.get(ext, "application/octet-stream")
    )
    response["Cache-Control"] = "private, max-age=3600"
    _secure(response)
    if ext in INERT_DOCUMENTS:
        response["Content-Security-Policy"] = INERT_CSP
    return response


@require_GET
def package_file(request, token, path):
    attempt, _course = _grant_attempt(token)
    path = _safe_relative(path)
    ext = PurePosixPath(path).suffix[1:].lower()
    if path != "h5p.json" and (not path.startswith("content/") or ext in CONTENT_DENY):
        raise Http404
    return _serve(f"{attempt.version.storage_prefix}/{path}", ext)


@require_GET
def library_file(request, token, folder, path):
    attempt, _course = _grant_attempt(token)
    path = _safe_relative(path)
    library = next(
        (lib for lib in attempt.version.libraries.all() if lib.folder == folder), None
    )
    if library is None or library.status != library.Status.APPROVED:
        raise Http404
    ext = PurePosixPath(path).suffix[1:].lower()
    return _serve(f"{library.storage_prefix}/{path}", ext)


# csrf_exempt: these endpoints are called by the player on the content
# origin, which has no session and no CSRF cookie. They are authenticated
# only by the signed, expiring token in the URL (a cross-site form cannot
# forge it), and they act only on that token's learner and attempt.
@csrf_exempt  # nosemgrep: no-csrf-exempt - token-authenticated, sessionless
@require_POST
def xapi(request, token):
    attempt, course = _grant_attempt(token)
    # allauth's rate limits (ACCOUNT_RATE_LIMITS), per learner and version.
    key = f"{attempt.learner_id}:{attempt.version_id}"
    if not ratelimit.consume(request, action=XAPI_RATE, key=key):
        return _json_error(_("Gửi quá nhiều, hãy thử lại sau."), 429)
    outcome = statement_record(attempt=attempt, raw_body=request.body, course=course)
    statement = outcome.statement
    if statement.outcome == statement.Outcome.REJECTED:
        return _json_error(statement.reason, 400)
    return _secure(JsonResponse({"success": True, "outcome": statement.outcome}))


@csrf_exempt  # nosemgrep: no-csrf-exempt - token-authenticated like xapi()
@require_http_methods(["GET", "POST"])
def state(request, token, data_type, sub_content_id):
    attempt, _course = _grant_attempt(token)
    content = attempt.version.content
    lookup = {
        "learner": attempt.learner,
        "content": content,
        "data_type": data_type[:64],
        "sub_content_id": sub_content_id[:64],
    }
    if request.method == "GET":
        saved = content.states.filter(
            learner=attempt.learner,
            data_type=lookup["data_type"],
            sub_content_id=lookup["sub_content_id"],
        ).first()
        return _secure(
            JsonResponse({"success": True, "data": saved.data if saved else False})
        )
    if len(request.body) > MAX_JSON_BYTES + 1024:
        return _json_error(_("Dữ liệu tiến độ vượt quá 64 KB."), 413)
    data = request.POST.get("data")
    if data is None:
        return _json_error(_("Thiếu dữ liệu."), 400)
    if data == "0":  # H5P's way of saying "delete"
        state_save(**lookup, data=None)
        return _secure(JsonResponse({"success": True}))
    if len(data.encode()) > MAX_JSON_BYTES:
        return _json_error(_("Dữ liệu tiến độ vượt quá 64 KB."), 413)
    try:
        json.loads(data)
    except json.JSONDecodeError:
        return _json_error(_("Dữ liệu tiến độ không hợp lệ."), 400)
    state_save(**lookup, data=data)
    return _secure(JsonResponse({"success": True}))
