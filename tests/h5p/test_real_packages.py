"""Conformance with H5P itself: real packages (tests/data/h5p-real, see its
SOURCES.md) are accepted the way H5P core accepts them, and the invalid
packages of another H5P server's validator tests (Lumi's
PackageValidator.test.ts) are refused for the reason each was made for."""

from __future__ import annotations

from pathlib import Path

import pytest

from courses.h5p.models import (
    H5PContent,
    H5PContentVersion,
    H5PLibrary,
    H5PLibraryUpgrade,
)
from courses.h5p.selectors import playable_version
from courses.h5p.services import library_set_status, library_upgrade_decide
from courses.h5p.validation import PackageError

from .helpers import import_bytes
from .test_validation import private_files

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "h5p-real"
PACKAGES = sorted(DATA.glob("*.h5p"))
OLDER = DATA / "H5P.DragText-older.h5p"

# Patches per library across the files (see SOURCES.md): H5P.Question 1.4.6
# (older) and 1.4.7, H5P.JoubelUI 1.3.9 (older), 1.3.10 and 1.3.19 (xss-svg),
# H5P.Image 1.1.9 and 1.1.22 (xss-svg), H5P.DragText 1.8.8 (older) and 1.8.13.
ORDERS = {
    # Newer patches first: the older package's lower patches are ignored.
    "alphabetical": (
        PACKAGES,
        {
            "H5P.Image 1.1": (9, [22]),
            "H5P.JoubelUI 1.3": (10, [19]),
        },
    ),
    # The older package first: every newer patch waits as an upgrade.
    "older-first": (
        [OLDER] + [p for p in PACKAGES if p != OLDER],
        {
            "H5P.DragText 1.8": (8, [13]),
            "H5P.Image 1.1": (9, [22]),
            "H5P.JoubelUI 1.3": (9, [19, 10]),
            "H5P.Question 1.4": (6, [7]),
        },
    ),
}


def _key(library: H5PLibrary) -> str:
    return f"{library.machine_name} {library.major}.{library.minor}"


@pytest.mark.parametrize("order", ORDERS, ids=list(ORDERS))
def test_all_real_packages_import_into_one_database(order, trainer, province_admin):
    paths, expected = ORDERS[order]
    assert len(paths) == 16
    for path in paths:
        result = import_bytes(path.read_bytes(), filename=path.name, user=trainer)
        assert result.version.pk, path.name
        # The province admin approves the libraries new to the system after
        # each upload; upgrades of approved libraries wait.
        for library in H5PLibrary.objects.filter(status=H5PLibrary.Status.PENDING):
            library_set_status(
                library=library, status=H5PLibrary.Status.APPROVED, user=province_admin
            )
    assert H5PContentVersion.objects.count() == len(paths)

    pending: dict[str, tuple[int, list[int]]] = {}
    for upgrade in H5PLibraryUpgrade.objects.select_related("library"):
        assert upgrade.status == H5PLibraryUpgrade.Status.PENDING
        current, patches = pending.setdefault(
            _key(upgrade.library), (upgrade.library.patch, [])
        )
        patches.append(upgrade.patch)
    assert pending == expected
    # Pending upgrades block nobody: every content plays on approved code.
    for content in H5PContent.objects.all():
        assert playable_version(content) is not None, content.title

    # The admin approves the newest patch of each: every content uses it.
    for upgrade in H5PLibraryUpgrade.objects.filter(status="pending").order_by(
        "-patch"
    ):
        upgrade.refresh_from_db()
        if upgrade.status == H5PLibraryUpgrade.Status.PENDING:
            library_upgrade_decide(upgrade=upgrade, approve=True, user=province_admin)
    for key, (_current, patches) in expected.items():
        name, version = key.split(" ")
        major, minor = version.split(".")
        library = H5PLibrary.objects.get(machine_name=name, major=major, minor=minor)
        assert library.patch == max(patches)
    assert not H5PLibraryUpgrade.objects.filter(status="pending").exists()
    for content in H5PContent.objects.all():
        assert playable_version(content) is not None, content.title


INVALID = {
    # Lumi: package-validation-failed:invalid-language-file and
    # invalid-schema-library-json-file (title), both reported.
    "2-invalid-libraries.h5p": [
        "Tệp ngôn ngữ không hợp lệ: H5P.GreetingCard-1.0/language/XXX!.json",
        "H5P.GreetingCard2-1.0/library.json: thiếu trường “title”.",
    ],
    # unable-to-parse-package
    "broken-content-json.h5p": [
        "content/content.json không phải JSON hợp lệ (dòng 11, cột 2)."
    ],
    "broken-h5p-json.h5p": ["h5p.json không phải JSON hợp lệ (dòng 16, cột 2)."],
    # unable-to-unzip
    "corrupt_archive.h5p": ["Tệp không phải gói H5P (tệp ZIP) hợp lệ."],
    # invalid-h5p-json-file-2: no mainLibrary
    "invalid-h5p-json-schema.h5p": ["h5p.json: thiếu trường “mainLibrary”."],
    # invalid-language-file-json
    "invalid-language-file-json.h5p": [
        "H5P.GreetingCard-1.0/language/fr.json không phải JSON hợp lệ (dòng 1, cột 3)."
    ],
    # library-directory-name-mismatch: machineName H5P.AnotherLibrary
    "invalid-library-directory-name.h5p": [
        "Thư mục H5P.GreetingCard-1.0 không khớp với library.json "
        "(phải là H5P.AnotherLibrary-1.0)."
    ],
    # invalid-schema-library-json-file: no majorVersion
    "invalid-library-json.h5p": [
        "H5P.GreetingCard-1.0/library.json: thiếu trường “majorVersion”."
    ],
    # invalid-library-name: a folder "library!"
    "malformed-library-directory.h5p": ["Tên thư mục thư viện không hợp lệ: library!"],
    # library-file-missing
    "missing-preloaded-js.h5p": [
        "Thư viện H5P.GreetingCard-1.0 thiếu tệp greetingcard.js khai báo "
        "trong library.json."
    ],
}


def _refused(path: Path) -> list[str]:
    with pytest.raises(PackageError) as error:
        import_bytes(path.read_bytes(), filename=path.name)
    assert H5PContentVersion.objects.count() == 0
    assert H5PLibrary.objects.count() == 0
    assert private_files() == []
    return error.value.messages


@pytest.mark.parametrize("name", INVALID)
def test_invalid_packages_are_refused_for_their_reason(name):
    assert _refused(DATA / "invalid" / name) == INVALID[name]


def test_every_invalid_package_is_covered():
    names = {p.name for p in (DATA / "invalid").glob("*.h5p")}
    assert names == set(INVALID) | {"invalid-core-version.h5p", "valid2.h5p"}


def test_core_api_newer_than_the_player(settings):
    """invalid-core-version.h5p asks for core API 1.19: Lumi's test lowers its
    core to 1.1 to refuse it; our player's core 1.28 runs it."""
    path = DATA / "invalid" / "invalid-core-version.h5p"
    settings.H5P_CORE_API = (1, 1)
    assert _refused(path) == [
        "H5P.GreetingCard-1.0/library.json: thư viện cần H5P core 1.19, trình "
        "phát của hệ thống có H5P core 1.1."
    ]
    settings.H5P_CORE_API = (1, 28)
    assert import_bytes(path.read_bytes(), filename=path.name).version.pk


def test_valid2_is_accepted():
    path = DATA / "invalid" / "valid2.h5p"
    version = import_bytes(path.read_bytes(), filename=path.name).version
    assert version.h5p_json["mainLibrary"] == "H5P.GreetingCard"
