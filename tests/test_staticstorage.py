"""Static addresses worked out once per process (elearning/staticstorage.py)."""

from __future__ import annotations

import json

import pytest

from elearning.staticstorage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"version": "1.1", "paths": {"css/app.css": "css/app.0a1b2c3d.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_hashed_address_from_the_manifest_kept(storage):
    assert storage.url("css/app.css") == "/static/css/app.0a1b2c3d.css"
    # Kept: the manifest is not read again while the process runs.
    storage.hashed_files["css/app.css"] = "css/app.ffffffff.css"
    assert storage.url("css/app.css") == "/static/css/app.0a1b2c3d.css"
    # ``force`` works it out again.
    assert storage.url("css/app.css", force=True) == "/static/css/app.ffffffff.css"


def test_unknown_name_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError):
            storage.url("css/missing.css")


def test_debug_serves_the_plain_name(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/app.css") == "/static/css/app.css"
