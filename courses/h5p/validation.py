"""Validate an uploaded .h5p package before anything is extracted.

Every rule reads the zip's central directory and, for the files we must
parse or hash, the members themselves (counting the real bytes: headers can
lie). Nothing touches storage here; :mod:`courses.h5p.services` extracts only
a package this module accepted.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CHUNK = 64 * 1024

# H5P core's default whitelists (H5PCore::$defaultContentWhitelist and
# $defaultLibraryWhitelistExtras), plus webp/oga/ogv which we always took.
# SVG is allowed as in core: it is served as an inert document (see views).
CONTENT_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "xml",
        "csv",
        "diff",
        "patch",
        "swf",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
        "webp",
        "oga",
        "ogv",
    ]
)
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}

# H5P core's schemas (H5PValidator), ASCII only as in PHP's preg_match.
MACHINE_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,127}$", re.ASCII)
FOLDER_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,255}$", re.ASCII)
VERSION = re.compile(r"^[0-9]{1,5}$", re.ASCII)
MAIN_LIBRARY = re.compile(r"^[$a-z_][0-9a-z_.$]{1,254}$", re.ASCII | re.IGNORECASE)
LANGUAGE = re.compile(r"^[-a-zA-Z]{1,10}$", re.ASCII)
LANGUAGE_FILE = re.compile(r"^(-?[a-z]+){1,7}\.json$", re.ASCII | re.IGNORECASE)
ASSET_SEGMENT = re.compile(r"^[a-z_\-\s0-9.]+$", re.IGNORECASE)
DRIVE = re.compile(r"^[A-Za-z]:")
DEPENDENCY_LISTS = ("preloadedDependencies", "dynamicDependencies")
MAX_VERSION = 32767  # the database keeps versions in small integers


def core_api() -> tuple[int, int]:
    """The H5P core API version of the bundled player (h5p-standalone 3.8.2
    ships h5p-php-library's js/h5p.js of February 2026, core API 1.28)."""
    major, minor = getattr(settings, "H5P_CORE_API", (1, 28))
    return int(major), int(minor)


def version_number(value) -> int | None:
    """A version field as core accepts it: an integer or a string of digits
    (core checks its text with /^[0-9]{1,5}$/); None if invalid."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not VERSION.match(value):
        return None
    number = int(value)
    return number if number <= MAX_VERSION else None


EXPORT_HINT = gettext_lazy(
    "Hãy xuất lại gói từ hệ thống soạn H5P và chọn tải về kèm thư viện "
    "(trên h5p.org hoặc Lumi: “Tải về” → “Reuse”, gói phải có các thư mục "
    "thư viện như H5P.MultiChoice-1.16)."
)


class PackageError(Exception):
    """The package is refused; ``messages`` says why, in Vietnamese."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def limit(name: str, default: int) -> int:
    return getattr(settings, name, default)


@dataclass(frozen=True)
class LibraryKey:
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class PackageLibrary:
    key: LibraryKey
    patch: int
    title: str
    library_json: dict
    sha256: str
    # The folder in the package: Machine-maj.min or, as core allows, Machine.
    folder: str = ""
    members: list[zipfile.ZipInfo] = field(default_factory=list)
    dependencies: set[LibraryKey] = field(default_factory=set)


@dataclass
class ValidatedPackage:
    sha256: str
    h5p_json: dict
    main_library: LibraryKey
    dependencies: set[LibraryKey]
    content_members: list[zipfile.ZipInfo]
    libraries: dict[LibraryKey, PackageLibrary]
    # Filled by the caller from the database: every library the content
    # needs, in the package or already installed.
    all_libraries: set[LibraryKey] = field(default_factory=set)


def corrupt(info: zipfile.ZipInfo) -> PackageError:
    return PackageError(
        [_("Tệp %(name)s trong gói bị hỏng.") % {"name": info.filename}]
    )


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The member's bytes, refusing more than declared or more than ``cap``."""
    try:
        return _read_member_unchecked(zf, info, cap)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error):
        raise corrupt(info) from None


