"""Every upload rule: refused with its message, and nothing written."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from courses.h5p.models import H5PContent, H5PContentVersion, H5PLibrary
from courses.h5p.validation import PackageError

from .helpers import good_members, import_bytes, symlink_info, zip_bytes

pytestmark = pytest.mark.django_db

LIB = "H5P.ElearningTrueFalse-1.0"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'


def private_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_refused(data: bytes, fragment: str, *, filename: str = "bai-tap.h5p"):
    libraries_before = H5PLibrary.objects.count()
    with pytest.raises(PackageError) as error:
        import_bytes(data, filename=filename)
    assert any(fragment in message for message in error.value.messages), (
        error.value.messages
    )
    assert H5PContent.objects.count() == 0
    assert H5PContentVersion.objects.count() == 0
    assert H5PLibrary.objects.count() == libraries_before
    assert private_files() == []
    return error.value.messages


def with_changes(**changes) -> dict[str, bytes]:
    members = good_members()
    for name, data in changes.items():
        name = name.replace("__", "/").replace("LIB", LIB)
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    return members


def test_a_good_package_installs_content_and_shared_library():
    result = import_bytes(zip_bytes(good_members()))
    version = result.version
    assert version.number == 1
    assert version.max_score == 2
    assert version.h5p_json["mainLibrary"] == "H5P.ElearningTrueFalse"
    library = version.main_library
    assert library.status == H5PLibrary.Status.PENDING
    assert list(version.libraries.all()) == [library]
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert (root / version.storage_prefix / "content" / "content.json").is_file()
    assert (root / library.storage_prefix / "scripts" / "true-false.js").is_file()
    assert (root / version.package.name).is_file()

    # A second upload: a new version; the library is stored once.
    again = import_bytes(zip_bytes(good_members()), content=version.content)
    assert again.version.number == 2
    assert again.new_libraries == []
    assert H5PLibrary.objects.count() == 1
    assert version.content.versions.count() == 2


def test_wrong_extension():
    assert_refused(zip_bytes(good_members()), ".h5p", filename="bai-tap.zip")


def test_not_a_zip():
    assert_refused(b"not a zip at all", "ZIP")


def test_upload_size_cap(settings):
    settings.H5P_MAX_UPLOAD_BYTES = 100
    assert_refused(zip_bytes(good_members()), "quá lớn")


@pytest.mark.parametrize(
    "name,fragment",
    [
        ("../evil.json", "Đường dẫn không hợp lệ"),
        ("content/../../evil.json", "Đường dẫn không hợp lệ"),
        ("/etc/evil.json", "tuyệt đối"),
        ("C:/evil.json", "tuyệt đối"),
        ("content\\evil.json", "gạch chéo ngược"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "drive", "backslash"],
)
def test_dangerous_names(name, fragment):
    members = list(good_members().items()) + [(name, b"{}")]
    assert_refused(zip_bytes(members), fragment)


def test_symlink():
    members = list(good_members().items()) + [
        (symlink_info("content/link.json"), b"/etc/passwd")
    ]
    assert_refused(zip_bytes(members), "symlink")


def test_duplicate_names():
    members = list(good_members().items()) + [("content/content.json", b"{}")]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate
        data = zip_bytes(members)
    assert_refused(data, "bị trùng")


def test_case_colliding_names():
    members = list(good_members().items()) + [("content/Content.json", b"{}")]
    assert_refused(zip_bytes(members), "chữ hoa")


def test_bomb_by_ratio():
    members = list(good_members().items()) + [
        ("content/big.txt", b"0" * (5 * 1024 * 1024))
    ]
    assert_refused(zip_bytes(members), "bom nén")


def test_bomb_by_count(settings):
    settings.H5P_MAX_ENTRIES = 20
    members = list(good_members().items()) + [
        (f"content/f{i}.txt", b"x") for i in range(30)
    ]
    assert_refused(zip_bytes(members), "quá nhiều tệp")


def test_total_declared_size(settings):
    settings.H5P_MAX_TOTAL_BYTES = 1000
    assert_refused(
        zip_bytes(good_members(), compression=zipfile.ZIP_STORED), "Tổng dung lượng"
    )


def test_per_file_size(settings):
    settings.H5P_MAX_FILE_BYTES = 500
    assert_refused(zip_bytes(good_members()), "quá lớn")


@pytest.mark.parametrize(
    "name",
    ["content/page.html", "content/x.js", "content/style.css", "content/run.exe"],
    ids=["html", "js", "css", "exe"],
)
def test_forbidden_extensions_in_content(name):
    members = list(good_members().items()) + [(name, b"<script>alert(1)</script>")]
    assert_refused(zip_bytes(members), "không được phép trong nội dung")


@pytest.mark.parametrize(
    "name",
    [f"{LIB}/page.html", f"{LIB}/run.exe", f"{LIB}/x.php"],
    ids=["html", "exe", "php"],
)
def test_forbidden_extensions_in_library(name):
    members = list(good_members().items()) + [(name, b"x")]
    assert_refused(zip_bytes(members), "không được phép trong thư viện")


def test_library_may_hold_svg_and_js():
    members = list(good_members().items()) + [(f"{LIB}/icon.svg", SVG)]
    assert import_bytes(zip_bytes(members)).version.pk


def test_hidden_and_underscore_entries_are_skipped():
    members = list(good_members().items()) + [
        ("content/.DS_Store", b"x"),
        ("__MACOSX/content/._x", b"x"),
    ]
    version = import_bytes(zip_bytes(members)).version
    root = Path(settings.PRIVATE_MEDIA_ROOT) / version.storage_prefix
    assert not (root / "content" / ".DS_Store").exists()


def test_stray_top_level_file_is_ignored_as_core_does():
    """H5P core skips top-level files other than h5p.json (it used to be
    refused here); they are not extracted."""
    members = list(good_members().items()) + [
        ("readme.txt", b"x"),
        ("build.sh", b"rm -rf /"),
    ]
    version = import_bytes(zip_bytes(members)).version
    root = Path(settings.PRIVATE_MEDIA_ROOT) / version.storage_prefix
    assert sorted(p.name for p in root.iterdir()) == ["content", "h5p.json"]


@pytest.mark.parametrize(
    "name", ["content/notes.md", "content/fix.diff", "content/pic.svg"]
)
def test_core_content_extensions_are_accepted(name):
    members = list(good_members().items()) + [(name, SVG)]
    assert import_bytes(zip_bytes(members)).version.pk


@pytest.mark.parametrize("name", ["apply.patch", "changes.diff", "README.md"])
def test_core_library_extensions_are_accepted(name):
    members = list(good_members().items()) + [(f"{LIB}/{name}", b"x")]
    assert import_bytes(zip_bytes(members)).version.pk


def _edit_json(members, name, **changes):
    data = json.loads(members[name])
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    members[name] = json.dumps(data).encode()
    return members


def test_versions_as_digit_strings_as_h5p_writes_them():
    members = good_members()
    _edit_json(
        members,
        "h5p.json",
        preloadedDependencies=[
            {
                "machineName": "H5P.ElearningTrueFalse",
                "majorVersion": "1",
                "minorVersion": "0",
            }
        ],
    )
    _edit_json(
        members,
        f"{LIB}/library.json",
        majorVersion="1",
        minorVersion="0",
        patchVersion="3",
    )
    version = import_bytes(zip_bytes(members)).version
    library = version.main_library
    assert (library.major, library.minor, library.patch) == (1, 0, 3)


@pytest.mark.parametrize("bad", ["1.0", "-1", "x", 1.5, True, "123456"])
def test_versions_must_be_digits(bad):
    members = _edit_json(good_members(), f"{LIB}/library.json", patchVersion=bad)
    assert_refused(zip_bytes(members), "“patchVersion” không hợp lệ")


def test_library_folder_may_be_the_machine_name_alone():
    members = {
        (k.replace(LIB, "H5P.ElearningTrueFalse") if k.startswith(LIB) else k): v
        for k, v in good_members().items()
    }
    version = import_bytes(zip_bytes(members)).version
    root = Path(settings.PRIVATE_MEDIA_ROOT) / version.main_library.storage_prefix
    assert (root / "scripts" / "true-false.js").is_file()
    assert version.main_library.folder == LIB


def test_language_files_must_be_json():
    members = good_members()
    members[f"{LIB}/language/vi.json"] = b'{"semantics": ['
    assert_refused(zip_bytes(members), f"{LIB}/language/vi.json không phải JSON")


def test_language_file_names_follow_core():
    members = good_members()
    members[f"{LIB}/language/vi!.json"] = b"{}"
    assert_refused(zip_bytes(members), "Tệp ngôn ngữ không hợp lệ")


def test_core_api_newer_than_the_player_is_refused(settings):
    members = _edit_json(
        good_members(),
        f"{LIB}/library.json",
        coreApi={"majorVersion": 1, "minorVersion": 29},
    )
    assert_refused(zip_bytes(members), "cần H5P core 1.29")
    settings.H5P_CORE_API = (1, 29)
    assert import_bytes(zip_bytes(members)).version.pk


def test_every_error_is_reported_with_file_and_field():
    members = good_members()
    _edit_json(members, "h5p.json", language="vi_VN!", embedTypes=["popup"])
    _edit_json(members, f"{LIB}/library.json", title=None, runnable=2)
    members[f"{LIB}/language/vi.json"] = b"{"
    members["content/page.html"] = b"<p>"
    messages = assert_refused(zip_bytes(members), "h5p.json")
    assert sorted(messages) == sorted(
        [
            "Loại tệp không được phép trong nội dung: content/page.html",
            "h5p.json: trường “language” không hợp lệ.",
            "h5p.json: trường “embedTypes” không hợp lệ.",
            f"{LIB}/library.json: thiếu trường “title”.",
            f"{LIB}/library.json: trường “runnable” không hợp lệ.",
            f"{LIB}/language/vi.json không phải JSON hợp lệ (dòng 1, cột 2).",
        ]
    )


def test_missing_h5p_json():
    assert_refused(zip_bytes(with_changes(**{"h5p.json": None})), "h5p.json")


def test_missing_content_json():
    assert_refused(
        zip_bytes(
            with_changes(content__content_json=None)
            if False
            else {
                k: v for k, v in good_members().items() if k != "content/content.json"
            }
        ),
        "content/content.json",
    )


def test_bad_json():
    assert_refused(zip_bytes(with_changes(**{"h5p.json": b"{not json"})), "JSON hợp lệ")


def test_bad_content_json():
    members = good_members()
    members["content/content.json"] = b"[1, 2"
    assert_refused(zip_bytes(members), "JSON hợp lệ")


@pytest.mark.parametrize(
    "key", ["title", "language", "mainLibrary", "embedTypes", "preloadedDependencies"]
)
def test_h5p_json_required_fields(key):
    members = good_members()
    data = json.loads(members["h5p.json"])
    del data[key]
    members["h5p.json"] = json.dumps(data).encode()
    assert_refused(zip_bytes(members), key)


def test_bad_library_json():
    members = good_members()
    data = json.loads(members[f"{LIB}/library.json"])
    del data["machineName"]
    members[f"{LIB}/library.json"] = json.dumps(data).encode()
    assert_refused(zip_bytes(members), "machineName")


def test_library_folder_name_mismatch():
    members = {
        (k.replace(LIB, "H5P.ElearningTrueFalse-1.1") if k.startswith(LIB) else k): v
        for k, v in good_members().items()
    }
    assert_refused(zip_bytes(members), "không khớp")


def test_preloaded_js_missing():
    members = good_members()
    del members[f"{LIB}/scripts/true-false.js"]
    assert_refused(zip_bytes(members), "scripts/true-false.js")


def test_missing_dependency():
    members = good_members()
    data = json.loads(members[f"{LIB}/library.json"])
    data["preloadedDependencies"] = [
        {"machineName": "H5P.JoubelUI", "majorVersion": 1, "minorVersion": 3}
    ]
    members[f"{LIB}/library.json"] = json.dumps(data).encode()
    assert_refused(zip_bytes(members), "H5P.JoubelUI 1.3")


def test_export_without_libraries_says_how_to_export():
    members = {k: v for k, v in good_members().items() if not k.startswith(LIB)}
    messages = assert_refused(zip_bytes(members), "Gói thiếu thư viện")
    assert any("kèm thư viện" in m for m in messages)


def test_dependency_already_installed_is_enough():
    import_bytes(zip_bytes(good_members()))
    members = {k: v for k, v in good_members().items() if not k.startswith(LIB)}
    version = import_bytes(zip_bytes(members)).version
    assert version.main_library.folder == LIB


def test_same_version_different_bytes_uses_the_installed_library():
    """A library is machineName major.minor: the same patch with other bytes
    is ignored and the installed code is used (it used to be refused)."""
    first = import_bytes(zip_bytes(good_members())).version.main_library
    members = good_members()
    members[f"{LIB}/scripts/true-false.js"] += b"\n// changed\n"
    result = import_bytes(zip_bytes(members))
    assert result.new_libraries == [] and result.new_upgrades == []
    library = H5PLibrary.objects.get()
    assert (library.sha256, library.storage_prefix) == (
        first.sha256,
        first.storage_prefix,
    )
    assert result.version.main_library == library
    assert H5PContentVersion.objects.count() == 2


def test_unapproved_library_is_pending_and_not_playable(learner):
    from courses.h5p.selectors import playable_version

    version = import_bytes(zip_bytes(good_members())).version
    assert version.main_library.status == H5PLibrary.Status.PENDING
    assert playable_version(version.content) is None


def test_blocked_library_is_refused(province_admin):
    from courses.h5p.services import library_set_status

    version = import_bytes(zip_bytes(good_members())).version
    library_set_status(
        library=version.main_library,
        status=H5PLibrary.Status.BLOCKED,
        user=province_admin,
    )
    with pytest.raises(PackageError) as error:
        import_bytes(zip_bytes(good_members()))
    assert any("bị chặn" in m for m in error.value.messages)


def test_only_province_admin_approves(trainer, province_admin):
    from django.core.exceptions import PermissionDenied

    from courses.h5p.services import library_set_status

    library = import_bytes(zip_bytes(good_members())).version.main_library
    with pytest.raises(PermissionDenied):
        library_set_status(
            library=library, status=H5PLibrary.Status.APPROVED, user=trainer
        )
    with pytest.raises(PermissionDenied):
        import_bytes(zip_bytes(good_members()), user=trainer, approve_libraries=True)
    library = library_set_status(
        library=library, status=H5PLibrary.Status.APPROVED, user=province_admin
    )
    assert library.approved_by == province_admin
    assert library.approved_at is not None


def test_lying_header_is_caught():
    """A member whose declared size is smaller than its real bytes."""
    data = bytearray(zip_bytes(good_members(), compression=zipfile.ZIP_STORED))
    # Real bytes are counted while reading; zipfile itself refuses a member
    # that does not match its header, and either way nothing is written.
    target = b'"questions"'
    index = data.find(target)
    data[index : index + 1] = b"'"
    with pytest.raises(PackageError) as error:
        import_bytes(bytes(data))
    assert error.value.messages == ["Tệp content/content.json trong gói bị hỏng."]
    assert private_files() == []


def test_svg_is_sanitised_on_import():
    evil = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.cookie)</script>"
        b'<a href="javascript:alert(2)"><circle r="4"/></a></svg>'
    )
    members = good_members()
    members["content/images/logo.svg"] = evil
    members[f"{LIB}/icon.svg"] = evil
    version = import_bytes(zip_bytes(members)).version
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for path in (
        root / version.storage_prefix / "content" / "images" / "logo.svg",
        root / version.main_library.storage_prefix / "icon.svg",
    ):
        stored = path.read_bytes()
        assert b"<circle" in stored
        assert b"script" not in stored
        assert b"alert" not in stored


def test_unreadable_svg_is_refused():
    members = good_members()
    members["content/images/logo.svg"] = b"<svg><unclosed></svg>"
    assert_refused(zip_bytes(members), "Tệp SVG content/images/logo.svg không đọc được")
