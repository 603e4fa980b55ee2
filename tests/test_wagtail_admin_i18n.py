"""The Wagtail admin in Vietnamese: the strings Wagtail's own catalogue leaves
in English are translated in the project catalogue (docs/i18n.md)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Site

from courses.authoring import course_authoring_setup
from courses.models import CourseIndexPage
from tests.courses.conftest import make_course, make_lessons

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location(
    "locale_tool", ROOT / "scripts" / "locale_tool.py"
)
locale_tool = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("locale_tool", locale_tool)
_spec.loader.exec_module(locale_tool)


@pytest.fixture
def authoring(db, trainer, province_admin):
    """A course owned by the trainer, submitted to the review workflow."""
    for name in ["trainer", "admin"]:
        Group.objects.get(name=name).permissions.add(
            Permission.objects.get(codename="access_admin")
        )
    site = Site.objects.get(is_default_site=True)
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    site.root_page.add_child(instance=index)
    workflow = course_authoring_setup(index=index)
    course = make_course(index, owner=trainer)
    make_lessons(course, 2)
    course.save_revision(user=trainer)
    workflow.start(course, trainer)
    return index, course


def _json_scripts(html: str) -> str:
    """The sidebar menu and other props travel as JSON in script tags."""
    blobs = re.findall(
        r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.S
    )
    return " ".join(json.dumps(json.loads(b), ensure_ascii=False) for b in blobs)


def _text(html: str) -> str:
    """Visible text, attribute-free, plus the JSON props; whitespace collapsed."""
    props = _json_scripts(html)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", f"{html} {props}")


def _open(client, user, url: str) -> tuple[str, str]:
    client.force_login(user)  # staff have TOTP (fixtures), force_login passes MFA
    client.cookies["django_language"] = "vi"
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="vi"' in html or 'lang="vi"' in html
    return html, _text(html)


def _assert_vietnamese(html: str, text: str, pairs: list[tuple[str, str]]) -> None:
    missing = [vi for _, vi in pairs if vi not in html and vi not in text]
    english = [
        en for en, _ in pairs if re.search(rf"(?<![\w-]){re.escape(en)}(?![\w-])", text)
    ]
    assert missing == [], missing
    assert english == [], english


SIDEBAR = [
    ("Reports", "Báo cáo"),
    ("Workflows", "Quy trình duyệt"),
    ("Site history", "Lịch sử thay đổi"),
    ("Log out", "Đăng xuất"),
    ("Skip to main content", "Chuyển đến nội dung chính"),
]


@pytest.mark.parametrize("who", ["trainer", "province_admin"])
def test_admin_home_is_vietnamese(request, client, authoring, who):
    html, text = _open(client, request.getfixturevalue(who), "/admin/")
    pairs = (
        [
            *SIDEBAR,
            (
                "Your pages and snippets in a workflow",
                "Trang và mục của bạn đang trong quy trình duyệt",
            ),
        ]
        if who == "trainer"
        else [
            *SIDEBAR,
            ("Awaiting your review", "Chờ bạn duyệt"),
            ("Site summary", "Tổng quan hệ thống"),
        ]
    )
    _assert_vietnamese(html, text, pairs)


def test_page_explorer_is_vietnamese(client, authoring, trainer):
    index, _ = authoring
    html, text = _open(client, trainer, f"/admin/pages/{index.pk}/")
    _assert_vietnamese(
        html,
        text,
        [
            ("Add child page", "Thêm trang con"),
            ("Page type", "Loại trang"),
            ("Bulk actions", "Thao tác hàng loạt"),
            ("Show filters", "Hiện bộ lọc"),
        ],
    )


@pytest.mark.parametrize("who", ["trainer", "province_admin"])
def test_course_edit_view_is_vietnamese(request, client, authoring, who):
    _, course = authoring
    html, text = _open(
        client, request.getfixturevalue(who), f"/admin/pages/{course.pk}/edit/"
    )
    _assert_vietnamese(
        html,
        text,
        [
            ("Content", "Nội dung"),
            ("Promote", "Quảng bá"),
            ("More actions", "Thao tác khác"),
            ("Side panels", "Bảng bên"),
            ("Toggle preview", "Ẩn/hiện xem trước"),
            ("Toggle comments", "Ẩn/hiện bình luận"),
            ("Set publishing schedule", "Đặt lịch xuất bản"),
            ("Content metrics", "Số liệu nội dung"),
            ("In Moderation", "Đang chờ duyệt"),
        ],
    )


def test_snippet_listing_is_vietnamese(client, authoring, trainer):
    html, text = _open(client, trainer, "/admin/snippets/quizzes/question/")
    _assert_vietnamese(
        html,
        text,
        [
            ("Filter by", "Lọc theo"),
            ("Show filters", "Hiện bộ lọc"),
        ],
    )


def test_workflow_report_is_vietnamese(client, authoring, province_admin):
    html, text = _open(client, province_admin, "/admin/reports/workflow/")
    _assert_vietnamese(
        html,
        text,
        [
            ("Started at", "Bắt đầu lúc"),
            ("Requested by", "Người gửi"),
            ("By task", "Theo bước"),
            ("Awaiting my review", "Chờ tôi duyệt"),
        ],
    )


def test_admin_javascript_strings_are_vietnamese(client, authoring, trainer):
    """The sidebar, explorer and StreamField read these from the JS catalogue."""
    client.force_login(trainer)
    client.cookies["django_language"] = "vi"
    catalogue = client.get("/admin/jsi18n/").content.decode("unicode_escape")
    for en, vi in [
        ("Collapse all", "Thu gọn tất cả"),
        ("More actions", "Thao tác khác"),
        ("Page explorer", "Duyệt trang"),
        ("Main menu", "Trình đơn chính"),
    ]:
        assert f'"{en}": "{vi}"' in catalogue, en


# --- The catalogues ----------------------------------------------------------


def test_every_listed_wagtail_string_is_translated():
    vi = {
        e.key: e
        for e in locale_tool.read_po(
            locale_tool.LOCALE / "vi" / "LC_MESSAGES" / "django.po"
        )
        if not e.obsolete
    }
    wanted = locale_tool.wagtail_entries()
    assert len(wanted) > 400
    assert [e.msgid for e in wanted if not (e.key in vi and vi[e.key].translated)] == []
    js = {e.key: e for e in locale_tool.read_po(locale_tool.JS_CATALOGUE)}
    assert [
        e.msgid for e in locale_tool.wagtail_js_entries() if not js[e.key].translated
    ] == []


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}", text))


def _tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+\b[^>]*>", text))


@pytest.mark.parametrize("catalogue", ["django.po", "djangojs.po"])
def test_wagtail_overrides_keep_placeholders_and_markup(catalogue):
    """Every overridden msgstr keeps the %(name)s / {name} placeholders and the
    HTML tags of its msgid (or of its plural msgid: Vietnamese has one form)."""
    path = locale_tool.LOCALE / "vi" / "LC_MESSAGES" / catalogue
    ours = {e.key: e for e in locale_tool.read_po(path) if not e.obsolete}
    wanted = (
        locale_tool.wagtail_entries()
        if catalogue == "django.po"
        else locale_tool.wagtail_js_entries()
    )
    checked = 0
    for entry in wanted:
        text = ours[entry.key].msgstr[0]
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        assert _placeholders(text) in [_placeholders(s) for s in sources], entry.msgid
        assert _tags(text) in [_tags(s) for s in sources], entry.msgid
        checked += 1
    assert checked > 50
