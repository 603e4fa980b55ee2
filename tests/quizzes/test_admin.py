import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Enrolment
from elearning.slugs import ascii_slug
from elearning.spreadsheets import safe_cell
from quizzes.models import Attempt, Question
from quizzes.services import attempt_start, attempt_submit
from tests.factories import make_ready, reauthenticate

from .conftest import GIFT


def test_import_view_upload_preview_confirm(trainer, client):
    client.force_login(trainer)
    url = reverse("quizzes_admin:import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("bank.gift", GIFT.read_bytes())
    preview = client.post(url, {"file": upload, "category": ""})
    body = preview.content.decode()
    assert "Xác nhận nhập" in body and "Q01 Thư lừa đảo" in body
    assert Question.objects.count() == 0
    token = preview.context["token"]
    done = client.post(url, {"token": token, "name": "bank.gift", "category": ""})
    assert done.status_code == 302
    assert Question.objects.count() == 16


def test_import_view_shows_errors_and_writes_nothing(trainer, client):
    client.force_login(trainer)
    upload = SimpleUploadedFile("bad.gift", "$CATEGORY: A\n\nCâu {=a ~b\n".encode())
    response = client.post(reverse("quizzes_admin:import"), {"file": upload})
    assert "Dòng 3:" in response.content.decode()
    assert "Xác nhận nhập" not in response.content.decode()
    assert Question.objects.count() == 0


def test_learners_and_officers_cannot_import(learner, officer, client):
    client.force_login(officer)
    assert client.get(reverse("quizzes_admin:import")).status_code in (302, 403)
    client.force_login(learner)
    assert client.get(reverse("quizzes_admin:import")).status_code in (302, 403)


@pytest.fixture
def two_districts(quiz, course, enrolled, other_learner):
    Enrolment.objects.create(learner=other_learner, course=course)
    for person in (enrolled, other_learner):
        attempt_submit(attempt_id=attempt_start(learner=person, quiz=quiz).pk)
    return quiz


def test_officer_report_is_scoped_to_their_district(two_districts, officer, client):
    client.force_login(officer)
    response = client.get(reverse("quizzes_admin:report", args=[two_districts.pk]))
    assert response.status_code == 200
    names = {a.learner.get_full_name() for a in response.context["attempts"]}
    assert names == {"Nguyễn Văn An"}
    # Picking another district inside the filter shows nothing more.
    other_unit = Attempt.objects.exclude(learner__email__contains="xuanloc").first()
    response = client.get(
        reverse("quizzes_admin:report", args=[two_districts.pk]),
        {"unit": other_unit.learner.profile.unit_id},
    )
    names = {a.learner.get_full_name() for a in response.context["attempts"]}
    assert names == {"Nguyễn Văn An"}


def test_admin_report_filters_by_district_and_exports(
    two_districts, province_admin, units, client
):
    from openpyxl import load_workbook

    client.force_login(province_admin)
    reauthenticate(client)
    url = reverse("quizzes_admin:report", args=[two_districts.pk])
    everyone = client.get(url)
    assert len(everyone.context["attempts"]) == 2
    assert sum(b["count"] for b in everyone.context["histogram"]) == 2
    assert everyone.context["stats"]
    bien_hoa = client.get(url, {"unit": units["731"].pk})
    assert [a.learner.get_full_name() for a in bien_hoa.context["attempts"]] == [
        "Trần Thị Bình"
    ]
    export = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][0] == "Họ và tên"
    name = f"ket-qua-{ascii_slug(two_districts.title)}.xlsx"
    assert f'filename="{name}"' in export["Content-Disposition"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("Bình", "Bình"),
        (5, 5),
    ],
)
def test_export_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_regrade_view_dry_run_then_apply(quiz, enrolled, trainer, client):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk)
    answer = attempt.answers.exclude(snapshot__type="true_false").first()
    question = Question.objects.get(pk=answer.question_id)
    # Make every choice right: a blank answer still earns nothing, so
    # give the learner an answer first.
    from quizzes.models import AttemptAnswer

    AttemptAnswer.objects.filter(pk=answer.pk).update(
        response={"choice": answer.snapshot["choices"][0]["key"]}
    )
    question.choices.update(fraction=100)
    client.force_login(trainer)
    url = reverse("quizzes_admin:regrade", args=[question.pk])
    preview = client.get(url)
    assert len(preview.context["changes"]) == 1
    attempt.refresh_from_db()
    assert attempt.score == 0
    client.post(url)
    attempt.refresh_from_db()
    assert attempt.score == 10


