"""The Wagtail admin in Vietnamese: the strings Wagtail's own catalogue leaves
in English are translated in the project catalogue (docs/i18n.md)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site, TaskState

from courses.authoring import WORKFLOW_NAME, course_authoring_setup
from courses.models import CourseIndexPage
from tests.courses.conftest import make_course, make_lessons
from tests.factories import make_ready

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


class _FormFields(HTMLParser):
    """The fields a browser submits from the form with ``form_id`` (no JS)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select: list | None = None
        self.textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind == "checkbox" else ""
            self.fields.append((a["name"], a.get("value", default)))
        elif tag == "select" and "name" in a:
            self.select = [a["name"], None, "multiple" in a]
        elif tag == "option" and self.select:
            name, chosen, multiple = self.select
            if "selected" in a and multiple:
                self.fields.append((name, a.get("value", "")))
            elif "selected" in a or (chosen is None and not multiple):
                self.select[1] = a.get("value", "")
        elif tag == "textarea" and "name" in a:
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if not self.select[2] and self.select[1] is not None:
                self.fields.append((self.select[0], self.select[1]))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """What submitting the rendered form unchanged would post."""
    parser = _FormFields(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def _submit(client, user, url: str, form_id: str, **extra) -> tuple[str, str]:
    """Post the form rendered at ``url`` (with ``extra`` fields) as ``user``;
    the HTML of the page the admin redirects to, with its flash message."""
    html, _ = _open(client, user, url)
    data = form_data(html, form_id)
    data.update(extra)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, url
    assert response.redirect_chain, "the form did not save"
    html = response.content.decode()
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
    script = client.get("/admin/jsi18n/").content.decode()
    # Django writes the catalogue as one JSON object: read it as JSON.
    catalogue = json.JSONDecoder().raw_decode(
        script, script.index("const newcatalog = ") + len("const newcatalog = ")
    )[0]
    for en, vi in [
        ("Collapse all", "Thu gọn tất cả"),
        ("More actions", "Thao tác khác"),
        ("Page explorer", "Duyệt trang"),
        ("Main menu", "Trình đơn chính"),
    ]:
        assert catalogue.get(en) == vi, en


# --- Flash messages, moderation, locked and scheduled states ------------------

EDIT_FORM = "page-edit-form"


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_flash_messages_after_saving_and_submitting_are_vietnamese(
    client, authoring, trainer
):
    index, _ = authoring
    draft = make_course(index, code="ATTT-02", title="Khóa nháp", owner=trainer)
    html, text = _submit(client, trainer, _edit_url(draft), EDIT_FORM)
    _assert_vietnamese(
        html,
        text,
        [("Page 'Khóa nháp' has been updated.", "Đã cập nhật trang “Khóa nháp”.")],
    )
    html, text = _submit(
        client, trainer, _edit_url(draft), EDIT_FORM, **{"action-submit": "1"}
    )
    _assert_vietnamese(
        html,
        text,
        [
            (
                "Page 'Khóa nháp' has been submitted for moderation.",
                "Đã gửi duyệt trang “Khóa nháp”.",
            )
        ],
    )
    html, text = _submit(
        client,
        trainer,
        reverse("wagtailadmin_pages:add", args=["courses", "coursepage", index.pk]),
        EDIT_FORM,
        title="Khóa mới",
        slug="khoa-moi",
        code="ATTT-09",
    )
    _assert_vietnamese(
        html, text, [("Page 'Khóa mới' created.", "Đã tạo trang “Khóa mới”.")]
    )


def test_reviewer_actions_and_changes_requested_are_vietnamese(
    client, authoring, trainer, province_admin
):
    _, course = authoring
    html, text = _open(client, province_admin, _edit_url(course))
    _assert_vietnamese(
        html,
        text,
        [("Approve with comment", "Duyệt kèm nhận xét"), ("Approve", "Duyệt")],
    )
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(course.pk), status="in_progress"
    )
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[course.pk, "reject", task_state.pk],
        ),
        {"comment": "Bổ sung mục tiêu khóa học"},
    )
    assert response.status_code in (200, 302)
    html, text = _open(client, trainer, "/admin/")
    _assert_vietnamese(
        html,
        text,
        [("Changes requested at", "Yêu cầu chỉnh sửa lúc")],
    )
    client.force_login(province_admin)
    response = client.get(
        reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[course.pk])
    )
    html = json.loads(response.content)["html"]  # the dialog's body
    text = _text(html)
    _assert_vietnamese(
        html,
        text,
        [
            (
                "Publishing this page will cancel the current workflow.",
                "Xuất bản trang này sẽ hủy quy trình duyệt đang diễn ra.",
            ),
            (
                "Would you still like to publish this page?",
                "Bạn vẫn muốn xuất bản trang này?",
            ),
        ],
    )
    html, text = _open(
        client,
        province_admin,
        reverse("wagtailadmin_pages:workflow_history", args=[course.pk]),
    )
    assert "Changes requested" not in text


