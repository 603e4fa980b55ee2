import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.core import mail
from django.db import DatabaseError, transaction
from django.utils import formats, translation

from elearning.services import email_send

ROOT = Path(__file__).resolve().parent.parent


def _django_setup(settings_module: str, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": settings_module, "DJANGO_READ_DOT_ENV": "0", **env}
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_fail_closed_without_secret():
    result = _django_setup(
        "elearning.settings.production", ALLOWED_HOSTS="example.gov.vn"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_fail_closed_without_allowed_hosts():
    result = _django_setup("elearning.settings.production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_base_settings_keep_debug_off_unless_asked():
    result = _django_setup("elearning.settings.base", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_parsed_day_first(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("05/12/1988") == datetime.date(1988, 12, 5)
        with pytest.raises(forms.ValidationError):
            field.clean("31/02/1990")


def test_vietnamese_number_and_date_formats():
    with translation.override("vi"):
        assert (
            formats.date_format(datetime.date(2026, 12, 5), "SHORT_DATE_FORMAT")
            == "05/12/2026"
        )
        assert (
            formats.number_format(Decimal("10000.5"), 1, force_grouping=True)
            == "10.000,5"
        )
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True}}


@pytest.mark.django_db
def test_healthz_reports_dead_database_as_503(client, monkeypatch):
    from django.db.backends.base import base

    def broken_cursor(self, *args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(base.BaseDatabaseWrapper, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False


@pytest.mark.django_db
def test_healthz_reports_dead_broker_as_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "broker": False}


@pytest.mark.django_db
def test_task_dispatched_in_rolled_back_transaction_never_runs(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_send(to=["a@example.vn"], subject="Không gửi", body="…")
        raise RuntimeError("rollback")
    assert callbacks == []
    assert mail.outbox == []

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        email_send(to=["a@example.vn"], subject="Gửi", body="Nội dung")
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Gửi"]


@pytest.mark.django_db
def test_home_page_is_vietnamese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Hệ thống học trực tuyến" in html


@pytest.mark.django_db
def test_home_page_switches_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_home_page_leads_a_signed_in_learner_to_their_courses(client, learner):
    """Signed out, the home page offers "Đăng nhập để học"; signed in, it
    offered nothing to click in place of it."""
    client.force_login(learner)
    html = client.get("/").content.decode()
    hero = html[html.index('class="p-4 p-md-5') : html.index("</section>")]
    assert 'href="/khoa-hoc-cua-toi/"' in hero
    assert "Đăng nhập để học" not in hero


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/login/?next=/admin/pages/"])
def test_admin_signs_in_through_allauth(client, path):
    response = client.get(path, follow=True)
    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith("/accounts/login/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()


@pytest.mark.django_db
def test_email_is_case_insensitive_identity(django_user_model):
    user = django_user_model.objects.create_user("An.NV@XuanLoc.DongNai.gov.vn", "pw")
    assert user.email == "an.nv@xuanloc.dongnai.gov.vn"
    assert (
        django_user_model.objects.get_by_natural_key("AN.NV@xuanloc.dongnai.gov.vn")
        == user
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_keeps_a_frequent_query_prepared_on_its_connection():
    """Server-side binding: the same query with other parameters is one
    statement, prepared by PostgreSQL once it has run five times
    (elearning/settings/base.py)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    User = get_user_model()

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for pk in range(1, 8):
        User.objects.filter(pk=pk).first()
    statements = [s for s in prepared() if '"people_user"' in s]
    assert len(statements) == 1
    # The parameter travels apart from the text ($1), not quoted into it.
    assert '"people_user"."id" = $1' in statements[0]


@pytest.mark.parametrize(
    ("value", "text"),
    [("92.00", "92"), ("85.50", "85,5"), ("7E+1", "70"), ("0.50", "0,5"), ("0", "0")],
)
def test_a_decimal_is_written_as_vietnamese_documents_write_it(value, text):
    from elearning.numbers import decimal_text

    assert decimal_text(Decimal(value)) == text