def _read_member_unchecked(zf, info, cap) -> bytes:
    out = bytearray()
    with zf.open(info) as member:
        while chunk := member.read(CHUNK):
            out += chunk
            if len(out) > info.file_size or len(out) > cap:
                raise PackageError(
                    [
                        _("Tệp %(name)s lớn hơn kích thước khai báo.")
                        % {"name": info.filename}
                    ]
                )
    return bytes(out)


def _hash_member(zf, info, cap, digest) -> None:
    try:
        _hash_member_unchecked(zf, info, cap, digest)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error):
        raise corrupt(info) from None


def _hash_member_unchecked(zf, info, cap, digest) -> None:
    size = 0
    with zf.open(info) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > info.file_size or size > cap:
                raise PackageError(
                    [
                        _("Tệp %(name)s lớn hơn kích thước khai báo.")
                        % {"name": info.filename}
                    ]
                )
            digest.update(chunk)


def _parse_json(zf, info, what: str, errors: list[str], *, kind=dict):
    """The member's JSON, or None with the reason appended to ``errors``."""
    raw = read_member(zf, info, limit("H5P_MAX_JSON_BYTES", 5 * 1024 * 1024))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        errors.append(
            _("%(file)s không phải JSON hợp lệ (không phải UTF-8).") % {"file": what}
        )
        return None
    except json.JSONDecodeError as error:
        errors.append(
            _("%(file)s không phải JSON hợp lệ (dòng %(line)d, cột %(col)d).")
            % {"file": what, "line": error.lineno, "col": error.colno}
        )
        return None
    if kind is not None and not isinstance(data, kind):
        errors.append(_("%(file)s không phải JSON hợp lệ.") % {"file": what})
        return None
    return data


def _missing(where: str, key: str) -> str:
    return _("%(file)s: thiếu trường “%(field)s”.") % {"file": where, "field": key}


def _invalid(where: str, key: str) -> str:
    return _("%(file)s: trường “%(field)s” không hợp lệ.") % {
        "file": where,
        "field": key,
    }


def dependency_key(item) -> LibraryKey | None:
    """A dependency ``{machineName, majorVersion, minorVersion}`` as core
    reads it (versions as integers or digit strings); None if invalid."""
    if not isinstance(item, dict):
        return None
    name = item.get("machineName")
    major = version_number(item.get("majorVersion"))
    minor = version_number(item.get("minorVersion"))
    if not isinstance(name, str) or not MACHINE_NAME.match(name):
        return None
    if major is None or minor is None:
        return None
    return LibraryKey(name, major, minor)


def dependencies_of(data: dict, where: str, errors: list[str]) -> set[LibraryKey]:
    """The preloaded and dynamic dependencies of an h5p.json or library.json;
    each invalid entry is reported with its list and position."""
    keys = set()
    for list_key in DEPENDENCY_LISTS:
        items = data.get(list_key)
        if items is None:
            continue
        if not isinstance(items, list):
            errors.append(_invalid(where, list_key))
            continue
        for index, item in enumerate(items):
            key = dependency_key(item)
            if key is None:
                errors.append(_invalid(where, f"{list_key}[{index}]"))
            else:
                keys.add(key)
    return keys


