"""Writes about H5P: installing packages, approving libraries, recording
attempts, xAPI statements and saved state."""

from __future__ import annotations

import uuid
import zipfile
import zlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from . import scoring
from .models import (
    H5PAttempt,
    H5PContent,
    H5PContentVersion,
    H5PLibrary,
    H5PLibraryUpgrade,
    H5PState,
    H5PStatement,
    ScoreSource,
    private_storage,
)
from .validation import (
    CHUNK,
    EXPORT_HINT,
    LibraryKey,
    PackageError,
    ValidatedPackage,
    corrupt,
    dependencies_of,
    limit,
    read_member,
    sanitize_svg,
    validate_package,
)


def _installed(key: LibraryKey) -> H5PLibrary | None:
    return H5PLibrary.objects.filter(
        machine_name=key.machine_name, major=key.major, minor=key.minor
    ).first()


def _library_deps(library: H5PLibrary) -> set[LibraryKey]:
    return dependencies_of(library.library_json, library.folder, [])


def package_check_against_installed(
    package: ValidatedPackage,
) -> dict[LibraryKey, H5PLibrary]:
    """Resolve every library the content needs; raise PackageError if one is
    missing or blocked.

    A library is ``machineName major.minor``: one the package brings at the
    same or a lower patch than the installed one is ignored (the installed
    code is used), whatever its bytes; a higher patch becomes an upgrade
    (see :func:`package_import`). Returns the libraries already installed,
    by key.
    """
    errors: list[str] = []
    installed: dict[LibraryKey, H5PLibrary] = {}
    needed: set[LibraryKey] = set()
    pending = list(package.dependencies)
    missing: list[LibraryKey] = []
    while pending:
        key = pending.pop()
        if key in needed:
            continue
        needed.add(key)
        existing = _installed(key)
        if existing is not None:
            installed[key] = existing
            if existing.status == H5PLibrary.Status.BLOCKED:
                errors.append(
                    _("Thư viện %(lib)s đã bị chặn trên hệ thống.") % {"lib": key}
                )
            pending.extend(_library_deps(existing))
        if key in package.libraries:
            # The package's patch may need more than the installed one (it
            # may become an upgrade): both must be satisfiable.
            pending.extend(package.libraries[key].dependencies)
        elif existing is None:
            missing.append(key)
    if missing:
        names = ", ".join(sorted(str(k) for k in missing))
        errors.append(_("Gói thiếu thư viện: %(names)s.") % {"names": names})
        if not package.libraries:
            errors.append(str(EXPORT_HINT))
    if errors:
        raise PackageError(errors)
    package.all_libraries = needed
    return installed


class _CountingReader:
    """Read a zip member, refusing more bytes than declared (headers lie)."""

    def __init__(self, member, info: zipfile.ZipInfo):
        self.member = member
        self.info = info
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.member.read(CHUNK if size is None or size < 0 else size)
        self.count += len(chunk)
        if self.count > self.info.file_size:
            raise PackageError(
                [
                    _("Tệp %(name)s lớn hơn kích thước khai báo.")
                    % {"name": self.info.filename}
                ]
            )
        return chunk


def _extract(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: str, written: list[str]
):
    storage = private_storage()
    try:
        if target.lower().endswith(".svg"):
            clean = sanitize_svg(
                read_member(zf, info, limit("H5P_MAX_FILE_BYTES", 50 * 1024 * 1024))
            )
            if clean is None:
                raise PackageError(
                    [_("Tệp SVG %(name)s không đọc được.") % {"name": info.filename}]
                )
            name = storage.save(target, ContentFile(clean, name=target))
        else:
            with zf.open(info) as member:
                name = storage.save(
                    target, File(_CountingReader(member, info), name=target)
                )
    except (zipfile.BadZipFile, EOFError, NotImplementedError, zlib.error):
        raise corrupt(info) from None
    written.append(name)
    if name != target:  # the prefix is fresh: a rename means someone raced us
        raise PackageError([_("Không thể lưu tệp %(name)s.") % {"name": info.filename}])


