"""Record the Wagtail admin strings that come back untranslated in Vietnamese.

Not part of the suite (the file name does not start with ``test_``); run it
on purpose:

    .venv/bin/pytest -q -p no:xdist tests/wagtail_i18n_capture.py -s

It signs in a trainer, a province admin and a superuser, opens the admin
screens and states listed below in Django's test client with the Vietnamese
language (GETs, and the POSTs behind the flash messages), and records every
``gettext``/``ngettext``/``pgettext`` call whose msgid found no Vietnamese.
The msgids found in a Wagtail English catalogue and not yet in
``scripts/wagtail_msgids.json`` are written to ``test-artifacts/
wagtail_untranslated.json`` by screen, for adding to the JSON (docs/i18n.md).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import trans_real
from wagtail.models import Collection, Site

from tests.test_wagtail_admin_i18n import (
    authoring,  # noqa: F401 (a fixture)
    form_data,
    locale_tool,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-artifacts" / "wagtail_untranslated.json"

_seen: dict[str, set] = {}
_screen = ["-"]


def _record(key):
    _seen.setdefault(_screen[0], set()).add(key)


@pytest.fixture
def recorder(monkeypatch):
    cls = trans_real.DjangoTranslation
    plain, plural = cls.gettext, cls.ngettext

    def gettext(self, message):
        result = plain(self, message)
        if result == message and self.to_language() == "vi":
            if trans_real.CONTEXT_SEPARATOR in message:
                _record(tuple(message.split(trans_real.CONTEXT_SEPARATOR, 1)))
            else:
                _record((None, message))
        return result

    def ngettext(self, msgid1, msgid2, n):
        result = plural(self, msgid1, msgid2, n)
        if result in (msgid1, msgid2) and self.to_language() == "vi":
            if trans_real.CONTEXT_SEPARATOR in msgid1:
                _record(tuple(msgid1.split(trans_real.CONTEXT_SEPARATOR, 1)))
            else:
                _record((None, msgid1))
        return result

    monkeypatch.setattr(cls, "gettext", gettext)
    monkeypatch.setattr(cls, "ngettext", ngettext)
    yield
    _report()


def _report():
    import wagtail

    listed = json.loads(locale_tool.WAGTAIL_LIST.read_text(encoding="utf-8"))
    known = {
        (part, tuple(m) if isinstance(m, list) else (None, m))
        for part, msgids in listed.items()
        for m in msgids
    }
    base = Path(wagtail.__file__).parent
    catalogues = {}
    for po in sorted(base.glob("**/locale/en/LC_MESSAGES/django.po")):
        part = str(po.parent.parent.parent.parent.relative_to(base)) or "core"
        part = "core" if part == "." else part
        catalogues[part] = {e.key for e in locale_tool.read_po(po) if not e.obsolete}
    found: dict[str, dict[str, list]] = {}
    done = set()
    for screen, keys in _seen.items():
        for key in sorted(keys, key=lambda k: (k[0] or "", k[1])):
            for part, catalogue in catalogues.items():
                if key in catalogue:
                    if (part, key) not in known and (part, key) not in done:
                        done.add((part, key))
                        found.setdefault(screen, {}).setdefault(part, []).append(
                            list(key) if key[0] else key[1]
                        )
                    break
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(done)} new msgids -> {OUT}")  # noqa: T201


def _edit(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def visit(
    client,
    user,
    screen,
    url,
    *,
    post=None,
    form=None,
    extra=None,
    ok=(200, 302),
    get=True,
):
    """GET url (and POST the form found there, or ``post``) as ``user``."""
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    _screen[0] = screen
    response = client.get(url) if get else None
    assert not get or response.status_code in ok, (url, response.status_code)
    if form or post is not None:
        data = post if post is not None else form_data(response.content.decode(), form)
        data.update(extra or {})
        response = client.post(url, data, follow=True)
        assert response.status_code in (200,), (url, response.status_code)
    _screen[0] = "-"
    return response


@pytest.mark.django_db
def test_capture(
    recorder,
    client,
    authoring,  # noqa: F811
    trainer,
    province_admin,
    django_user_model,
):
    from wagtail.models import Page, TaskState

    from courses.models import CoursePage
    from tests.courses.conftest import make_course, make_lessons

    index, course = authoring
    admin = province_admin
    superuser = django_user_model.objects.create_superuser(
        email="root@stttt.example.gov.vn", password="x-Very-long-pass-123"
    )
    from tests.factories import make_ready

    make_ready(superuser)

    # --- 1. Pages: save, submit, moderation, publish, lock, schedule, delete
    draft = make_course(index, code="ATTT-02", title="Khóa nháp", owner=trainer)
    make_lessons(draft, 1)
    edit = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    visit(client, trainer, "page: save draft", edit, form="page-edit-form")
    visit(
        client,
        trainer,
        "page: submit",
        edit,
        form="page-edit-form",
        extra={"action-submit": "1"},
    )
    task_state = TaskState.objects.filter(
        workflow_state__base_content_type__isnull=False, status="in_progress"
    ).order_by("-pk")
    ts_draft = task_state.filter(workflow_state__object_id=str(draft.pk)).first()
    ts_course = task_state.filter(workflow_state__object_id=str(course.pk)).first()
    for action in ("approve", "reject"):
        visit(
            client,
            admin,
            f"page: {action} dialog",
            reverse(
                "wagtailadmin_pages:workflow_action",
                args=[course.pk, action, ts_course.pk],
            ),
        )
        visit(
            client,
            admin,
            f"page: {action} collect",
            reverse(
                "wagtailadmin_pages:collect_workflow_action_data",
                args=[course.pk, action, ts_course.pk],
            ),
        )
    visit(
        client,
        admin,
        "page: edit in review (reviewer)",
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
    )
    visit(
        client,
        admin,
        "page: reject",
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[course.pk, "reject", ts_course.pk],
        ),
        post={"comment": "Sửa lại phần giới thiệu"},
    )
    visit(
        client,
        trainer,
        "page: changes requested (author)",
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
    )
    visit(client, trainer, "dashboard: rejected", "/admin/")
    visit(
        client,
        admin,
        "page: approve",
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[draft.pk, "approve", ts_draft.pk],
        ),
        post={"comment": ""},
    )
    visit(
        client,
        admin,
        "page: workflow history",
        reverse("wagtailadmin_pages:workflow_history", args=[draft.pk]),
    )
    visit(
        client,
        trainer,
        "page: cancel workflow confirm",
        reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[course.pk]),
        ok=(200, 302, 404),
    )
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    visit(
        client,
        admin,
        "page: publish",
        edit,
        form="page-edit-form",
        extra={"action-publish": "1"},
    )
    visit(
        client,
        admin,
        "page: schedule",
        edit,
        form="page-edit-form",
        extra={
            "action-publish": "1",
            "go_live_at": (timezone.now() + timedelta(days=3)).strftime(
                "%Y-%m-%d %H:%M"
            ),
        },
    )
    visit(client, admin, "page: scheduled state", edit)
    visit(client, trainer, "page: scheduled state (author)", edit)
    visit(
        client,
        admin,
        "page: revisions",
        reverse("wagtailadmin_pages:history", args=[course.pk]),
    )
    rev = course.revisions.order_by("pk")
    visit(
        client,
        admin,
        "page: revision view",
        reverse("wagtailadmin_pages:revisions_view", args=[course.pk, rev.first().pk]),
    )
    visit(
        client,
        admin,
        "page: revision revert",
        reverse(
            "wagtailadmin_pages:revisions_revert", args=[course.pk, rev.first().pk]
        ),
    )
    latest = CoursePage.objects.get(pk=course.pk).get_latest_revision()
    visit(
        client,
        admin,
        "page: unschedule",
        reverse("wagtailadmin_pages:revisions_unschedule", args=[course.pk, latest.pk]),
        post={},
        ok=(200, 302, 404),
        get=False,
    )
    visit(
        client,
        admin,
        "page: lock",
        reverse("wagtailadmin_pages:lock", args=[course.pk]),
        post={},
        get=False,
    )
    visit(client, trainer, "page: locked (other user)", edit)
    visit(client, admin, "page: locked (locker)", edit)
    visit(client, admin, "reports: locked pages", "/admin/reports/locked/")
    visit(client, admin, "explorer: locked + scheduled", f"/admin/pages/{index.pk}/")
    visit(
        client,
        trainer,
        "explorer: locked + scheduled (trainer)",
        f"/admin/pages/{index.pk}/",
    )
    visit(
        client,
        trainer,
        "reports: locked pages (trainer)",
        "/admin/reports/locked/",
        ok=(200, 302, 403),
    )
    visit(
        client,
        admin,
        "page: compare revisions",
        f"/admin/pages/{course.pk}/revisions/compare/earliest...latest/",
    )
    visit(
        client,
        admin,
        "page: move chooser",
        reverse("wagtailadmin_pages:move", args=[draft.pk]),
    )
    visit(
        client, superuser, "reports: locked pages (superuser)", "/admin/reports/locked/"
    )
    visit(
        client,
        superuser,
        "page: delete with children (superuser)",
        reverse("wagtailadmin_pages:delete", args=[draft.pk]),
    )
    visit(
        client,
        admin,
        "page: delete with children",
        reverse("wagtailadmin_pages:delete", args=[draft.pk]),
    )
    visit(
        client,
        trainer,
        "page: delete denied",
        reverse("wagtailadmin_pages:delete", args=[draft.pk]),
        ok=(200, 302, 403),
    )
    ws = draft.workflow_states.order_by("pk").first()
    if ws is not None:
        visit(
            client,
            admin,
            "page: workflow history detail",
            reverse(
                "wagtailadmin_pages:workflow_history_detail", args=[draft.pk, ws.pk]
            ),
        )
    visit(
        client,
        admin,
        "page: unlock",
        reverse("wagtailadmin_pages:unlock", args=[course.pk]),
        post={},
        get=False,
    )
    visit(
        client,
        admin,
        "page: unpublish",
        reverse("wagtailadmin_pages:unpublish", args=[course.pk]),
        post={},
    )
    visit(
        client,
        admin,
        "page: copy",
        reverse(
            "wagtailadmin_pages:copy", args=[Page.objects.child_of(draft).first().pk]
        ),
        post={
            "new_title": "Bản sao",
            "new_slug": "ban-sao",
            "new_parent_page": draft.pk,
        },
    )
    copy = Page.objects.get(slug="ban-sao")
    visit(
        client,
        admin,
        "page: move confirm",
        reverse("wagtailadmin_pages:move_confirm", args=[copy.pk, index.pk]),
        ok=(200, 302),
    )
    visit(
        client,
        admin,
        "page: delete",
        reverse("wagtailadmin_pages:delete", args=[copy.pk]),
        post={},
    )
    pages = [p.pk for p in Page.objects.child_of(index)]
    ids = "&".join(f"id={pk}" for pk in pages)
    for action in ("delete", "publish", "unpublish", "move"):
        visit(
            client,
            admin,
            f"bulk pages: {action}",
            f"/admin/bulk/wagtailcore/page/{action}/?{ids}&next=/admin/pages/{index.pk}/",
        )
    visit(
        client,
        admin,
        "bulk pages: unpublish done",
        f"/admin/bulk/wagtailcore/page/unpublish/?{ids}&next=/admin/pages/{index.pk}/",
        post={"include_descendants": ""},
    )
    # Page creation and add-subpage chooser.
    visit(
        client,
        trainer,
        "page: add subpage",
        reverse("wagtailadmin_pages:add_subpage", args=[index.pk]),
    )
    visit(
        client,
        trainer,
        "page: create",
        reverse("wagtailadmin_pages:add", args=["courses", "coursepage", index.pk]),
        form="page-edit-form",
        extra={"title": "Khóa mới", "slug": "khoa-moi", "code": "ATTT-09"},
    )

    # --- Snippets: questions and certificate templates
    from quizzes.gift import parse
    from quizzes.models import Question
    from quizzes.services import questions_import
    from tests.quizzes.conftest import GIFT

    questions_import(questions=parse(GIFT.read_text(encoding="utf-8"))[0], errors=[])
    for who, user in (("trainer", trainer), ("admin", admin), ("superuser", superuser)):
        q = Question.objects.order_by("pk").first()
        if q is None:
            break
        visit(
            client,
            user,
            f"snippet list ({who})",
            "/admin/snippets/quizzes/question/",
            ok=(200, 302, 403),
        )
    q = Question.objects.order_by("pk").first()
    if q is not None:
        edit = reverse("wagtailsnippets_quizzes_question:edit", args=[q.pk])
        visit(client, superuser, "snippet: save", edit, form="w-editor-form")
        visit(
            client,
            superuser,
            "snippet: invalid",
            edit,
            form="w-editor-form",
            extra={"text": "", "title": ""},
        )
        visit(client, trainer, "snippet: edit (trainer)", edit, ok=(200, 302, 403))
        ids = "&".join(f"id={x.pk}" for x in Question.objects.all()[:3])
        visit(
            client,
            superuser,
            "bulk snippets: delete",
            f"/admin/bulk/quizzes/question/delete/?{ids}",
        )
        visit(
            client,
            superuser,
            "snippet: delete",
            reverse("wagtailsnippets_quizzes_question:delete", args=[q.pk]),
            post={},
        )
        visit(
            client,
            superuser,
            "snippet: add",
            reverse("wagtailsnippets_quizzes_question:add"),
        )
    visit(
        client,
        superuser,
        "snippet: category add",
        reverse("wagtailsnippets_quizzes_questioncategory:add"),
        form="w-editor-form",
        extra={"name": "Nhóm mới"},
    )

    # --- 2. Settings screens (superuser)
    group = Group.objects.get(name="trainer")
    collection = Collection.get_first_root_node().add_child(name="Bài giảng")
    site = Site.objects.get(is_default_site=True)
    for screen, url in [
        ("users", "/admin/users/"),
        ("user add", "/admin/users/new/"),
        ("user edit", f"/admin/users/edit/{trainer.pk}/"),
        ("user delete", f"/admin/users/delete/{trainer.pk}/"),
        ("bulk users: delete", f"/admin/bulk/people/user/delete/?id={trainer.pk}"),
        ("bulk users: role", f"/admin/bulk/people/user/assign_role/?id={trainer.pk}"),
        (
            "bulk users: active",
            f"/admin/bulk/people/user/set_active_state/?id={trainer.pk}",
        ),
        ("groups", "/admin/groups/"),
        ("group add", "/admin/groups/new/"),
        ("group edit", f"/admin/groups/edit/{group.pk}/"),
        ("group delete", f"/admin/groups/delete/{group.pk}/"),
        ("group users", f"/admin/groups/{group.pk}/users/"),
        ("collections", "/admin/collections/"),
        ("collection add", "/admin/collections/add/"),
        ("collection edit", f"/admin/collections/{collection.pk}/"),
        ("collection delete", f"/admin/collections/{collection.pk}/delete/"),
        ("collection privacy", f"/admin/collections/{collection.pk}/privacy/"),
        ("redirects", "/admin/redirects/"),
        ("redirect add", "/admin/redirects/add/"),
        ("redirect import", "/admin/redirects/import/"),
        ("sites", "/admin/sites/"),
        ("site add", "/admin/sites/new/"),
        ("site edit", f"/admin/sites/edit/{site.pk}/"),
        ("site delete", f"/admin/sites/delete/{site.pk}/"),
        ("site history", f"/admin/sites/history/{site.pk}/"),
        ("workflows", "/admin/workflows/list/"),
        ("workflow add", "/admin/workflows/add/"),
        ("tasks", "/admin/workflows/tasks/index/"),
        ("task type", "/admin/workflows/tasks/select_type/"),
        ("task add", "/admin/workflows/tasks/add/wagtailcore/groupapprovaltask/"),
        ("home (superuser)", "/admin/"),
        ("forms", "/admin/forms/"),
    ]:
        visit(client, superuser, screen, url, ok=(200, 302, 404))
    from wagtail.models import Task, Workflow

    workflow = Workflow.objects.first()
    task = Task.objects.first()
    for screen, url in [
        ("workflow edit", f"/admin/workflows/edit/{workflow.pk}/"),
        ("workflow usage", f"/admin/workflows/usage/{workflow.pk}/"),
        ("workflow disable", f"/admin/workflows/disable/{workflow.pk}/"),
        ("task edit", f"/admin/workflows/tasks/edit/{task.pk}/"),
        ("task disable", f"/admin/workflows/tasks/disable/{task.pk}/"),
        ("workflow remove", f"/admin/workflows/remove/{index.pk}/"),
    ]:
        visit(client, superuser, screen, url, ok=(200, 302, 404, 405))
    # The POSTs behind the settings screens' flash messages.
    visit(
        client,
        superuser,
        "redirect add: save",
        "/admin/redirects/add/",
        post={
            "old_path": "/cu",
            "redirect_link": "http://example.com/moi",
            "is_permanent": "on",
            "site": "",
        },
    )
    from wagtail.contrib.redirects.models import Redirect

    r = Redirect.objects.first()
    if r:
        visit(
            client,
            superuser,
            "redirect edit",
            f"/admin/redirects/{r.pk}/",
            form="w-editor-form",
        )
        visit(
            client,
            superuser,
            "redirect delete",
            f"/admin/redirects/{r.pk}/delete/",
            post={},
        )
    visit(
        client,
        superuser,
        "collection add: save",
        "/admin/collections/add/",
        post={"name": "Thư mục mới", "parent": Collection.get_first_root_node().pk},
    )
    visit(
        client,
        superuser,
        "collection edit: save",
        f"/admin/collections/{collection.pk}/",
        form="w-editor-form",
    )
    visit(
        client,
        superuser,
        "collection delete: do",
        f"/admin/collections/{collection.pk}/delete/",
        post={},
    )
    visit(
        client,
        superuser,
        "group edit: save",
        f"/admin/groups/edit/{group.pk}/",
        form="w-editor-form",
    )
    visit(
        client,
        superuser,
        "user edit: save",
        f"/admin/users/edit/{admin.pk}/",
        form="w-editor-form",
    )
    visit(
        client,
        superuser,
        "site edit: save",
        f"/admin/sites/edit/{site.pk}/",
        form="w-editor-form",
    )
    visit(
        client,
        superuser,
        "workflow edit: save",
        f"/admin/workflows/edit/{workflow.pk}/",
        form="w-editor-form",
    )
    visit(
        client,
        superuser,
        "task edit: save",
        f"/admin/workflows/tasks/edit/{task.pk}/",
        form="w-editor-form",
    )
    visit(
        client,
        superuser,
        "workflow disable: do",
        f"/admin/workflows/disable/{workflow.pk}/",
        post={},
        ok=(200, 302, 405),
    )
    visit(
        client,
        superuser,
        "workflows (disabled)",
        "/admin/workflows/list/?show_disabled=true",
    )
    visit(
        client,
        superuser,
        "workflow enable",
        f"/admin/workflows/enable/{workflow.pk}/",
        post={},
        ok=(200, 302, 405),
    )
    visit(
        client,
        superuser,
        "user add: save",
        "/admin/users/new/",
        form="w-editor-form",
        extra={
            "email": "moi@stttt.example.gov.vn",
            "first_name": "A",
            "last_name": "B",
            "password1": "x-Very-long-pass-123",
            "password2": "x-Very-long-pass-123",
        },
    )
    visit(
        client,
        superuser,
        "group add: save",
        "/admin/groups/new/",
        form="w-editor-form",
        extra={"name": "Nhóm thử"},
    )
    visit(
        client,
        superuser,
        "site add: save",
        "/admin/sites/new/",
        form="w-editor-form",
        extra={
            "hostname": "example.org",
            "port": "80",
            "root_page": index.pk,
            "site_name": "Thử",
        },
    )
    visit(
        client,
        superuser,
        "workflow add: save",
        "/admin/workflows/add/",
        form="w-editor-form",
        extra={"name": "Quy trình thử"},
    )
    visit(
        client,
        superuser,
        "task add: save",
        "/admin/workflows/tasks/add/wagtailcore/groupapprovaltask/",
        form="w-editor-form",
        extra={"name": "Bước thử"},
    )
    new_group = Group.objects.get(name="Nhóm thử")
    visit(
        client,
        superuser,
        "group delete: do",
        f"/admin/groups/delete/{new_group.pk}/",
        post={},
    )
    new_user = django_user_model.objects.filter(
        email="moi@stttt.example.gov.vn"
    ).first()
    if new_user:
        visit(
            client,
            superuser,
            "user delete: do",
            f"/admin/users/delete/{new_user.pk}/",
            post={},
        )
    new_site = Site.objects.filter(hostname="example.org").first()
    if new_site:
        visit(
            client,
            superuser,
            "site delete: do",
            f"/admin/sites/delete/{new_site.pk}/",
            post={},
        )

    # --- Images, documents (trainers upload them for lessons)
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Ảnh", file=get_test_image_file())
    doc = Document.objects.create(
        title="Tài liệu", file=ContentFile(b"x", name="a.txt")
    )
    for who, user in (("trainer", trainer), ("superuser", superuser)):
        for screen, url in [
            ("image edit", f"/admin/images/{image.pk}/"),
            ("image delete", f"/admin/images/{image.pk}/delete/"),
            (
                "bulk images: delete",
                f"/admin/bulk/wagtailimages/image/delete/?id={image.pk}",
            ),
            (
                "bulk images: collection",
                f"/admin/bulk/wagtailimages/image/add_to_collection/?id={image.pk}",
            ),
            (
                "bulk images: tags",
                f"/admin/bulk/wagtailimages/image/add_tags/?id={image.pk}",
            ),
            ("document edit", f"/admin/documents/edit/{doc.pk}/"),
            ("document delete", f"/admin/documents/delete/{doc.pk}/"),
            (
                "bulk documents: delete",
                f"/admin/bulk/wagtaildocs/document/delete/?id={doc.pk}",
            ),
            (
                "bulk documents: collection",
                f"/admin/bulk/wagtaildocs/document/add_to_collection/?id={doc.pk}",
            ),
            (
                "bulk documents: tags",
                f"/admin/bulk/wagtaildocs/document/add_tags/?id={doc.pk}",
            ),
        ]:
            visit(client, user, f"{screen} ({who})", url, ok=(200, 302, 403, 404))
    visit(
        client,
        superuser,
        "image edit: save",
        f"/admin/images/{image.pk}/",
        post={"title": "Ảnh 2", "collection": Collection.get_first_root_node().pk},
    )
    visit(
        client,
        superuser,
        "document edit: save",
        f"/admin/documents/edit/{doc.pk}/",
        post={"title": "Tài liệu 2", "collection": Collection.get_first_root_node().pk},
    )
    visit(
        client,
        superuser,
        "image delete: do",
        f"/admin/images/{image.pk}/delete/",
        post={},
    )
    visit(
        client,
        superuser,
        "document delete: do",
        f"/admin/documents/delete/{doc.pk}/",
        post={},
    )

    # --- A page that fails validation; a quiz page
    edit = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    visit(
        client,
        trainer,
        "page: validation error",
        edit,
        form="page-edit-form",
        extra={"title": "", "slug": ""},
    )
    visit(
        client,
        trainer,
        "page: publish validation error",
        edit,
        form="page-edit-form",
        extra={"title": "", "action-publish": "1"},
    )

    # --- The project's own admin screens (Wagtail's generic views)
    from tests.quizzes.conftest import make_quiz

    quiz = make_quiz(draft, slug="kiem-tra-cuoi")
    visit(client, trainer, "quiz page edit", _edit(quiz))
    visit(client, admin, "quiz page edit (admin)", _edit(quiz))
    for who, user in (("admin", admin), ("superuser", superuser)):
        for name in (
            "people_staff",
            "people_agencies",
            "people_units",
            "people_successions",
            "people_access_log",
            "training_classes",
            "class_sessions",
            "h5plibrary",
            "wagtailsnippets_h5p_h5pcontent",
            "wagtailsnippets_quizzes_questioncategory",
            "wagtailsnippets_certificates_certificatetemplate",
            "wagtailsnippets_certificates_issuer",
        ):
            for view in ("index", "list", "add"):
                try:
                    url = reverse(f"{name}:{view}")
                except NoReverseMatch:  # index or list, depending on the viewset
                    url = None
                if url is None:
                    continue
                visit(client, user, f"{name}:{view} ({who})", url, ok=(200, 302, 403))

    # --- Certificate templates (revisions)
    from certificates.models import CertificateTemplate

    tpl = CertificateTemplate.objects.create(name="Mặc định", is_default=True)
    tpl.save_revision(log_action=False)
    if True:
        base = "/admin/snippets/certificates/certificatetemplate"
        visit(
            client,
            superuser,
            "certificate template edit: save",
            f"{base}/edit/{tpl.pk}/",
            form="w-editor-form",
        )
        visit(
            client,
            superuser,
            "certificate template history",
            f"{base}/history/{tpl.pk}/",
        )
        visit(
            client, superuser, "certificate template delete", f"{base}/delete/{tpl.pk}/"
        )
