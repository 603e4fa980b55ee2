"""Libraries as H5P manages them: machineName major.minor, a higher patch is
an upgrade a province admin approves or blocks; every decision is logged."""

from __future__ import annotations

import json

import pytest
from wagtail.models import ModelLogEntry

from courses.h5p.models import H5PLibrary, H5PLibraryUpgrade
from courses.h5p.selectors import playable_version
from courses.h5p.services import (
    UpgradeRefused,
    library_set_status,
    library_upgrade_decide,
)
from courses.h5p.tokens import token_make

from .conftest import CONTENT_HOST
from .helpers import good_members, import_bytes, zip_bytes

pytestmark = pytest.mark.django_db

LIB = "H5P.ElearningTrueFalse-1.0"
SCRIPT = f"{LIB}/scripts/true-false.js"


def package(patch: int, marker: str = "", **extra) -> bytes:
    members = good_members()
    data = json.loads(members[f"{LIB}/library.json"])
    data["patchVersion"] = patch
    data.update(extra)
    members[f"{LIB}/library.json"] = json.dumps(data).encode()
    members[SCRIPT] += f"\n// {marker or f'patch {patch}'}\n".encode()
    return zip_bytes(members)


def served_script(client, version, learner) -> bytes:
    from courses.h5p.services import attempt_start

    token = token_make(attempt=attempt_start(learner=learner, version=version))
    response = client.get(
        f"/h5p-embed/{token}/libraries/{LIB}/scripts/true-false.js",
        HTTP_HOST=CONTENT_HOST,
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def actions(library) -> list[str]:
    return list(
        ModelLogEntry.objects.for_instance(library)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def test_higher_patch_waits_for_approval_then_every_content_uses_it(
    client, learner, trainer, province_admin
):
    old = import_bytes(package(2), approve_libraries=True).version
    result = import_bytes(package(5), user=trainer)
    new = result.version
    [upgrade] = result.new_upgrades
    assert upgrade.status == H5PLibraryUpgrade.Status.PENDING
    assert upgrade.patch == 5 and upgrade.uploaded_by == trainer
    library = H5PLibrary.objects.get()
    assert library.patch == 2 and library.status == H5PLibrary.Status.APPROVED
    # The pending upgrade blocks nothing: both contents play the approved code.
    assert playable_version(new.content) == new
    assert b"// patch 2" in served_script(client, new, learner)

    library_upgrade_decide(upgrade=upgrade, approve=True, user=province_admin)
    library.refresh_from_db()
    assert library.patch == 5
    assert library.library_json["patchVersion"] == 5
    for version in (old, new):
        assert b"// patch 5" in served_script(client, version, learner)
    assert actions(library) == [
        "h5p.library_approve",
        "h5p.upgrade_received",
        "h5p.upgrade_approve",
    ]
    entry = ModelLogEntry.objects.for_instance(library).get(
        action="h5p.upgrade_approve"
    )
    assert entry.user == province_admin
    assert entry.data == {"patch": 5, "previous_patch": 2}


def test_equal_or_lower_patch_is_ignored(trainer):
    import_bytes(package(4), approve_libraries=True)
    for patch in (4, 3, 0):
        result = import_bytes(package(patch, marker=f"other {patch}"), user=trainer)
        assert result.new_upgrades == [] and result.new_libraries == []
    library = H5PLibrary.objects.get()
    assert library.patch == 4
    assert not H5PLibraryUpgrade.objects.exists()


def test_blocked_upgrade_keeps_the_code_and_is_not_offered_again(
    client, learner, trainer, province_admin
):
    import_bytes(package(1), approve_libraries=True)
    [upgrade] = import_bytes(package(2), user=trainer).new_upgrades
    library_upgrade_decide(upgrade=upgrade, approve=False, user=province_admin)
    upgrade.refresh_from_db()
    assert upgrade.status == H5PLibraryUpgrade.Status.BLOCKED
    # The same patch again: ignored, accepted, plays patch 1.
    again = import_bytes(package(2), user=trainer)
    assert again.new_upgrades == []
    assert b"// patch 1" in served_script(client, again.version, learner)
    # A newer one is a new pending upgrade.
    [newer] = import_bytes(package(3), user=trainer).new_upgrades
    assert newer.patch == 3 and newer.status == H5PLibraryUpgrade.Status.PENDING
    library = H5PLibrary.objects.get()
    assert "h5p.upgrade_block" in actions(library)
    with pytest.raises(UpgradeRefused):
        library_upgrade_decide(upgrade=upgrade, approve=True, user=province_admin)


def test_approving_a_patch_supersedes_older_pending_ones(trainer, province_admin):
    import_bytes(package(1), approve_libraries=True)
    [two] = import_bytes(package(2), user=trainer).new_upgrades
    [three] = import_bytes(package(3), user=trainer).new_upgrades
    library_upgrade_decide(upgrade=three, approve=True, user=province_admin)
    two.refresh_from_db()
    assert two.status == H5PLibraryUpgrade.Status.SUPERSEDED
    assert H5PLibrary.objects.get().patch == 3


def test_a_library_never_approved_takes_the_higher_patch_at_once(trainer):
    import_bytes(package(1), user=trainer)
    result = import_bytes(package(2), user=trainer)
    assert result.new_upgrades == []
    library = H5PLibrary.objects.get()
    assert library.patch == 2 and library.status == H5PLibrary.Status.PENDING


def test_upgrade_needing_an_unapproved_library_waits(trainer, province_admin):
    import_bytes(package(1), approve_libraries=True)
    members = {
        k: v for k, v in zip_bytes_members(package(2)).items() if not k.endswith("/")
    }
    data = json.loads(members[f"{LIB}/library.json"])
    data["preloadedDependencies"] = [
        {"machineName": "H5P.Helper", "majorVersion": "1", "minorVersion": "0"}
    ]
    members[f"{LIB}/library.json"] = json.dumps(data).encode()
    members["H5P.Helper-1.0/library.json"] = json.dumps(
        {
            "title": "Helper",
            "machineName": "H5P.Helper",
            "majorVersion": 1,
            "minorVersion": 0,
            "patchVersion": 0,
            "runnable": 0,
        }
    ).encode()
    result = import_bytes(zip_bytes(members), user=trainer)
    [upgrade] = result.new_upgrades
    [helper] = result.new_libraries
    assert helper.status == H5PLibrary.Status.PENDING
    with pytest.raises(UpgradeRefused) as refused:
        library_upgrade_decide(upgrade=upgrade, approve=True, user=province_admin)
    assert "H5P.Helper 1.0" in refused.value.message
    library_set_status(
        library=helper, status=H5PLibrary.Status.APPROVED, user=province_admin
    )
    library_upgrade_decide(upgrade=upgrade, approve=True, user=province_admin)
    # Every content using the library now also gets the helper.
    for version in H5PLibrary.objects.get(
        machine_name=LIB.split("-")[0]
    ).content_versions.all():
        assert helper in version.libraries.all()


def zip_bytes_members(data: bytes) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_only_province_admins_decide(trainer):
    import_bytes(package(1), approve_libraries=True)
    [upgrade] = import_bytes(package(2), user=trainer).new_upgrades
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        library_upgrade_decide(upgrade=upgrade, approve=True, user=trainer)


@pytest.fixture
def admin_client(client, province_admin):
    province_admin.is_staff = True
    province_admin.save()
    client.force_login(province_admin)
    return client


def test_library_screen_lists_usage_and_pending_upgrades(admin_client, trainer):
    from django.urls import reverse

    import_bytes(package(1, title="Đúng sai"), approve_libraries=True)
    import_bytes(package(7), user=trainer)
    page = admin_client.get(reverse("h5p_libraries:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bản vá chờ duyệt" in html
    assert "1.0.1" in html and "1.0.7" in html
    assert "Bài tập thử" in html  # the content using the library
    assert "Đã duyệt" in html


def test_screen_approves_and_blocks_with_audit_log(
    admin_client, trainer, province_admin
):
    from django.urls import reverse

    import_bytes(package(1), approve_libraries=True)
    [upgrade] = import_bytes(package(2), user=trainer).new_upgrades
    url = reverse("h5p_libraries:upgrade", args=[upgrade.pk])
    response = admin_client.post(url, {"decision": "approve"}, follow=True)
    assert "Đã duyệt bản vá" in response.content.decode()
    library = H5PLibrary.objects.get()
    assert library.patch == 2
    [blocked] = import_bytes(package(3), user=trainer).new_upgrades
    url = reverse("h5p_libraries:upgrade", args=[blocked.pk])
    admin_client.post(url, {"decision": "block"})
    blocked.refresh_from_db()
    assert blocked.status == H5PLibraryUpgrade.Status.BLOCKED
    admin_client.post(
        reverse("h5p_libraries:library", args=[library.pk]), {"decision": "block"}
    )
    library.refresh_from_db()
    assert library.status == H5PLibrary.Status.BLOCKED
    entries = ModelLogEntry.objects.for_instance(library).filter(user=province_admin)
    assert sorted(entries.values_list("action", flat=True)) == [
        "h5p.library_block",
        "h5p.upgrade_approve",
        "h5p.upgrade_block",
    ]
    history = admin_client.get(reverse("h5plibrary:history", args=[library.pk]))
    assert "Đã chặn bản vá thư viện H5P" in history.content.decode()


def test_screen_is_for_province_admins_only(client, trainer):
    from django.urls import reverse

    import_bytes(package(1), approve_libraries=True)
    [upgrade] = import_bytes(package(2), user=trainer).new_upgrades
    trainer.is_staff = True
    trainer.save()
    client.force_login(trainer)
    assert client.get(reverse("h5p_libraries:index")).status_code in (302, 403)
    response = client.post(
        reverse("h5p_libraries:upgrade", args=[upgrade.pk]), {"decision": "approve"}
    )
    assert response.status_code in (302, 403)
    upgrade.refresh_from_db()
    assert upgrade.status == H5PLibraryUpgrade.Status.PENDING


def test_menu_shows_the_library_screen_to_province_admins_only(
    admin_client, client, trainer
):
    from django.test import Client
    from django.urls import reverse

    url = reverse("h5p_libraries:index")
    assert url in admin_client.get(reverse("wagtailadmin_home")).content.decode()
    trainer.is_staff = True
    trainer.save()
    other = Client()
    other.force_login(trainer)
    home = other.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert url not in home.content.decode()