def max_score_of(h5p_json: dict, content_json: dict) -> int:
    """The content's maximum score, computed on the server for the content
    types we know; 0 (to be entered by the trainer) otherwise."""
    main = h5p_json.get("mainLibrary")
    if main == "H5P.ElearningTrueFalse":
        return len(content_json.get("questions") or [])
    return scoring.max_score(h5p_json, content_json) or 0


@dataclass
class ImportResult:
    version: H5PContentVersion
    new_libraries: list[H5PLibrary]
    new_upgrades: list[H5PLibraryUpgrade]


def package_import(
    *,
    fileobj: IO[bytes],
    filename: str,
    size: int,
    content: H5PContent | None = None,
    title: str = "",
    pass_threshold: int | None = None,
    user=None,
    approve_libraries: bool = False,
) -> ImportResult:
    """Validate, then install a package as a new version of ``content`` (a new
    H5PContent when None). New libraries are pending unless
    ``approve_libraries`` (a province admin or the operator's command).

    Raises PackageError with every reason; nothing is written then.
    """
    if approve_libraries and user is not None and not user.is_province_admin:
        raise PermissionDenied
    package = validate_package(fileobj, filename=filename, size=size)
    written: list[str] = []
    try:
        with transaction.atomic():
            result = _install(
                package=package,
                fileobj=fileobj,
                filename=filename,
                content=content,
                title=title,
                pass_threshold=pass_threshold,
                user=user,
                approve=approve_libraries,
                written=written,
            )
    except BaseException:
        storage = private_storage()
        for name in written:
            storage.delete(name)
        raise
    return result


