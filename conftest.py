"""Root fixtures: a private MEDIA_ROOT, users of each role, service gates.

Tests marked ``postgres``, ``celery`` or ``browser`` need a real service.
Where it is missing they skip with the reason, except under CI=true, where a
missing service fails the test.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# A day given as --today=YYYY-MM-DD starts at this time, Vietnam time.
SHIFTED_HOUR = 10
SHIFTED_CLOCK = pytest.StashKey()


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD[THH:MM]",
        help=(
            "move the clock of the whole run to this day (10:00 Vietnam time "
            "unless a time is given); the clock keeps ticking from there"
        ),
    )


def shifted_start(value: str):
    """The aware moment ``--today`` names, in Vietnam time."""
    import datetime
    import zoneinfo

    moment = datetime.datetime.fromisoformat(value)
    if "T" not in value and " " not in value:
        moment = moment.replace(hour=SHIFTED_HOUR)
    return moment.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


def pytest_configure(config):
    value = config.getoption("--today")
    if value:
        import time_machine

        # Started before Django is set up, so every module, fixture and
        # test of the run (each xdist worker configures its own) reads it.
        clock = time_machine.travel(shifted_start(value), tick=True)
        clock.start()
        config.stash[SHIFTED_CLOCK] = clock


def pytest_unconfigure(config):
    clock = config.stash.get(SHIFTED_CLOCK, None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    value = config.getoption("--today")
    if value:
        return f"clock moved to {shifted_start(value).isoformat()} (--today)"
    return None


def missing_service(reason: str) -> None:
    """Skip a test whose service is missing, or fail it under CI=true.
    Every gate calls this, whichever fixture notices the service first."""
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


def _redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), 2
        ):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _service_gates(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            missing_service("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("celery"):
        url = os.environ.get("CELERY_TEST_BROKER_URL", "")
        if not url or not _redis_reachable(url):
            missing_service(
                "needs Redis: set CELERY_TEST_BROKER_URL=redis://127.0.0.1:6379/15"
            )
    if request.node.get_closest_marker("browser") and not (
        shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)
    ):
        missing_service(f"needs Chromium at {CHROMIUM}")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request served in English
    leaves English active in its thread (LocaleMiddleware activates the
    request's language and nothing deactivates it, as every request sets its
    own); code a later test calls outside a request would then speak
    English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_revision_caches():
    """The certificate PDF module keeps templates and issuers by revision id
    for the process's life (revisions never change). A test's rolled-back or
    flushed revisions give their ids to a later test's, so each test starts
    with none kept (every test: browser journeys issue certificates too)."""
    import sys

    pdf = sys.modules.get("certificates.pdf")
    if pdf is not None:
        pdf._TEMPLATES.clear()
        pdf._ISSUERS.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the suite's is per process:
    a cached page, user or rate limit must not outlive its test)."""
    from django.core.cache import cache

    from elearning import pagecache

    cache.clear()
    pagecache.local.clear()


@pytest.fixture
def cache_timeouts(monkeypatch):
    """``cache_timeouts(prefix)``: a list that receives the timeout of every
    key starting with ``prefix`` the cache stores from then on."""
    from django.core.cache import cache

    real_set = cache.set
    watched: list[tuple[str, list]] = []

    def spy(key, value, timeout=None, **kwargs):
        for prefix, timeouts in watched:
            if key.startswith(prefix):
                timeouts.append(timeout)
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)

    def watch(prefix: str) -> list:
        watched.append((prefix, timeouts := []))
        return timeouts

    return watch


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media"), "base_url": None},
        },
    }


# --- People of each role ---------------------------------------------------
# Units come from the real 2018 list: 75 Đồng Nai, 741 Xuân Lộc, 731 Biên Hòa.
# ``units_2025`` loads every unit and succession of the project's files
# (about 60 ms, too slow for every test that needs a unit).


@pytest.fixture
def units(db):
    """The province and its 11 districts of 2018, by code (a UnitMap)."""
    from elearning.people.models import AdministrativeUnit
    from elearning.people.services import units_load
    from tests.factories import UnitMap

    units_load()
    return UnitMap(AdministrativeUnit.objects.all())


