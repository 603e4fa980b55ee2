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

# H5P's own whitelist for content files (h5p.classes.php, "content" files),
# without svg/html/js: those can carry script.
CONTENT_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "mp3",
        "m4a",
        "wav",
        "ogg",
        "oga",
        "mp4",
        "webm",
        "ogv",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "rtf",
        "txt",
        "csv",
        "md",
        "vtt",
        "gltf",
        "glb",
    ]
)
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css", "svg", "xml"}

MACHINE_NAME = re.compile(r"^[A-Za-z0-9\-._]{1,127}$")
LIBRARY_FOLDER = re.compile(r"^([A-Za-z0-9\-._]{1,127})-(\d{1,4})\.(\d{1,4})$")
DRIVE = re.compile(r"^[A-Za-z]:")
H5P_JSON_KEYS = {
    "title": str,
    "language": str,
    "mainLibrary": str,
    "embedTypes": list,
    "preloadedDependencies": list,
}
LIBRARY_JSON_KEYS = {
    "title": str,
    "machineName": str,
    "majorVersion": int,
    "minorVersion": int,
    "patchVersion": int,
}
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


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
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


def _parse_json(zf, info, what: str) -> dict:
    raw = _read_member(zf, info, limit("H5P_MAX_JSON_BYTES", 5 * 1024 * 1024))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError(
            [_("%(file)s không phải JSON hợp lệ.") % {"file": what}]
        ) from None
    if not isinstance(data, dict):
        raise PackageError([_("%(file)s không phải JSON hợp lệ.") % {"file": what}])
    return data


def _dependency_keys(items, where: str) -> set[LibraryKey]:
    keys = set()
    if not isinstance(items, list):
        raise PackageError(
            [_("Danh sách phụ thuộc trong %(file)s không hợp lệ.") % {"file": where}]
        )
    for item in items:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("machineName"), str)
            and MACHINE_NAME.match(item["machineName"])
            and isinstance(item.get("majorVersion"), int)
            and isinstance(item.get("minorVersion"), int)
        ):
            raise PackageError(
                [
                    _("Danh sách phụ thuộc trong %(file)s không hợp lệ.")
                    % {"file": where}
                ]
            )
        keys.add(
            LibraryKey(item["machineName"], item["majorVersion"], item["minorVersion"])
        )
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

    Does not look at the database: the caller checks that dependencies are
    installed and that known library versions carry the same bytes.
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
            if info.filename != "h5p.json":
                errors.append(
                    _("Tệp không được phép ở thư mục gốc của gói: %(name)s")
                    % {"name": info.filename}
                )
            continue
        ext = _extension(info.filename)
        if top == "content":
            if ext not in CONTENT_EXTENSIONS:
                errors.append(
                    _("Loại tệp không được phép trong nội dung: %(name)s")
                    % {"name": info.filename}
                )
            content_members.append(info)
            continue
        if not LIBRARY_FOLDER.match(top):
            errors.append(
                _(
                    "Tên thư mục thư viện không hợp lệ: %(name)s (phải có dạng Tên-chính.phụ)"
                )
                % {"name": top}
            )
            continue
        if ext not in LIBRARY_EXTENSIONS:
            errors.append(
                _("Loại tệp không được phép trong thư viện: %(name)s")
                % {"name": info.filename}
            )
        library_members.setdefault(top, []).append(info)
    if "h5p.json" not in by_name:
        errors.append(_("Gói thiếu tệp h5p.json."))
    if "content/content.json" not in by_name:
        errors.append(_("Gói thiếu tệp content/content.json."))
    if errors:
        raise PackageError(errors)

    h5p_json = _parse_json(zf, by_name["h5p.json"], "h5p.json")
    for key, kind in H5P_JSON_KEYS.items():
        if not isinstance(h5p_json.get(key), kind) or not h5p_json.get(key):
            errors.append(_("h5p.json thiếu hoặc sai trường “%(key)s”.") % {"key": key})
    if errors:
        raise PackageError(errors)
    if not set(h5p_json["embedTypes"]) <= {"div", "iframe"}:
        raise PackageError([_("h5p.json có “embedTypes” không hợp lệ.")])
    _parse_json(zf, by_name["content/content.json"], "content/content.json")
    dependencies = _dependency_keys(h5p_json["preloadedDependencies"], "h5p.json")
    main = next(
        (d for d in dependencies if d.machine_name == h5p_json["mainLibrary"]), None
    )
    if main is None:
        raise PackageError(
            [
                _(
                    "Thư viện chính %(name)s không có trong danh sách phụ thuộc của h5p.json."
                )
                % {"name": h5p_json["mainLibrary"]}
            ]
        )

    libraries: dict[LibraryKey, PackageLibrary] = {}
    for folder, infos_ in sorted(library_members.items()):
        libraries_item = _check_library(zf, folder, infos_)
        libraries[libraries_item.key] = libraries_item

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


def _check_library(zf, folder: str, infos: list[zipfile.ZipInfo]) -> PackageLibrary:
    names = {i.filename[len(folder) + 1 :]: i for i in infos}
    where = f"{folder}/library.json"
    if "library.json" not in names:
        raise PackageError(
            [_("Thư viện %(folder)s thiếu library.json.") % {"folder": folder}]
        )
    data = _parse_json(zf, names["library.json"], where)
    errors = [
        _("%(file)s thiếu hoặc sai trường “%(key)s”.") % {"file": where, "key": key}
        for key, kind in LIBRARY_JSON_KEYS.items()
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool)
    ]
    if errors:
        raise PackageError(errors)
    if not MACHINE_NAME.match(data["machineName"]):
        raise PackageError([_("%(file)s có tên máy không hợp lệ.") % {"file": where}])
    key = LibraryKey(data["machineName"], data["majorVersion"], data["minorVersion"])
    if key.folder != folder:
        raise PackageError(
            [
                _(
                    "Thư mục %(folder)s không khớp với library.json (phải là %(expected)s)."
                )
                % {"folder": folder, "expected": key.folder}
            ]
        )
    for list_key, ext in (("preloadedJs", "js"), ("preloadedCss", "css")):
        items = data.get(list_key, [])
        if not isinstance(items, list):
            raise PackageError(
                [
                    _("%(file)s có “%(key)s” không hợp lệ.")
                    % {"file": where, "key": list_key}
                ]
            )
        for item in items:
            path = item.get("path") if isinstance(item, dict) else None
            if (
                not isinstance(path, str)
                or _extension(path) != ext
                or path not in names
            ):
                errors.append(
                    _(
                        "Thư viện %(folder)s thiếu tệp %(path)s khai báo trong library.json."
                    )
                    % {"folder": folder, "path": path}
                )
    if errors:
        raise PackageError(errors)
    dependencies = set()
    for list_key in ("preloadedDependencies", "dynamicDependencies"):
        dependencies |= _dependency_keys(data.get(list_key, []), where)
    # The folder's fingerprint: every path and its bytes, in path order.
    digest = hashlib.sha256()
    cap = limit("H5P_MAX_FILE_BYTES", 50 * 1024 * 1024)
    for path in sorted(names):
        digest.update(path.encode() + b"\0")
        _hash_member(zf, names[path], cap, digest)
        digest.update(b"\0")
    return PackageLibrary(
        key=key,
        patch=data["patchVersion"],
        title=data["title"][:255],
        library_json=data,
        sha256=digest.hexdigest(),
        members=infos,
        dependencies=dependencies,
    )
