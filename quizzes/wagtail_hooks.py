from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Question, QuestionCategory


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Nhóm câu hỏi")
    list_display = ["path", "description"]
    search_fields = ["name"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Câu hỏi")
    list_display = ["__str__", "category", "qtype", "points", "updated_at"]
    list_filter = ["qtype", "category"]
    search_fields = ["title", "text"]


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionCategoryViewSet)
    menu_icon = "help"
    menu_label = _("Ngân hàng câu hỏi")
    menu_name = "question-bank"


register_snippet(QuestionBankGroup)

admin_patterns = (
    [
        path("import/", admin_views.import_questions, name="import"),
        path("reports/", admin_views.reports_index, name="reports"),
        path("reports/<int:quiz_id>/", admin_views.quiz_report, name="report"),
        path("regrade/<int:question_id>/", admin_views.regrade, name="regrade"),
        path("grading/", admin_views.grading_queue, name="grading"),
        path("export/", admin_views.export_gift, name="export_gift"),
        path(
            "export/moodle-xml/",
            admin_views.export_moodlexml,
            name="export_moodlexml",
        ),
        path(
            "grading/<int:answer_id>/", admin_views.essay_grade_view, name="essay_grade"
        ),
    ],
    "quizzes_admin",
)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("quizzes/", include(admin_patterns))]


class _RoleMenuItem(MenuItem):
    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return _RoleMenuItem(
        _("Nhập câu hỏi từ tệp"),
        reverse("quizzes_admin:import"),
        icon_name="upload",
        order=260,
        check=admin_views.can_author,
    )


@hooks.register("register_admin_menu_item")
def reports_menu_item():
    return _RoleMenuItem(
        _("Kết quả bài kiểm tra"),
        reverse("quizzes_admin:reports"),
        icon_name="table",
        order=270,
        check=admin_views.can_report,
    )


@hooks.register("register_admin_menu_item")
def grading_menu_item():
    return _RoleMenuItem(
        _("Chấm bài tự luận"),
        reverse("quizzes_admin:grading"),
        icon_name="edit",
        order=275,
        check=admin_views.can_author,
    )


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("quizzes.attempt_graded", _("Chấm bài"), _("Đã chấm bài"))
    actions.register_action(
        "quizzes.attempt_regraded", _("Chấm lại"), _("Đã chấm lại bài")
    )
    actions.register_action(
        "quizzes.essay_graded", _("Chấm tự luận"), _("Đã chấm câu tự luận")
    )
    actions.register_action(
        "quizzes.questions_imported", _("Nhập câu hỏi"), _("Đã nhập câu hỏi từ tệp")
    )
