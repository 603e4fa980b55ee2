"""The navigation bar and footer rendered once per language and kind of
user (``{% chrome %}``, elearning/templatetags/chrome_tags.py): every page
still shows its own user's name, links, working forms and return address."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from elearning.templatetags import chrome_tags
from tests.factories import make_person

pytestmark = pytest.mark.django_db

MY_COURSES = "/khoa-hoc-cua-toi/"


@pytest.fixture(autouse=True)
def _fresh_chrome():
    chrome_tags._rendered.clear()
    yield
    chrome_tags._rendered.clear()


def _page(client, path=MY_COURSES) -> str:
    response = client.get(path)
    assert response.status_code == 200, response
    return response.content.decode()


def _navbar(html: str) -> str:
    return html[html.index("<header>") : html.index("</header>")]


def _uncached(settings, client, path=MY_COURSES) -> str:
    settings.DEBUG = True  # the tag keeps nothing: a plain include
    try:
        return _page(client, path)
    finally:
        settings.DEBUG = False


def _without_tokens(html: str) -> str:
    """The page without what is new on every request (CSRF token, CSP nonce)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)
    return re.sub(r'nonce="[^"]+"', "NONCE", html)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_same_page_as_a_plain_include(
    client, settings, learner, officer, language, monkeypatch
):
    monkeypatch.setattr("elearning.people.middleware.user_has_totp", lambda user: True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for user in (learner, officer):
        client.force_login(user)
        plain = _uncached(settings, client)
        for _ in range(2):  # built, then read back
            assert _without_tokens(_page(client)) == _without_tokens(plain)
    assert len(chrome_tags._rendered) == 4  # navbar + footer, two kinds of user


def test_each_user_sees_their_own_name_and_links(client, units, officer, monkeypatch):
    monkeypatch.setattr("elearning.people.middleware.user_has_totp", lambda user: True)
    tricky = make_person(
        role="learner",
        unit=units["741"],
        full_name='Trần <b>Thị</b> & "Bình"',
        email="tricky@xuanloc.example.gov.vn",
    )
    plain = make_person(
        role="learner",
        unit=units["741"],
        full_name="Phạm Minh Châu",
        email="chau@xuanloc.example.gov.vn",
    )
    client.force_login(tricky)
    first = _navbar(_page(client))
    assert "Trần &lt;b&gt;Thị&lt;/b&gt; &amp; &quot;Bình&quot;" in first
    assert "<b>Thị</b>" not in first

    client.force_login(plain)
    second = _navbar(_page(client))
    assert "Phạm Minh Châu" in second and "Bình" not in second
    officer_links = reverse("courses:officer_enrolments")
    assert officer_links not in second

    client.force_login(officer)
    third = _navbar(_page(client))
    assert officer_links in third and "Lê Hoàng Đức" in third

    client.logout()
    anonymous = _navbar(_page(client, reverse("certificates:verify")))
    assert officer_links not in anonymous and "Lê Hoàng Đức" not in anonymous
    assert reverse("account_login") in anonymous


def test_language_switch_returns_to_the_page_asked(client, learner):
    client.force_login(learner)
    response = client.get(MY_COURSES, {"a": "1", "b": '"><x>'})
    full_path = response.wsgi_request.get_full_path()
    assert "&" in full_path
    expected = f'name="next" type="hidden" value="{escape(full_path)}"'
    assert expected in response.content.decode()
    other = _page(client, MY_COURSES)
    assert 'name="next" type="hidden" value="/khoa-hoc-cua-toi/"' in other
    response = client.post(
        reverse("set_language"), {"language": "en", "next": MY_COURSES}
    )
    assert response.status_code == 302 and response["Location"] == MY_COURSES


def test_the_forms_carry_a_working_token(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    _page(client)  # the chrome is kept
    html = _page(client)
    action = re.escape(reverse("account_logout"))
    logout = re.search(
        rf'action="{action}".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    )
    assert logout
    refused = client.post(reverse("account_logout"))
    assert refused.status_code == 403
    response = client.post(
        reverse("account_logout"), {"csrfmiddlewaretoken": logout.group(1)}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_language_is_offered_under_its_own_name(client, settings, language):
    """A reader who does not know the page's language still finds theirs."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = _page(client, "/accounts/login/")
    options = dict(
        re.findall(r'<option value="(\w+)"[^>]*lang="\w+">([^<]+)</option>', html)
    )
    assert options == {"vi": "Tiếng Việt", "en": "English"}


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("vi", "Biểu mẫu đã hết hạn", "tải lại trang rồi gửi lại"),
        ("en", "The form has expired", "reload it and send it again"),
    ],
)
def test_a_refused_form_gets_the_sites_own_page(
    learner, settings, language, heading, advice
):
    """A form sent with a stale token: the site's layout, in the reader's
    language, nothing saved, and a way back to the page it came from."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _page(client)  # sets the CSRF cookie
    response = client.post(
        reverse("account_logout"),
        {"csrfmiddlewaretoken": "x" * 64},
        HTTP_REFERER=f"http://testserver{MY_COURSES}",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<h1 class="h3">{heading}</h1>' in html
    assert advice in html
    assert f'href="http://testserver{MY_COURSES}"' in html
    assert 'class="navbar' in html  # the site's own layout
    assert "_auth_user_id" in client.session  # the sign-out did not happen


def test_a_refused_form_never_links_to_another_site(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(
        reverse("account_logout"), HTTP_REFERER="https://elsewhere.example/x"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "elsewhere.example" not in html
    # No CSRF cookie at all: the browser blocks cookies.
    assert "Trình duyệt đang chặn cookie của trang này" in html