def test_snippet_listing_and_quiz_edit_render(bank, quiz, trainer, client, admin_user):
    # A superuser passes the MFA and privacy-consent gates like any staff.
    make_ready(admin_user)
    client.force_login(admin_user)
    assert (
        client.get(reverse("wagtailsnippets_quizzes_question:list")).status_code == 200
    )
    question = Question.objects.first()
    edit = client.get(
        reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    )
    assert edit.status_code == 200
    page = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))
    assert page.status_code == 200
    # The review options: three moments per item, the default ticked.
    html = page.content.decode()
    assert html.count('name="review_correct_answer"') == 3
    assert "Học viên được xem lại bài" in html and "Sau khi bài đóng" in html


def test_quiz_form_refuses_a_draw_its_category_cannot_fill(quiz, bank):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from quizzes.models import QuestionCategory, QuizPage

    category = QuestionCategory.objects.get(name="Tài khoản và mật khẩu")  # 3 questions
    form_class = QuizPage.get_edit_handler().get_form_class()

    def form_for(count):
        data = nested_form_data(
            {
                "title": quiz.title,
                "slug": quiz.slug,
                "time_limit_minutes": 20,
                "attempts_allowed": 3,
                "pass_mark": "70",
                "grading_method": "highest",
                "fixed_questions": inline_formset([]),
                "random_draws": inline_formset(
                    [
                        {
                            "category": category.pk,
                            "count": count,
                            "include_subcategories": "on",
                        }
                    ]
                ),
            }
        )
        return form_class(data, instance=quiz, for_user=None)

    too_many = form_for(4)
    assert not too_many.is_valid()
    assert "không đủ để rút 4 câu" in str(
        too_many.formsets["random_draws"].forms[0].errors
    )
    assert form_for(3).is_valid(), form_for(3).errors


@pytest.mark.parametrize(
    "name",
    ["HYPERLINK", "PLUS", "MINUS", "AT_SUM"],
)
def test_results_xlsx_neutralises_a_formula_name(
    two_districts, learner, province_admin, client, name
):
    """A learner imported under a formula name takes the quiz; the province
    admin's results file holds the name as text, scores as numbers."""
    from tests import spreadsheet_cells
    from tests.spreadsheet_cells import assert_inert, cells

    formula = getattr(spreadsheet_cells, name)
    learner.profile.full_name = formula
    learner.profile.save()
    client.force_login(province_admin)
    reauthenticate(client)
    url = reverse("quizzes_admin:report", args=[two_districts.pk])
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    values = cells(response)
    assert_inert(values, formula)
    assert any(isinstance(v, int | float) for v in values)


def test_a_second_quiz_whose_title_folds_onto_a_siblings_address_is_a_form_error(
    course, trainer, client
):
    """The editor sends the slug with its accents; the page folds it to
    ASCII. Posting the same new quiz twice (a second click, or the editor's
    autosave racing "Gửi duyệt") used to pass the form and fail on save
    with a server error; the form now sees the folded address."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from courses.authoring import course_authoring_setup
    from quizzes.models import QuizPage

    course_authoring_setup(index=course.get_parent())
    course.owner = trainer
    course.save(update_fields=["owner"])
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:add", args=["quizzes", "quizpage", course.pk])
    data = nested_form_data(
        {
            "title": "Bài kiểm tra giữa khóa",
            "slug": "bài-kiểm-tra-giữa-khóa",
            "time_limit_minutes": 20,
            "attempts_allowed": 3,
            "pass_mark": "70",
            "grading_method": "highest",
            "fixed_questions": inline_formset([]),
            "random_draws": inline_formset([]),
        }
    )
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert QuizPage.objects.get().slug == "bai-kiem-tra-giua-khoa"

    second = client.post(url, data)
    assert second.status_code == 200
    assert (
        "Đường dẫn “bai-kiem-tra-giua-khoa” đã được một trang khác trong cùng mục "
        "sử dụng." in second.content.decode()
    )
    assert QuizPage.objects.count() == 1

    # Another title is welcome, and keeps its folded address.
    data["title"], data["slug"] = "Bài kiểm tra cuối khóa", "bài-kiểm-tra-cuối-khóa"
    assert client.post(url, data).status_code == 302
    assert set(QuizPage.objects.values_list("slug", flat=True)) == {
        "bai-kiem-tra-giua-khoa",
        "bai-kiem-tra-cuoi-khoa",
    }
