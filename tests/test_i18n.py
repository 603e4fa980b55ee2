"""Vietnamese first, English second: allauth's pages and emails come from the
project's catalogue (allauth ships no Vietnamese), project msgids are
Vietnamese and the English catalogue translates them."""

from __future__ import annotations

import ast
import gettext as gettext_module
import importlib.util
import re
import sys
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from django.utils.translation.template import templatize

from tests.factories import DEFAULT_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"

_spec = importlib.util.spec_from_file_location(
    "locale_tool", ROOT / "scripts" / "locale_tool.py"
)
locale_tool = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("locale_tool", locale_tool)
_spec.loader.exec_module(locale_tool)


def _catalogue(lang: str) -> dict:
    path = LOCALE / lang / "LC_MESSAGES" / "django.po"
    return {e.key: e for e in locale_tool.read_po(path) if not e.obsolete}


# --- templatize output: gettext(u'...'), pgettext(u'ctx', u'...'), ... ------
_STR = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_CALL = re.compile(rf"\b(gettext|pgettext|ngettext|npgettext)\(({_STR}(?:, ?{_STR})*)")


def _template_msgids(*apps: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every translatable string in allauth's templates."""
    keys = set()
    for app in apps:
        for path in (ALLAUTH_TEMPLATES / app).rglob("*"):
            if path.suffix not in (".html", ".txt") or "webauthn" in path.parts:
                continue
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            for func, args in _CALL.findall(code):
                values = ast.literal_eval(f"({args},)")
                if func in ("pgettext", "npgettext"):
                    keys.add((values[0], values[1]))
                else:
                    keys.add((None, values[0]))
    return keys


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}", text))


# --- The catalogues themselves ---------------------------------------------


def test_every_allauth_template_string_has_a_vietnamese_translation():
    msgids = _template_msgids("account", "mfa", "usersessions", "allauth")
    assert len(msgids) > 150  # the extraction found allauth's strings
    vi = _catalogue("vi")
    missing = sorted(m for c, m in msgids if (c, m) not in vi)
    untranslated = sorted(
        m for c, m in msgids if (c, m) in vi and not vi[(c, m)].translated
    )
    assert missing == []
    assert untranslated == []


def test_every_allauth_python_string_we_use_is_translated():
    """Form labels, errors and messages raised from allauth's Python code."""
    vi = _catalogue("vi")
    wanted = locale_tool.allauth_entries()
    assert len(wanted) > 250
    assert [e.msgid for e in wanted if not vi.get(e.key, e).translated] == []


def test_translations_keep_every_placeholder():
    """Vietnamese has one plural form: its msgstr[0] follows the plural msgid
    ("There are %(counter)s matching pages"), whose placeholders the singular
    msgid ("There is one matching page") may lack."""
    for lang in ("vi", "en"):
        for entry in _catalogue(lang).values():
            allowed = [_placeholders(entry.msgid)]
            if entry.msgid_plural is not None:
                allowed.append(_placeholders(entry.msgid_plural))
            for text in entry.msgstr.values():
                if text:
                    assert _placeholders(text) in allowed, (lang, entry.msgid)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_compiled_catalogue_matches_the_po_file(lang):
    """The committed .mo is what runs; it must not lag behind the .po."""
    mo = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        compiled = gettext_module.GNUTranslations(handle)
    for entry in _catalogue(lang).values():
        if not entry.translated or entry.msgid_plural:
            continue
        if entry.msgctxt is None:
            assert compiled.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
        else:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr[0]


def test_vendor_msgid_module_matches_the_installed_packages():
    """After an allauth or Django upgrade: run `make messages` (docs/i18n.md)."""
    expected = locale_tool.render_generated()
    assert locale_tool.GENERATED.read_text(encoding="utf-8") == expected


def test_project_catalogue_wins_over_djangos():
    """Django's vi says "Nhập địa chỉ email." for an invalid address, and its
    "too short" msgid is stale; LOCALE_PATHS puts ours first."""
    with translation.override("vi"):
        assert translation.gettext("Enter a valid email address.") == (
            "Nhập địa chỉ email hợp lệ."
        )
        too_short = translation.ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            10,
        )
        assert too_short == "Mật khẩu quá ngắn: cần có ít nhất %d ký tự."


def test_glossary_terms_in_the_vietnamese_catalogue():
    with translation.override("vi"):
        assert translation.gettext("Sign In") == "Đăng nhập"
        assert translation.gettext("Sign Out") == "Đăng xuất"
        assert translation.gettext("Password") == "Mật khẩu"
        assert translation.gettext("Two-Factor Authentication") == (
            "Xác thực hai yếu tố"
        )
        assert translation.gettext("Authenticator code") == "Mã xác thực"
        assert translation.gettext("Recovery Codes") == "Mã khôi phục"
        assert translation.pgettext("field label", "Login") == "Tên đăng nhập"


def test_english_catalogue_translates_project_msgids():
    with translation.override("en"):
        assert translation.gettext("Bỏ qua, đến nội dung chính") == (
            "Skip to main content"
        )
        assert translation.gettext("Đăng nhập") == "Sign in"
        # allauth's own msgids fall through to English.
        assert translation.gettext("Forgot your password?") == ("Forgot your password?")


# --- Pages and emails -------------------------------------------------------


@pytest.fixture
def verified_learner(learner):
    EmailAddress.objects.create(
        user=learner, email=learner.email, verified=True, primary=True
    )
    return learner