@pytest.fixture
def units_2025(db):
    """Every unit of the project's files: the 2018 province and districts,
    their 159 communes, the 95 communes and wards of 01/07/2025, and the
    225 successions. A UnitMap: ``units_2025["26005"]`` is the unit of that
    code in force today (Phường Hố Nai), ``units_2025.on("26005", day)`` the
    one in force on ``day`` (Phường Tân Hòa until 30/06/2025)."""
    from elearning.people.models import AdministrativeUnit
    from elearning.people.services import unit_files_load
    from tests.factories import UnitMap

    unit_files_load()
    return UnitMap(AdministrativeUnit.objects.all())


@pytest.fixture
def before_the_reform(time_machine):
    """The clock on 16/06/2025, while the 2018 districts were in force.

    Since 01/07/2025 new people go to communes and wards only: tests whose
    staff lists put people into Xuân Lộc (741) run on a day when it existed.
    """
    import datetime
    import zoneinfo

    time_machine.move_to(
        datetime.datetime(2025, 6, 16, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    )


@pytest.fixture
def learner(units):
    from tests.factories import make_person

    return make_person(
        role="learner",
        unit=units["741"],
        full_name="Nguyễn Văn An",
        email="an.nv@xuanloc.example.gov.vn",
    )


@pytest.fixture
def other_learner(units):
    """A learner of another district (Biên Hòa)."""
    from tests.factories import make_person

    return make_person(
        role="learner",
        unit=units["731"],
        full_name="Trần Thị Bình",
        email="binh.tt@bienhoa.example.gov.vn",
    )


@pytest.fixture
def officer(units):
    """The district officer of Xuân Lộc (741)."""
    from tests.factories import make_person

    return make_person(
        role="officer",
        unit=units["741"],
        full_name="Lê Hoàng Đức",
        email="duc.lh@xuanloc.example.gov.vn",
    )


@pytest.fixture
def other_officer(units):
    """The district officer of Biên Hòa (731)."""
    from tests.factories import make_person

    return make_person(
        role="officer",
        unit=units["731"],
        full_name="Phạm Minh Châu",
        email="chau.pm@bienhoa.example.gov.vn",
    )


@pytest.fixture
def trainer(units):
    from tests.factories import make_person

    return make_person(
        role="trainer",
        unit=units["75"],
        full_name="Võ Thị Giang",
        email="giang.vt@stttt.example.gov.vn",
    )


@pytest.fixture
def province_admin(units):
    from tests.factories import make_person

    return make_person(
        role="admin",
        unit=units["75"],
        full_name="Hoàng Văn Hải",
        email="hai.hv@stttt.example.gov.vn",
    )


def pytest_collection_modifyitems(items):
    """Transactional tests flush the database when they end, which would take
    the rows made by data migrations (role groups, Wagtail's root page and
    site, workflows) with it. Give each of them a serialized rollback so the
    next one starts from the migrated state."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker is not None
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            item.add_marker(
                pytest.mark.django_db(**marker.kwargs, serialized_rollback=True),
                append=False,
            )


@pytest.fixture(scope="session", autouse=True)
def _restore_into_an_empty_database():
    """Serialized rollback inserts the migrated rows again; make sure it does
    so into an empty database, and that no stale content-type ids survive it.
    Something a live-server test leaves behind (a late request, a flush that
    re-ran post_migrate) would otherwise break the next test's setup."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize(self, data):
        call_command(
            "flush",
            database=self.connection.alias,
            interactive=False,
            inhibit_post_migrate=True,
            verbosity=0,
        )
        try:
            return original(self, data)
        finally:
            ContentType.objects.clear_cache()
            # The restored rows carry explicit ids: move sequences past them.
            from django.apps import apps
            from django.core.management.color import no_style

            statements = self.connection.ops.sequence_reset_sql(
                no_style(), apps.get_models(include_auto_created=True)
            )
            if statements:
                with self.connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)

    BaseDatabaseCreation.deserialize_db_from_string = deserialize
    yield
    BaseDatabaseCreation.deserialize_db_from_string = original
