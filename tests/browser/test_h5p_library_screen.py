"""A province admin reviews a pending library upgrade on the library screen
and approves it; the screen passes axe."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from .test_courses_journey import login_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _with_patch(data: bytes, patch: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in source.namelist():
            body = source.read(name)
            if name.endswith("/library.json") and "ElearningTrueFalse" in name:
                library = json.loads(body)
                library["patchVersion"] = patch
                body = json.dumps(library).encode()
            zf.writestr(name, body)
    return out.getvalue()


def test_province_admin_approves_an_upgrade(
    page, live_server, province_admin, trainer, axe_violations
):
    from django.urls import reverse
    from wagtail.models import ModelLogEntry

    from courses.h5p.models import H5PLibrary
    from tests.h5p.helpers import import_bytes, true_false_package

    package = true_false_package("Nhận biết lừa đảo")
    import_bytes(package, approve_libraries=True)
    import_bytes(_with_patch(package, 4), user=trainer)
    province_admin.is_staff = True
    province_admin.save(update_fields=["is_staff"])
    login_as(page.context, province_admin, live_server)
    page.set_default_timeout(60_000)

    page.goto(live_server.url + reverse("h5p_libraries:index"))
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    pending = page.get_by_role("table", name="Bản vá chờ duyệt")
    row = pending.get_by_role("row").filter(has_text="H5P.ElearningTrueFalse 1.0")
    assert "1.0.0" in row.inner_text() and "1.0.4" in row.inner_text()
    installed = page.get_by_role("table", name="Thư viện đã cài")
    assert "Nhận biết lừa đảo" in installed.inner_text()

    row.get_by_role("button", name="Duyệt").click()
    page.get_by_text("Đã duyệt bản vá H5P.ElearningTrueFalse 1.0.4").wait_for()
    assert "Không có bản vá nào chờ duyệt." in page.content()
    library = H5PLibrary.objects.get()
    assert library.patch == 4
    entry = ModelLogEntry.objects.for_instance(library).get(
        action="h5p.upgrade_approve"
    )
    assert entry.user == province_admin
    # The screen after the decision (Wagtail's own flash message aside).
    page.goto(live_server.url + reverse("h5p_libraries:index"))
    page.wait_for_load_state("networkidle")
    assert "1.0.4: Đã duyệt" in installed.inner_text()
    assert axe_violations(page) == []