def test_publish_schedule_and_lock_states_are_vietnamese(
    client, authoring, trainer, province_admin
):
    _, course = authoring
    html, text = _submit(
        client,
        province_admin,
        _edit_url(course),
        EDIT_FORM,
        **{"action-publish": "1"},
    )
    _assert_vietnamese(
        html,
        text,
        [
            (
                "Page 'An toàn thông tin cơ bản' has been published.",
                "Đã xuất bản trang “An toàn thông tin cơ bản”.",
            )
        ],
    )
    go_live = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    html, text = _submit(
        client,
        province_admin,
        _edit_url(course),
        EDIT_FORM,
        go_live_at=go_live,
        **{"action-publish": "1"},
    )
    assert "đã được hẹn giờ xuất bản" in text
    assert "scheduled for publishing" not in text
    html, text = _open(client, trainer, _edit_url(course))
    _assert_vietnamese(
        html,
        text,
        [
            ("Locked by schedule", "Bị khóa vì đã hẹn giờ xuất bản"),
            ("Go-live:", "Bắt đầu xuất bản:"),
        ],
    )
    html, text = _open(client, province_admin, _edit_url(course))
    _assert_vietnamese(
        html, text, [("Cancel scheduled publish", "Hủy hẹn giờ xuất bản")]
    )


def test_delete_and_bulk_confirmations_are_vietnamese(
    client, authoring, province_admin
):
    index, course = authoring
    lessons = list(Page.objects.child_of(course))
    html, text = _open(
        client,
        province_admin,
        reverse("wagtailadmin_pages:delete", args=[lessons[0].pk]),
    )
    _assert_vietnamese(
        html,
        text,
        [
            (
                "Are you sure you want to delete this page?",
                "Bạn có chắc muốn xóa trang này?",
            ),
            ("Yes, delete it", "Có, xóa"),
            ("No, don't delete it", "Không, giữ nguyên"),
        ],
    )
    ids = "&".join(f"id={page.pk}" for page in lessons)
    for action, pairs in [
        ("delete", [("Delete 2 pages", "Xóa 2 trang")]),
        (
            "publish",
            [
                ("Publish 2 pages", "Xuất bản 2 trang"),
                ("Yes, publish", "Có, xuất bản"),
            ],
        ),
        (
            "move",
            [
                ("Move 2 pages", "Chuyển 2 trang"),
                ("Select a new parent page", "Chọn trang cha mới"),
            ],
        ),
    ]:
        html, text = _open(
            client,
            province_admin,
            f"/admin/bulk/wagtailcore/page/{action}/?{ids}&next=/admin/",
        )
        _assert_vietnamese(html, text, pairs)
    response = client.post(
        reverse("wagtailadmin_pages:delete", args=[lessons[0].pk]), follow=True
    )
    text = _text(response.content.decode())
    assert f"Đã xóa trang “{lessons[0].title}”." in text
    assert "deleted." not in text


