"""Security headers on every kind of page (elearning/csp.py, docs/security.md).

The platform's pages get the strict policy (scripts from our origin or with
the request's nonce, no inline styles, no framing); the Wagtail admin gets
its own looser one; the H5P content origin sets its own and may be framed
by the platform only. The templates themselves are checked for what the
strict policy would block.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from courses.h5p.middleware import content_host
from elearning.csp import is_admin_path
from tests.factories import reauthenticate

from .test_access_matrix import learning_records

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in parsed, f"{name} twice in {header}"
        parsed[name] = values
    return parsed


def nonce_of(policy: dict) -> str:
    (nonce,) = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    return nonce[len("'nonce-") : -1]


def assert_strict(response, *, nonce_in_page: bool = True) -> dict:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    script = policy["script-src"]
    assert script[0] == "'self'"
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-src"] == ["'self'", settings.H5P_CONTENT_ORIGIN]
    assert "unsafe" not in response["Content-Security-Policy"]
    if nonce_in_page:
        nonce = nonce_of(policy)
        assert len(nonce) >= 22  # 128 bits, base64
        html = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts, "an HTML page with no script at all?"
        for tag in scripts:
            if 'type="application/json"' in tag:
                continue  # data, never executed
            assert f'nonce="{nonce}"' in tag, tag
        assert not re.search(r"<[^>]+\sstyle=", html), "inline style attribute"
        assert not re.search(r"<[^>]+\son[a-z]+=", html), "inline event handler"
    return policy


def assert_common(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def records(units, learner, officer, trainer):
    cache.clear()
    return learning_records(units, learner, officer, trainer)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_home_and_login(client):
    for url in ("/", reverse("account_login"), reverse("people:privacy_notice")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        assert_common(response)
        assert response["X-Frame-Options"] == "DENY"


def test_every_response_gets_a_fresh_nonce(client):
    first = nonce_of(directives(client.get("/")))
    second = nonce_of(directives(client.get("/")))
    assert first != second


def test_each_kind_of_page(records, learner, officer, client):
    """Learner, officer, public, JSON and download responses: strict policy;
    the reports dashboard loads Chart.js from a file and its data as JSON;
    the H5P content origin may be framed by the platform only."""
    learner_client, officer_client = signed_in(learner), signed_in(officer)
    # "My data" is an export of personal data: asks for a recent re-authentication.
    reauthenticate(learner_client)
    pages = [
        # learner
        (learner_client, records["course"].url),
        (learner_client, records["lesson"].url),
        (
            learner_client,
            reverse("quizzes:attempt", kwargs={"attempt_id": records["attempt"].pk}),
        ),
        (learner_client, reverse("courses:my_courses")),
        (learner_client, reverse("certificates:list")),
        # officer
        (officer_client, reverse("courses:officer_enrolments")),
        (
            officer_client,
            reverse(
                "courses:import_job", kwargs={"token": records["import_job"].token}
            ),
        ),
        (officer_client, reverse("certificates:register")),
        (officer_client, reverse("reports:dashboard")),
        # public
        (client, reverse("certificates:verify")),
        (
            client,
            reverse(
                "certificates:verify_token",
                kwargs={"token": records["certificate"].token},
            ),
        ),
    ]
    for who, url in pages:
        response = who.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        assert_common(response)

    dashboard = officer_client.get(reverse("reports:dashboard")).content.decode()
    assert "vendor/chart.js/chart.umd.min.js" in dashboard
    assert 'type="application/json"' in dashboard  # chart data, not script

    job = officer_client.get(
        reverse(
            "courses:import_job_status", kwargs={"token": records["import_job"].token}
        )
    )
    assert job.status_code == 200
    assert job["Content-Type"].startswith("application/json")
    assert_strict(job, nonce_in_page=False)
    assert_common(job)

    downloads = [
        reverse("certificates:download", kwargs={"pk": records["certificate"].pk}),
        reverse("people:my_data_download"),
    ]
    for url in downloads:
        response = learner_client.get(url)
        assert response.status_code == 200, url
        assert "attachment" in response["Content-Disposition"], url
        assert_strict(response, nonce_in_page=False)
        assert_common(response)

    embed = Client().get(
        reverse("h5p:embed", kwargs={"token": records["h5p_token"]}),
        HTTP_HOST=content_host(),
    )
    assert embed.status_code == 200
    policy = directives(embed)
    assert policy["frame-ancestors"] == [settings.SITE_URL]
    assert policy["object-src"] == ["'none'"]
    assert "X-Frame-Options" not in embed
    assert embed["X-Content-Type-Options"] == "nosniff"


def test_wagtail_admin_gets_the_admin_policy(province_admin):
    client = signed_in(province_admin)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    # No nonce: it would make browsers ignore 'unsafe-inline'.
    assert not any(v.startswith("'nonce-") for v in policy["script-src"])
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert_common(response)
    assert is_admin_path("/admin/pages/") and not is_admin_path("/administrator/")


def test_a_view_decorator_still_wins(rf):
    from csp.decorators import csp_replace
    from django.http import HttpResponse

    from elearning.csp import CSPMiddleware

    @csp_replace({"frame-ancestors": ["'self'"]})
    def view(request):
        return HttpResponse("x")

    request = rf.get("/")
    middleware = CSPMiddleware(view)
    response = middleware(request)
    policy = directives(response)
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"


def test_frame_src_follows_the_h5p_origin_and_embed_settings(client, settings):
    settings.H5P_CONTENT_ORIGIN = "https://h5p.example.gov.vn"
    settings.CSP_EMBED_ORIGINS = ["https://video.example.vn"]
    policy = directives(client.get("/"))
    for origin in ("https://h5p.example.gov.vn", "https://video.example.vn"):
        assert origin in policy["frame-src"] and origin in policy["child-src"]
    settings.CSP_EMBED_ORIGINS = []
    settings.H5P_CONTENT_ORIGIN = settings.SITE_URL  # no separate origin
    assert directives(client.get("/"))["frame-src"] == ["'self'"]


def test_production_settings_keep_hsts_and_secure_cookies():
    import importlib
    import os
    from unittest import mock

    env = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "elearning.example.gov.vn"}
    with mock.patch.dict(os.environ, env):
        production = importlib.import_module("elearning.settings.production")
        production = importlib.reload(production)
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert production.SECURE_REFERRER_POLICY == "same-origin"
    assert production.SECURE_CROSS_ORIGIN_OPENER_POLICY == "same-origin"
    assert production.X_FRAME_OPTIONS == "DENY"
    assert "elearning.csp.CSPMiddleware" in production.MIDDLEWARE


# --- the templates themselves ---------------------------------------------
# Printed documents (WeasyPrint) and e-mails never reach a browser under the
# policy; every other template must not need 'unsafe-inline'.
OFF_BROWSER = ("pdf", "email", "sign_in_sheet.html", "h5p/embed.html")


def browser_templates():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT / "templates").as_posix()
        if not any(part in rel for part in OFF_BROWSER):
            yield rel, path.read_text(encoding="utf-8")


def test_templates_need_no_unsafe_inline():
    wrong = []
    for rel, text in browser_templates():
        if re.search(r"<[a-zA-Z][^>]*\sstyle\s*=", text):
            wrong.append(f"{rel}: style attribute")
        if re.search(r"<style\b", text):
            wrong.append(f"{rel}: <style> element")
        if re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            wrong.append(f"{rel}: inline event handler")
        if "javascript:" in text:
            wrong.append(f"{rel}: javascript: URL")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if 'type="application/json"' in tag:
                continue
            if "src=" not in tag or 'nonce="{{ request.csp_nonce }}"' not in tag:
                wrong.append(f"{rel}: {tag}")
    assert not wrong, "\n".join(wrong)


def test_the_template_check_catches_a_bad_template(tmp_path, monkeypatch):
    bad = tmp_path / "templates" / "pages"
    bad.mkdir(parents=True)
    (bad / "bad.html").write_text(
        '<div style="width: 5%" onclick="x()"></div><script>alert(1)</script>',
        encoding="utf-8",
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    with pytest.raises(AssertionError) as caught:
        test_templates_need_no_unsafe_inline()
    message = str(caught.value)
    assert "style attribute" in message and "inline event handler" in message
    assert "<script>" in message


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_policy_built_once_is_django_csps_own(client, path, settings):
    """The header written from the per-process copy is, nonce for nonce, the
    one django-csp builds for the same directives; a changed setting is seen."""
    from csp.utils import build_policy

    from elearning.csp import admin_directives, strict_directives

    response = client.get(path)
    header = response["Content-Security-Policy"]
    config = admin_directives() if is_admin_path(path) else strict_directives()
    nonce = nonce_of(directives(response)) if "'nonce-" in header else None
    assert header == build_policy(config=config, nonce=nonce)

    settings.CSP_EMBED_ORIGINS = ["https://video.example.vn"]
    response = client.get(path)
    assert "https://video.example.vn" in directives(response)["frame-src"]


def test_a_views_own_policy_still_wins(rf):
    """A response a decorator gave its own policy takes django-csp's path."""
    from django.http import HttpResponse

    from elearning.csp import CSPMiddleware

    request = rf.get("/")
    response = HttpResponse("x")
    response._csp_replace = {"img-src": ["https://anh.example.vn"]}
    middleware = CSPMiddleware(lambda r: response)
    middleware.process_request(request)
    result = middleware.process_response(request, response)
    assert "img-src https://anh.example.vn" in result["Content-Security-Policy"]