def _check_names(infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """Refuse dangerous names and links; return the members worth keeping."""
    errors: list[str] = []
    seen: set[str] = set()
    folded: dict[str, str] = {}
    kept = []
    for info in infos:
        name = info.filename
        if "\\" in name:
            errors.append(
                _("Tên tệp có dấu gạch chéo ngược: %(name)s") % {"name": name}
            )
            continue
        if name.startswith("/") or DRIVE.match(name):
            errors.append(
                _("Đường dẫn tuyệt đối không được phép: %(name)s") % {"name": name}
            )
            continue
        parts = name.rstrip("/").split("/")
        if any(part in ("..", ".") or part == "" for part in parts):
            errors.append(_("Đường dẫn không hợp lệ: %(name)s") % {"name": name})
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            errors.append(
                _("Gói không được chứa liên kết (symlink): %(name)s") % {"name": name}
            )
            continue
        if name in seen:
            errors.append(_("Tên tệp bị trùng: %(name)s") % {"name": name})
            continue
        seen.add(name)
        key = name.rstrip("/").casefold()
        if key in folded:
            errors.append(
                _("Hai tệp chỉ khác nhau chữ hoa, chữ thường: %(a)s và %(b)s")
                % {"a": folded[key], "b": name}
            )
            continue
        folded[key] = name
        if info.is_dir():
            continue
        # H5P skips files and folders whose name starts with "." or "_".
        if any(part.startswith((".", "_")) for part in parts):
            continue
        kept.append(info)
    if errors:
        raise PackageError(errors)
    return kept


def sanitize_svg(data: bytes) -> bytes | None:
    """The SVG without script, event handlers, foreign content or external
    references (py-svg-hush: Cloudflare's svg-hush); None if unreadable."""
    from py_svg_hush import filter_svg

    try:
        return filter_svg(data, {"image": ["png", "jpeg", "gif", "webp"]})
    except (ValueError, TypeError):
        return None


def _check_svgs(zf, members, errors: list[str]) -> None:
    cap = limit("H5P_MAX_FILE_BYTES", 50 * 1024 * 1024)
    for info in members:
        svg = _extension(info.filename) == "svg"
        if svg and sanitize_svg(read_member(zf, info, cap)) is None:
            errors.append(
                _("Tệp SVG %(name)s không đọc được.") % {"name": info.filename}
            )


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    errors = []
    max_entries = limit("H5P_MAX_ENTRIES", 3000)
    if len(infos) > max_entries:
        raise PackageError(
            [
                _("Gói có quá nhiều tệp (%(n)d, tối đa %(max)d).")
                % {"n": len(infos), "max": max_entries}
            ]
        )
    max_file = limit("H5P_MAX_FILE_BYTES", 50 * 1024 * 1024)
    max_total = limit("H5P_MAX_TOTAL_BYTES", 300 * 1024 * 1024)
    max_ratio = limit("H5P_MAX_COMPRESSION_RATIO", 100)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > max_file:
            errors.append(_("Tệp %(name)s quá lớn.") % {"name": info.filename})
        # Small files may compress very well; a bomb needs volume.
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            errors.append(
                _("Tệp %(name)s có tỷ lệ nén bất thường (nghi là bom nén).")
                % {"name": info.filename}
            )
    if total > max_total:
        errors.append(_("Tổng dung lượng sau khi giải nén vượt quá giới hạn."))
    if errors:
        raise PackageError(errors)


def _extension(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return suffix[1:].lower() if suffix else ""


def validate_package(
    fileobj: IO[bytes], *, filename: str, size: int
) -> ValidatedPackage:
    """Check every rule; raise :class:`PackageError` with all that failed.

    The zip-safety rules (sizes, names, links) are checked first, from the
    central directory; if one fails nothing is decompressed. Then H5P core's
    rules, every error of every file reported. Does not look at the
    database: the caller resolves the libraries against those installed.
    """
    if not filename.lower().endswith(".h5p"):
        raise PackageError([_("Tệp phải có phần mở rộng .h5p.")])
    max_upload = limit("H5P_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
    if size > max_upload:
        raise PackageError(
            [_("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": max_upload // (1024 * 1024)}]
        )
    try:
        fileobj.seek(0)
        zf = zipfile.ZipFile(fileobj)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise PackageError([_("Tệp không phải gói H5P (tệp ZIP) hợp lệ.")]) from None

    _check_sizes(infos)
    members = _check_names(infos)
    by_name = {m.filename: m for m in members}

    errors: list[str] = []
    content_members: list[zipfile.ZipInfo] = []
    library_members: dict[str, list[zipfile.ZipInfo]] = {}
    for info in members:
        top, _sep, rest = info.filename.partition("/")
        if not rest:
            continue  # h5p.json, or a top-level file H5P core ignores too
        ext = _extension(info.filename)
        if top == "content":
            if ext not in CONTENT_EXTENSIONS:
                errors.append(
                    _("Loại tệp không được phép trong nội dung: %(name)s")
                    % {"name": info.filename}
                )
            content_members.append(info)
            continue
        if ext not in LIBRARY_EXTENSIONS:
            errors.append(
                _("Loại tệp không được phép trong thư viện: %(name)s")
                % {"name": info.filename}
            )
        library_members.setdefault(top, []).append(info)

    _check_svgs(zf, members, errors)
    h5p_json = None
    if "h5p.json" not in by_name:
        errors.append(_("Gói thiếu tệp h5p.json."))
    else:
        h5p_json = _parse_json(zf, by_name["h5p.json"], "h5p.json", errors)
    if "content/content.json" not in by_name:
        errors.append(_("Gói thiếu tệp content/content.json."))
    else:
        _parse_json(zf, by_name["content/content.json"], "content/content.json", errors)

    main = None
    dependencies: set[LibraryKey] = set()
    if h5p_json is not None:
        main, dependencies = _check_h5p_json(h5p_json, errors)

    libraries: dict[LibraryKey, PackageLibrary] = {}
    for folder, folder_infos in sorted(library_members.items()):
        library = _check_library(zf, folder, folder_infos, errors)
        if library is None:
            continue
        if library.key in libraries:
            errors.append(
                _("Thư viện %(lib)s có hai thư mục trong gói.") % {"lib": library.key}
            )
            continue
        libraries[library.key] = library
    if errors:
        raise PackageError(errors)

    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
    return ValidatedPackage(
        sha256=digest.hexdigest(),
        h5p_json=h5p_json,
        main_library=main,
        dependencies=dependencies,
        content_members=content_members,
        libraries=libraries,
    )


def _check_text(data, key, pattern, where, errors, *, required=True) -> None:
    value = data.get(key)
    if value is None:
        if required:
            errors.append(_missing(where, key))
        return
    if not isinstance(value, str) or not pattern.match(value):
        errors.append(_invalid(where, key))


TITLE = re.compile(r"^.{1,255}$", re.DOTALL)


def _check_h5p_json(data: dict, errors: list[str]):
    """h5p.json against core's schema; (main library, dependencies)."""
    where = "h5p.json"
    _check_text(data, "title", TITLE, where, errors)
    _check_text(data, "language", LANGUAGE, where, errors)
    _check_text(data, "mainLibrary", MAIN_LIBRARY, where, errors)
    embed = data.get("embedTypes")
    if embed is None:
        errors.append(_missing(where, "embedTypes"))
    elif (
        not isinstance(embed, list)
        or not embed
        or not all(item in ("div", "iframe") for item in embed)
    ):
        errors.append(_invalid(where, "embedTypes"))
    if data.get("preloadedDependencies") is None:
        errors.append(_missing(where, "preloadedDependencies"))
    dependencies = dependencies_of(data, where, errors)
    name = data.get("mainLibrary")
    if not isinstance(name, str):
        return None, dependencies
    main = [d for d in dependencies if d.machine_name == name]
    if not main:
        errors.append(
            _(
                "Thư viện chính %(name)s không có trong danh sách phụ thuộc của h5p.json."
            )
            % {"name": name}
        )
        return None, dependencies
    return max(main, key=lambda d: (d.major, d.minor)), dependencies


def _asset_path_ok(path, ext: str) -> bool:
    """Core's rule for preloadedJs/preloadedCss paths: segments of letters,
    digits, ``_-.`` and spaces, separated by single slashes (checked segment
    by segment rather than with core's backtracking regex)."""
    if not isinstance(path, str) or _extension(path) != ext:
        return False
    segments = path.replace("\\", "/").split("/")
    if segments[0] == "":
        segments = segments[1:]
    return bool(segments) and all(ASSET_SEGMENT.match(s) for s in segments)


def _check_library(
    zf, folder: str, infos: list[zipfile.ZipInfo], errors: list[str]
) -> PackageLibrary | None:
    """One library folder against core's rules; None (errors appended) if
    it is invalid."""
    if not FOLDER_NAME.match(folder):
        errors.append(
            _("Tên thư mục thư viện không hợp lệ: %(name)s") % {"name": folder}
        )
        return None
    names = {i.filename[len(folder) + 1 :]: i for i in infos}
    where = f"{folder}/library.json"
    if "library.json" not in names:
        errors.append(_("Thư viện %(folder)s thiếu library.json.") % {"folder": folder})
        return None
    before = len(errors)
    data = _parse_json(zf, names["library.json"], where, errors)
    if data is None:
        return None
    _check_text(data, "title", TITLE, where, errors)
    _check_text(data, "machineName", MACHINE_NAME, where, errors)
    versions = {}
    for key in ("majorVersion", "minorVersion", "patchVersion"):
        versions[key] = version_number(data.get(key))
        if data.get(key) is None:
            errors.append(_missing(where, key))
        elif versions[key] is None:
            errors.append(_invalid(where, key))
    runnable = data.get("runnable")
    if runnable is None:
        errors.append(_missing(where, "runnable"))
    elif runnable not in (0, 1, "0", "1"):  # True and False compare as 1 and 0
        errors.append(_invalid(where, "runnable"))
    embed = data.get("embedTypes")
    if embed is not None and (
        not isinstance(embed, list)
        or not all(item in ("div", "iframe") for item in embed)
    ):
        errors.append(_invalid(where, "embedTypes"))
    core = data.get("coreApi")
    if core is not None:
        wanted = (
            (
                version_number(core.get("majorVersion")),
                version_number(core.get("minorVersion")),
            )
            if isinstance(core, dict)
            else (None, None)
        )
        if None in wanted:
            errors.append(_invalid(where, "coreApi"))
        elif wanted > core_api():
            errors.append(
                _(
                    "%(file)s: thư viện cần H5P core %(wanted)s, trình phát của "
                    "hệ thống có H5P core %(have)s."
                )
                % {
                    "file": where,
                    "wanted": "{}.{}".format(*wanted),
                    "have": "{}.{}".format(*core_api()),
                }
            )
    for list_key, ext in (("preloadedJs", "js"), ("preloadedCss", "css")):
        items = data.get(list_key)
        if items is None:
            continue
        if not isinstance(items, list):
            errors.append(_invalid(where, list_key))
            continue
        for index, item in enumerate(items):
            path = item.get("path") if isinstance(item, dict) else None
            if not _asset_path_ok(path, ext):
                errors.append(_invalid(where, f"{list_key}[{index}].path"))
            elif path.replace("\\", "/").lstrip("/") not in names:
                errors.append(
                    _(
                        "Thư viện %(folder)s thiếu tệp %(path)s khai báo trong library.json."
                    )
                    % {"folder": folder, "path": path}
                )
    dependencies = dependencies_of(data, where, errors)
    if "semantics.json" in names:
        _parse_json(
            zf, names["semantics.json"], f"{folder}/semantics.json", errors, kind=None
        )
    for path in sorted(names):
        language, _sep, file = path.partition("/")
        if language != "language" or not file:
            continue
        if "/" in file or not LANGUAGE_FILE.match(file):
            errors.append(
                _("Tệp ngôn ngữ không hợp lệ: %(name)s") % {"name": f"{folder}/{path}"}
            )
            continue
        _parse_json(zf, names[path], f"{folder}/{path}", errors, kind=None)
    if len(errors) > before:
        return None
    key = LibraryKey(
        data["machineName"], versions["majorVersion"], versions["minorVersion"]
    )
    if folder not in (key.folder, key.machine_name):
        errors.append(
            _("Thư mục %(folder)s không khớp với library.json (phải là %(expected)s).")
            % {"folder": folder, "expected": key.folder}
        )
        return None
    # The folder's fingerprint: every path and its bytes, in path order.
    digest = hashlib.sha256()
    cap = limit("H5P_MAX_FILE_BYTES", 50 * 1024 * 1024)
    for path in sorted(names):
        digest.update(path.encode() + b"\0")
        _hash_member(zf, names[path], cap, digest)
        digest.update(b"\0")
    return PackageLibrary(
        key=key,
        patch=versions["patchVersion"],
        title=data["title"][:255],
        library_json=data,
        sha256=digest.hexdigest(),
        folder=folder,
        members=infos,
        dependencies=dependencies,
    )