def _install(
    *,
    package,
    fileobj,
    filename,
    content,
    title,
    pass_threshold,
    user,
    approve,
    written,
):
    installed = package_check_against_installed(package)
    fileobj.seek(0)
    zf = zipfile.ZipFile(fileobj)
    new_libraries = []
    new_upgrades = []
    libraries: dict[LibraryKey, H5PLibrary] = dict(installed)
    brought = sorted(
        (
            item
            for item in package.libraries.items()
            if item[0] in package.all_libraries
        ),
        key=lambda item: str(item[0]),
    )
    for key, lib in brought:  # new libraries first: upgrades may need them
        if key not in installed:
            library = _library_create(
                zf, lib, user=user, approve=approve, written=written
            )
            libraries[key] = library
            new_libraries.append(library)
    for key, lib in brought:
        existing = installed.get(key)
        if existing is not None and lib.patch > _known_patch(existing):
            upgrade = _library_upgrade(
                zf, existing, lib, user=user, approve=approve, written=written
            )
            if upgrade is not None:
                new_upgrades.append(upgrade)

    content_prefix = f"h5p/content/{uuid.uuid4().hex}"
    _extract(zf, zf.getinfo("h5p.json"), f"{content_prefix}/h5p.json", written)
    for info in package.content_members:
        _extract(zf, info, f"{content_prefix}/{info.filename}", written)
    import json

    content_json = json.loads(zf.read("content/content.json").decode("utf-8-sig"))

    if content is None:
        content = H5PContent(title=(title or package.h5p_json["title"])[:255])
        if pass_threshold is not None:
            content.pass_threshold = pass_threshold
        content.full_clean()
        content.save()
    else:
        content = H5PContent.objects.select_for_update().get(pk=content.pk)
    number = (content.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    fileobj.seek(0)
    version = H5PContentVersion(
        content=content,
        number=number,
        sha256=package.sha256,
        h5p_json=package.h5p_json,
        main_library=libraries[package.main_library],
        storage_prefix=content_prefix,
        max_score=max_score_of(package.h5p_json, content_json),
        server_graded=scoring.server_graded(package.h5p_json, content_json),
        uploaded_by=user,
    )
    version.package.save(f"{uuid.uuid4().hex}.h5p", File(fileobj), save=False)
    written.append(version.package.name)
    version.full_clean()
    version.save()
    version.libraries.set([libraries[k] for k in package.all_libraries])
    return ImportResult(
        version=version, new_libraries=new_libraries, new_upgrades=new_upgrades
    )


def _extract_library(zf, lib, written: list[str]) -> str:
    prefix = f"h5p/libraries/{lib.key.folder}-{uuid.uuid4().hex[:12]}"
    for info in lib.members:
        relative = info.filename[len(lib.folder) + 1 :]
        _extract(zf, info, f"{prefix}/{relative}", written)
    return prefix


def _retry_error(key) -> PackageError:
    return PackageError(
        [
            _("Thư viện %(lib)s vừa được tải lên bởi người khác; hãy thử lại.")
            % {"lib": key}
        ]
    )


def _library_create(zf, lib, *, user, approve, written) -> H5PLibrary:
    key = lib.key
    library = H5PLibrary(
        machine_name=key.machine_name,
        major=key.major,
        minor=key.minor,
        patch=lib.patch,
        title=lib.title,
        sha256=lib.sha256,
        storage_prefix=_extract_library(zf, lib, written),
        library_json=lib.library_json,
        status=H5PLibrary.Status.APPROVED if approve else H5PLibrary.Status.PENDING,
        approved_by=user if approve else None,
        approved_at=timezone.now() if approve else None,
    )
    library.full_clean()
    try:
        with transaction.atomic():
            library.save()
    except IntegrityError:
        raise _retry_error(key) from None
    if approve:
        log(
            instance=library,
            action="h5p.library_approve",
            user=user,
            data={"patch": library.patch},
        )
    return library


def _known_patch(library: H5PLibrary) -> int:
    """The highest patch the system has seen of ``library``: its code's, or
    an upgrade's (pending, approved, blocked or superseded)."""
    upgraded = library.upgrades.aggregate(n=Max("patch"))["n"]
    return max(library.patch, upgraded if upgraded is not None else -1)


def _library_upgrade(zf, library, lib, *, user, approve, written):
    """A higher patch of an installed library. A library never approved takes
    the new code at once (nothing runs it yet); otherwise the new code waits
    as an upgrade for a province admin (applied at once with ``approve``)."""
    library = H5PLibrary.objects.select_for_update().get(pk=library.pk)
    if lib.patch <= _known_patch(library):
        return None  # a parallel upload brought it first
    prefix = _extract_library(zf, lib, written)
    if library.status == H5PLibrary.Status.PENDING:
        library.patch = lib.patch
        library.title = lib.title
        library.sha256 = lib.sha256
        library.storage_prefix = prefix
        library.library_json = lib.library_json
        library.full_clean()
        library.save()
        return None
    upgrade = H5PLibraryUpgrade(
        library=library,
        patch=lib.patch,
        title=lib.title,
        sha256=lib.sha256,
        storage_prefix=prefix,
        library_json=lib.library_json,
        uploaded_by=user,
    )
    upgrade.full_clean()
    try:
        with transaction.atomic():
            upgrade.save()
    except IntegrityError:
        raise _retry_error(lib.key) from None
    log(
        instance=library,
        action="h5p.upgrade_received",
        user=user,
        data={"patch": upgrade.patch, "current_patch": library.patch},
    )
    if approve:
        try:
            with transaction.atomic():
                _upgrade_apply(upgrade, user=user)
        except UpgradeRefused:
            upgrade.refresh_from_db()  # it stays pending, for the screen
    return upgrade


MAX_SCORE_COMPUTED = gettext_lazy(
    "Hệ thống đã tự tính điểm tối đa của bài tập này; không cần nhập."
)


def max_score_is_computed(version: H5PContentVersion) -> bool:
    """Whether the server knows the version's maximum from its content (then
    nobody enters another one: its re-grading relies on it)."""
    if version.h5p_json.get("mainLibrary") == "H5P.ElearningTrueFalse":
        return True
    return (scoring.max_score(version.h5p_json, _content_json(version)) or 0) > 0


@transaction.atomic
def version_set_max_score(
    *, version: H5PContentVersion, max_score: int, user=None
) -> H5PContentVersion:
    """Enter the maximum score of a version the server cannot compute. Scores
    recorded from then on count; earlier ones stay without a maximum."""
    version = H5PContentVersion.objects.select_for_update().get(pk=version.pk)
    if max_score_is_computed(version):
        raise ValidationError(MAX_SCORE_COMPUTED)
    previous = version.max_score
    version.max_score = max_score
    version.full_clean()
    version.save(update_fields=["max_score"])
    log(
        instance=version.content,
        action="h5p.max_score_set",
        user=user,
        data={"version": version.number, "max_score": max_score, "was": previous},
    )
    return version


@transaction.atomic
def library_set_status(*, library: H5PLibrary, status: str, user) -> H5PLibrary:
    """Approve or block a library: province admins only; logged."""
    if not user.is_province_admin:
        raise PermissionDenied
    library = H5PLibrary.objects.select_for_update().get(pk=library.pk)
    if status == library.status:
        return library
    library.status = status
    if status == H5PLibrary.Status.APPROVED:
        library.approved_by = user
        library.approved_at = timezone.now()
    library.full_clean()
    library.save()
    action = {
        H5PLibrary.Status.APPROVED: "h5p.library_approve",
        H5PLibrary.Status.BLOCKED: "h5p.library_block",
        H5PLibrary.Status.PENDING: "h5p.library_unapprove",
    }[status]
    log(instance=library, action=action, user=user, data={"patch": library.patch})
    return library


class UpgradeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _versions_using(library: H5PLibrary):
    return H5PContentVersion.objects.filter(libraries=library)


def _upgrade_apply(upgrade: H5PLibraryUpgrade, *, user) -> None:
    library = upgrade.library
    previous = library.patch
    needed = set()
    pending = list(dependencies_of(upgrade.library_json, library.folder, []))
    rows = []
    while pending:
        key = pending.pop()
        if key in needed:
            continue
        needed.add(key)
        row = _installed(key)
        if row is None:
            raise UpgradeRefused(
                _("Bản vá cần thư viện %(lib)s chưa có trên hệ thống.") % {"lib": key}
            )
        if row.status != H5PLibrary.Status.APPROVED:
            raise UpgradeRefused(
                _("Hãy duyệt thư viện %(lib)s trước: bản vá này cần nó.") % {"lib": key}
            )
        rows.append(row)
        pending.extend(_library_deps(row))
    library.patch = upgrade.patch
    library.title = upgrade.title
    library.sha256 = upgrade.sha256
    library.storage_prefix = upgrade.storage_prefix
    library.library_json = upgrade.library_json
    library.full_clean()
    library.save()
    # Contents that use the library also need what its new code needs.
    if rows:
        for version in _versions_using(library):
            version.libraries.add(*rows)
    now = timezone.now()
    upgrade.status = H5PLibraryUpgrade.Status.APPROVED
    upgrade.decided_by = user
    upgrade.decided_at = now
    upgrade.save()
    library.upgrades.filter(
        status=H5PLibraryUpgrade.Status.PENDING, patch__lt=upgrade.patch
    ).update(
        status=H5PLibraryUpgrade.Status.SUPERSEDED, decided_by=user, decided_at=now
    )
    log(
        instance=library,
        action="h5p.upgrade_approve",
        user=user,
        data={"patch": upgrade.patch, "previous_patch": previous},
    )


@transaction.atomic
def library_upgrade_decide(
    *, upgrade: H5PLibraryUpgrade, approve: bool, user
) -> H5PLibraryUpgrade:
    """A province admin approves a pending upgrade (every content then uses
    its code) or blocks it (contents keep the code they have). Logged.

    Raises UpgradeRefused, with the reason, when the upgrade is no longer
    pending or needs a library that is not approved.
    """
    if not user.is_province_admin:
        raise PermissionDenied
    H5PLibrary.objects.select_for_update().get(pk=upgrade.library_id)
    upgrade = H5PLibraryUpgrade.objects.select_related("library").get(pk=upgrade.pk)
    if upgrade.status != H5PLibraryUpgrade.Status.PENDING:
        raise UpgradeRefused(_("Bản vá này đã được xử lý."))
    if approve:
        _upgrade_apply(upgrade, user=user)
        return upgrade
    upgrade.status = H5PLibraryUpgrade.Status.BLOCKED
    upgrade.decided_by = user
    upgrade.decided_at = timezone.now()
    upgrade.save()
    log(
        instance=upgrade.library,
        action="h5p.upgrade_block",
        user=user,
        data={"patch": upgrade.patch, "current_patch": upgrade.library.patch},
    )
    return upgrade


# --- Attempts ---------------------------------------------------------------


@transaction.atomic
def attempt_start(*, learner, version: H5PContentVersion) -> H5PAttempt:
    """The learner's live attempt on ``version``, or a new one."""
    live = (
        H5PAttempt.objects.select_for_update()
        .filter(learner=learner, version=version, finished_at__isnull=True)
        .first()
    )
    if live is not None:
        return live
    number = (
        H5PAttempt.objects.filter(learner=learner, version=version).aggregate(
            n=Max("number")
        )["n"]
        or 0
    ) + 1
    attempt = H5PAttempt(learner=learner, version=version, number=number)
    attempt.full_clean()
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:  # a parallel request started it first
        return H5PAttempt.objects.get(
            learner=learner, version=version, finished_at__isnull=True
        )
    return attempt


def content_iri(version: H5PContentVersion) -> str:
    """The xAPI object id of a content version: what the player must send."""
    return f"{settings.SITE_URL}/h5p/content/{version.content_id}/v{version.number}"


class StatementRejected(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Score:
    """What a scoring statement records: the score (the server's where it
    re-grades), who computed it, what the browser claimed, and whether the
    two differ."""

    raw: int
    source: str
    claimed: int
    flagged: bool = False


ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
INVALID_SCORE = gettext_lazy("Điểm không hợp lệ.")
MAX_CLAIMED = 2**31 - 1  # what the statement's claimed score is stored in


def _sub_content_id(statement: dict) -> str:
    obj = statement.get("object") or {}
    if not isinstance(obj, dict):
        return ""
    extensions = (obj.get("definition") or {}).get("extensions") or {}
    sub_id = ""
    if isinstance(extensions, dict):
        sub_id = extensions.get("http://h5p.org/x-api/h5p-subContentId") or ""
    if not sub_id and isinstance(obj.get("id"), str) and "?subContentId=" in obj["id"]:
        sub_id = obj["id"].split("?subContentId=", 1)[1]
    return str(sub_id)[:64]


def _content_json(version: H5PContentVersion) -> dict:
    import json

    with private_storage().open(
        f"{version.storage_prefix}/content/content.json", "rb"
    ) as handle:
        return json.loads(handle.read().decode("utf-8-sig"))


def _latest_answers(attempt: H5PAttempt, sub_ids: set[str]) -> dict[str, dict]:
    """The learner's latest answered statement of each part, by subContentId,
    over every attempt on this version (a part keeps its answer until the
    learner answers it again)."""
    latest: dict[str, dict] = {}
    rows = (
        H5PStatement.objects.filter(
            attempt__learner_id=attempt.learner_id,
            attempt__version_id=attempt.version_id,
            sub_content_id__in=sub_ids,
            verb=ANSWERED,
        )
        .order_by("pk")
        .values_list("sub_content_id", "statement")
    )
    for sub_id, statement in rows:
        if isinstance(statement, dict) and isinstance(statement.get("result"), dict):
            latest[sub_id] = statement["result"]
    return latest


def _claimed_part(result: dict | None, item: scoring.Item) -> int:
    """A part's score as its statement claims it, kept within the part's
    maximum (for the parts the server cannot grade)."""
    raw = ((result or {}).get("score") or {}).get("raw")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return 0
    return min(max(int(raw), 0), item.max_score)


def _server_score(
    attempt: H5PAttempt, result: dict, claimed: int
) -> tuple[int, str] | None:
    """(score, source) computed from the stored content.json, None when the
    server knows nothing about this content's parts."""
    version = attempt.version
    if version.h5p_json.get("mainLibrary") == "H5P.ElearningTrueFalse":
        return None  # the platform's own type: its maximum is all we know
    items = scoring.content_items(version.h5p_json, _content_json(version))
    if not items:
        return None
    source = (
        ScoreSource.SERVER if scoring.fully_gradable(items) else ScoreSource.BROWSER
    )
    if len(items) == 1 and items[0].sub_content_id is None:
        item = items[0]
        if item.gradable:
            response = result.get("response")
            return item.grade(response if isinstance(response, str) else ""), source
        return min(max(claimed, 0), item.max_score), source
    if source == ScoreSource.BROWSER and not all(i.sub_content_id for i in items):
        return None  # parts without ids: the browser's total is all there is
    answers = _latest_answers(attempt, {i.sub_content_id for i in items})
    total = 0
    for item in items:
        part = answers.get(item.sub_content_id)
        if item.gradable:
            response = (part or {}).get("response")
            total += item.grade(response) if isinstance(response, str) else 0
        else:
            total += _claimed_part(part, item)
    return total, source


def _scoring_result(statement: dict, attempt: H5PAttempt) -> Score | None:
    """The score a statement records; None to ignore it.

    Raises StatementRejected when a statement claims what it cannot. Every
    score problem gets the same message: it must not tell the maximum.
    """
    version = attempt.version
    verb = ((statement.get("verb") or {}).get("id") or "").rsplit("/", 1)[-1]
    obj = statement.get("object") or {}
    object_id = obj.get("id") if isinstance(obj, dict) else None
    context = statement.get("context") or {}
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if isinstance(activities, dict) and activities.get("parent"):
        return None  # a sub-question's statement: the top level gives the score
    if object_id != content_iri(version):
        if isinstance(object_id, str) and object_id.startswith(
            content_iri(version) + "?"
        ):
            return None  # a sub-content's statement
        raise StatementRejected(_("Mã đối tượng không khớp với bài tập."))
    result = statement.get("result")
    if verb not in ("answered", "completed") or not isinstance(result, dict):
        return None
    score = result.get("score")
    if not isinstance(score, dict):
        return None
    raw = score.get("raw")
    reported_max = score.get("max")
    if (
        isinstance(raw, bool)
        or not isinstance(raw, int | float)
        or raw != raw  # NaN
        or abs(raw) > MAX_CLAIMED
        or raw != int(raw)
    ):
        raise StatementRejected(str(INVALID_SCORE))
    raw = int(raw)
    if version.max_score <= 0:
        # Nobody knows the maximum yet: recorded as the browser reports it,
        # counting for nothing until a trainer enters the maximum.
        if (
            isinstance(reported_max, bool)
            or not isinstance(reported_max, int | float)
            or not 0 <= raw <= reported_max
        ):
            raise StatementRejected(str(INVALID_SCORE))
        return Score(raw=raw, source=ScoreSource.BROWSER, claimed=raw)
    computed = _server_score(attempt, result, raw)
    if computed is not None and computed[1] == ScoreSource.SERVER:
        server_raw = min(computed[0], version.max_score)
        return Score(
            raw=server_raw,
            source=ScoreSource.SERVER,
            claimed=raw,
            flagged=server_raw != raw or reported_max != version.max_score,
        )
    if (
        raw < 0
        or raw > version.max_score
        or (reported_max is not None and reported_max != version.max_score)
    ):
        raise StatementRejected(str(INVALID_SCORE))
    if computed is not None:
        # Partly graded by the server (a container with parts it cannot
        # grade): its total, the browser's parts kept within their maxima.
        server_raw = min(computed[0], version.max_score)
        return Score(
            raw=server_raw,
            source=ScoreSource.BROWSER,
            claimed=raw,
            flagged=server_raw != raw,
        )
    return Score(raw=raw, source=ScoreSource.BROWSER, claimed=raw)


@dataclass
class StatementOutcome:
    statement: H5PStatement | None
    attempt: H5PAttempt


def statement_record(
    *, attempt: H5PAttempt, raw_body: bytes, course=None
) -> StatementOutcome:
    """Record one xAPI statement sent by the player for ``attempt``.

    The statement's actor is ignored: the learner is the token's. A scoring
    statement finishes the attempt with the score recomputed against the
    server's own maximum; the next one starts a new attempt (a retry).
    Refreshes the course's completion when an attempt finishes.
    """
    import json

    reason = ""
    data = None
    if len(raw_body) > limit("H5P_MAX_STATEMENT_BYTES", 64 * 1024):
        reason = _("Câu lệnh xAPI vượt quá 64 KB.")
    else:
        try:
            data = json.loads(raw_body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            reason = _("Câu lệnh xAPI không phải JSON hợp lệ.")
        else:
            if not isinstance(data, dict):
                reason, data = _("Câu lệnh xAPI không phải JSON hợp lệ."), None

    with transaction.atomic():
        attempt = H5PAttempt.objects.select_for_update().get(pk=attempt.pk)
        verb, object_id, sub_id, scored = "", "", "", None
        if data is not None:
            verb = str((data.get("verb") or {}).get("id") or "")[:255]
            obj = data.get("object") or {}
            object_id = str(obj.get("id") or "")[:500] if isinstance(obj, dict) else ""
            sub_id = _sub_content_id(data)
            try:
                scored = _scoring_result(data, attempt)
            except StatementRejected as rejected:
                reason = rejected.reason
        if reason:
            outcome = H5PStatement.Outcome.REJECTED
        elif scored is None:
            outcome = H5PStatement.Outcome.IGNORED
        else:
            outcome = H5PStatement.Outcome.ACCEPTED
        if outcome == H5PStatement.Outcome.ACCEPTED and attempt.finished_at is not None:
            # The learner pressed "retry" in the player: a new attempt.
            attempt = _next_attempt(attempt)
        statement = H5PStatement.objects.create(
            attempt=attempt,
            verb=verb,
            object_id=object_id,
            sub_content_id=sub_id,
            statement=data,
            outcome=outcome,
            reason=reason,
            claimed_score=scored.claimed if scored else None,
            recorded_score=scored.raw if scored else None,
            flagged=scored.flagged if scored else False,
        )
        if outcome == H5PStatement.Outcome.ACCEPTED:
            _attempt_finish(attempt, score=scored)
            if course is not None:
                from courses.services import enrolment_refresh

                enrolment_refresh(learner=attempt.learner, course=course)
    return StatementOutcome(statement, attempt)


def _next_attempt(finished: H5PAttempt) -> H5PAttempt:
    live = H5PAttempt.objects.filter(
        learner_id=finished.learner_id,
        version_id=finished.version_id,
        finished_at__isnull=True,
    ).first()
    if live is not None:
        return live
    number = (
        H5PAttempt.objects.filter(
            learner_id=finished.learner_id, version_id=finished.version_id
        ).aggregate(n=Max("number"))["n"]
        + 1
    )
    return H5PAttempt.objects.create(
        learner_id=finished.learner_id, version_id=finished.version_id, number=number
    )


def _attempt_finish(attempt: H5PAttempt, *, score: Score) -> None:
    version = attempt.version
    attempt.raw_score = score.raw
    attempt.score_source = score.source
    attempt.flagged = score.flagged
    if version.max_score > 0:
        attempt.max_score = version.max_score
        attempt.scaled_score = (
            Decimal(score.raw) * 100 / Decimal(version.max_score)
        ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        attempt.success = attempt.scaled_score >= version.content.pass_threshold
    else:  # recorded, but it counts for nothing until the maximum is known
        attempt.max_score = attempt.scaled_score = attempt.success = None
    attempt.completion = True
    attempt.finished_at = timezone.now()
    attempt.full_clean()
    attempt.save()


def state_save(
    *,
    learner,
    content: H5PContent,
    data_type: str,
    sub_content_id: str,
    data: str | None,
) -> None:
    """Save (or with ``data`` None, delete) a learner's saved progress."""
    if data is None:
        H5PState.objects.filter(
            learner=learner,
            content=content,
            data_type=data_type,
            sub_content_id=sub_content_id,
        ).delete()
        return
    H5PState.objects.update_or_create(
        learner=learner,
        content=content,
        data_type=data_type,
        sub_content_id=sub_content_id,
        defaults={"data": data},
    )