def test_snippet_delete_and_bulk_confirmations_are_vietnamese(client, admin_user):
    from quizzes.gift import parse
    from quizzes.models import Question
    from quizzes.services import questions_import
    from tests.quizzes.conftest import GIFT

    make_ready(admin_user)
    questions_import(questions=parse(GIFT.read_text(encoding="utf-8"))[0], errors=[])
    first, second = Question.objects.order_by("pk")[:2]
    html, text = _open(
        client,
        admin_user,
        f"/admin/bulk/quizzes/question/delete/?id={first.pk}&id={second.pk}",
    )
    assert "Bạn có chắc muốn xóa 2 " in text
    assert "Are you sure" not in text
    url = reverse("wagtailsnippets_quizzes_question:delete", args=[first.pk])
    html, text = _open(client, admin_user, url)
    assert "Bạn có chắc muốn xóa" in text and "Are you sure" not in text
    text = _text(client.post(url, follow=True).content.decode())
    assert "đã được xóa." in text and "deleted." not in text


# --- The province admin's settings screens -------------------------------------


SETTINGS_SCREENS = [
    (
        "/admin/users/",
        [("Last login", "Đăng nhập lần cuối"), ("Access level", "Mức truy cập")],
    ),
    (
        "/admin/groups/new/",
        [
            ("Page permissions", "Quyền với trang"),
            ("Custom permissions", "Quyền tùy chỉnh"),
            ("Add a collection permission", "Thêm quyền với thư mục"),
        ],
    ),
    (
        "/admin/collections/",
        [
            ("Add a collection", "Thêm thư mục"),
            ("No collections have been created", "Chưa có thư mục nào"),
        ],
    ),
    (
        "/admin/redirects/",
        [
            ("Add redirect", "Thêm chuyển hướng"),
            ("Import redirects", "Nhập chuyển hướng từ tệp"),
        ],
    ),
    (
        "/admin/sites/new/",
        [("Add site", "Thêm website"), ("Choose a root page", "Chọn trang gốc")],
    ),
    (
        "/admin/workflows/list/",
        [
            ("Used by", "Dùng cho"),
            ("Show disabled", "Hiện cả mục đã ngừng sử dụng"),
            ("Add a workflow", "Thêm quy trình duyệt"),
        ],
    ),
    ("/admin/workflows/tasks/index/", [("New workflow task", "Bước duyệt mới")]),
    (
        "/admin/workflows/tasks/add/wagtailcore/groupapprovaltask/",
        [
            (
                "Pages/snippets at this step in a workflow will be moderated or "
                "approved by these groups of users",
                "Trang/mục ở bước này của quy trình do người dùng thuộc các nhóm "
                "này duyệt",
            )
        ],
    ),
]


@pytest.mark.parametrize(("url", "pairs"), SETTINGS_SCREENS)
def test_settings_screens_are_vietnamese(client, authoring, admin_user, url, pairs):
    make_ready(admin_user)
    html, text = _open(client, admin_user, url)
    _assert_vietnamese(
        html,
        text,
        [
            *pairs,
            ("Settings", "Cài đặt"),
            ("Collections", "Thư mục"),
            ("Redirects", "Chuyển hướng"),
            ("Locked pages", "Trang đang bị khóa"),
        ],
    )


def test_workflow_editing_is_vietnamese(client, authoring, admin_user):
    from wagtail.models import Workflow

    make_ready(admin_user)
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    html, text = _open(client, admin_user, f"/admin/workflows/edit/{workflow.pk}/")
    _assert_vietnamese(
        html,
        text,
        [
            ("Add tasks to your workflow", "Thêm bước duyệt vào quy trình"),
            ("Assign your workflow to pages", "Áp dụng quy trình duyệt cho các trang"),
        ],
    )
    html, text = _submit(
        client, admin_user, f"/admin/workflows/edit/{workflow.pk}/", "w-editor-form"
    )
    assert f"Đã cập nhật quy trình duyệt “{workflow.name}”." in text
    assert "updated." not in text


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
    assert len(wanted) > 700
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


@pytest.mark.django_db
def test_dashboard_is_titled_with_the_site_name_not_localhost(client, province_admin):
    from django.conf import settings

    Group.objects.get(name="admin").permissions.add(
        Permission.objects.get(codename="access_admin")
    )
    client.force_login(province_admin)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert settings.WAGTAIL_SITE_NAME in html
    assert (
        Site.objects.get(is_default_site=True).site_name == settings.WAGTAIL_SITE_NAME
    )