def _sign_in(client, user):
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _reauthenticate(client):
    """allauth asks for the password again before MFA changes."""
    page = client.get("/accounts/reauthenticate/").content.decode()
    assert "Xác nhận quyền truy cập" in page
    assert "Để bảo vệ tài khoản, vui lòng xác thực lại." in page
    response = client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_login_page_in_vietnamese(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi">' in html
    assert '<label class="form-label" for="id_password">Mật khẩu</label>' in html
    assert "Quên mật khẩu?" in html
    assert "Ghi nhớ đăng nhập" in html
    assert ">\n                    Đăng nhập\n" in html or "Đăng nhập</button>" in html
    for english in ("Sign In", "Forgot your password?", "Remember Me", "Password"):
        assert english not in html


@pytest.mark.django_db
def test_login_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert '<label class="form-label" for="id_password">Password</label>' in html
    assert "Forgot your password?" in html
    assert "Skip to main content" in html
    assert "Mật khẩu" not in html


@pytest.mark.django_db
def test_failed_login_error_is_vietnamese_and_announced(client, verified_learner):
    response = client.post(
        "/accounts/login/", {"login": verified_learner.email, "password": "sai"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Địa chỉ email hoặc mật khẩu không đúng." in html


@pytest.mark.django_db
def test_signup_errors_are_labelled_per_field(client, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["xuanloc.example.gov.vn"]
    response = client.post(
        "/accounts/signup/",
        {"email": "khong-hop-le", "password1": "a", "password2": "b"},
    )
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert "Nhập địa chỉ email hợp lệ." in html
    assert "Mật khẩu quá ngắn: cần có ít nhất 10 ký tự." in html


@pytest.mark.django_db
def test_password_reset_email_in_vietnamese(client, verified_learner):
    response = client.post(
        "/accounts/password/reset/", {"email": verified_learner.email}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Hệ thống học trực tuyến] Đặt lại mật khẩu"
    assert "Xin chào! Đây là thư từ Hệ thống học trực tuyến." in message.body
    assert "yêu cầu đặt lại mật khẩu cho tài khoản của bạn" in message.body
    assert "/accounts/password/reset/key/" in message.body
    assert "Cảm ơn bạn đã sử dụng Hệ thống học trực tuyến." in message.body
    assert "password reset" not in message.body.lower()

    done = client.get(response["Location"]).content.decode()
    assert "kiểm tra thư mục thư rác" in done


@pytest.mark.django_db
def test_password_reset_email_in_english(client, verified_learner):
    client.cookies["django_language"] = "en"
    client.post("/accounts/password/reset/", {"email": verified_learner.email})
    message = mail.outbox[0]
    assert message.subject.endswith("Password Reset Email")
    assert "Hello from Online Learning Platform!" in message.body


@pytest.mark.django_db
def test_mfa_pages_in_vietnamese(client, verified_learner):
    _sign_in(client, verified_learner)

    index = client.get("/accounts/2fa/").content.decode()
    assert "Xác thực hai yếu tố" in index
    assert "Ứng dụng xác thực" in index
    assert "Chưa bật ứng dụng xác thực." in index
    assert "Two-Factor" not in index

    # No authenticator yet: the set-up page opens without a password prompt.
    activate = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert "Bật ứng dụng xác thực" in activate
    assert '<label class="form-label" for="id_code">Mã xác thực</label>' in activate
    assert "quét mã QR" in activate
    assert "Authenticator" not in activate

    sessions = client.get("/accounts/sessions/").content.decode()
    assert "Phiên đăng nhập" in sessions
    assert "Trình duyệt" in sessions
    assert "Sign Out Other Sessions" not in sessions


@pytest.mark.django_db
def test_mfa_login_stage_and_recovery_codes_in_vietnamese(client, verified_learner):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(verified_learner, generate_totp_secret())
    RecoveryCodes.activate(verified_learner)

    response = _sign_in(client, verified_learner)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    stage = client.get(response["Location"]).content.decode()
    assert "Tài khoản của bạn được bảo vệ bằng xác thực hai yếu tố" in stage
    assert '<label class="form-label" for="id_code">Mã</label>' in stage

    wrong = client.post(response["Location"], {"code": "000000"})
    assert "Mã không đúng." in wrong.content.decode()


@pytest.mark.django_db
def test_recovery_codes_page_in_vietnamese(client, verified_learner):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    _sign_in(client, verified_learner)
    TOTP.activate(verified_learner, generate_totp_secret())
    RecoveryCodes.activate(verified_learner)
    _reauthenticate(client)

    html = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert "Mã khôi phục" in html
    assert "Còn 10 trên tổng số 10 mã khôi phục chưa dùng." in html
    assert "Tải mã xuống" in html


@pytest.mark.django_db
@pytest.mark.usefixtures("before_the_reform")  # signing up in Xuân Lộc (741)
def test_signup_confirmation_email_in_vietnamese(client, settings, officer):
    settings.SIGNUP_EMAIL_DOMAINS = ["xuanloc.example.gov.vn"]
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Nguyễn Văn Mới",
            "unit": officer.profile.unit_id,
            "email": "moi.nv@xuanloc.example.gov.vn",
            "password1": "mot-mat-khau-dai-2026",
            "password2": "mot-mat-khau-dai-2026",
        },
    )
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.subject == (
        "[Hệ thống học trực tuyến] Vui lòng xác nhận địa chỉ email"
    )
    assert "đã dùng địa chỉ email của bạn để đăng ký tài khoản" in message.body
    assert "Để xác nhận, vui lòng truy cập http" in message.body
    sent = client.get(response["Location"]).content.decode()
    assert "Xác minh địa chỉ email" in sent
