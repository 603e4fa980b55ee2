"""The script-bearing SVG of a real H5P package never runs: not in the
player, not opened directly by its URL on the content origin, not even if
its script had survived the import."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from .test_h5p import role_groups, two_origins  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

PACKAGE = Path(__file__).resolve().parents[1] / "data" / "h5p-real" / "xss-svg.h5p"
SVG = "content/images/xss.svg"


def test_script_in_svg_never_executes(page, two_origins, role_groups, learner):  # noqa: F811
    from django.conf import settings

    from courses.h5p.services import attempt_start
    from courses.h5p.tokens import token_make
    from courses.h5p.views import INERT_CSP
    from tests.h5p.helpers import import_bytes

    _platform, content_origin = two_origins
    data = PACKAGE.read_bytes()
    raw_svg = zipfile.ZipFile(io.BytesIO(data)).read(SVG)
    assert b"<script>alert(" in raw_svg
    version = import_bytes(data, filename="xss-svg.h5p", approve_libraries=True).version
    token = token_make(attempt=attempt_start(learner=learner, version=version))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The check can fail: the same SVG inline in a plain page does alert.
    page.set_content(raw_svg.decode().split("?>", 1)[1])
    page.wait_for_timeout(500)
    assert "XSS Test" in dialogs
    dialogs.clear()

    # In the player (the exercise shows the image).
    page.goto(f"{content_origin}/h5p-embed/{token}/")
    image = page.frame_locator("iframe.h5p-iframe").locator("img[src$='xss.svg']")
    image.wait_for()
    page.wait_for_timeout(500)
    assert dialogs == []

    # Opened directly by its URL: sanitised, and an inert sandboxed document.
    url = f"{content_origin}/h5p-embed/{token}/files/{SVG}"
    response = page.goto(url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["content-security-policy"] == INERT_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert b"script" not in response.body()
    page.wait_for_timeout(300)
    assert dialogs == []

    # Even with the script put back in storage, the browser does not run it.
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / version.storage_prefix / SVG
    stored.write_bytes(raw_svg)
    response = page.goto(url + "?again")  # not from the browser's cache
    assert b"<script>alert(" in response.body()
    page.wait_for_timeout(500)
    assert dialogs == []
