"""Admin forms: the quiz page refuses draws its categories cannot fill."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from elearning.slugs import AsciiSlugPageForm


class QuizPageForm(AsciiSlugPageForm):
    def clean(self):
        from .models import Question

        cleaned = super().clean()
        self._check_course_counts_quizzes(cleaned)
        formset = self.formsets.get("random_draws")
        if formset is None or not hasattr(formset, "forms"):
            return cleaned
        # Inline formsets are validated after the form; validate them now to
        # read their cleaned data (Django caches the result).
        formset.is_valid()
        fixed = self.formsets.get("fixed_questions")
        if fixed is not None:
            fixed.is_valid()
        fixed_ids = set()
        if fixed is not None:
            for form in fixed.forms:
                data = getattr(form, "cleaned_data", {}) or {}
                if data.get("question") and not data.get("DELETE"):
                    fixed_ids.add(data["question"].pk)
        for form in formset.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            category, count = data.get("category"), data.get("count")
            if not category or not count or data.get("DELETE"):
                continue
            ids = (
                category.subtree_ids()
                if data.get("include_subcategories")
                else {category.pk}
            )
            available = (
                Question.objects.drawable()
                .filter(category_id__in=ids)
                .exclude(pk__in=fixed_ids)
                .count()
            )
            if available < count:
                form.add_error(
                    "count",
                    _(
                        "Nhóm “%(category)s” chỉ có %(available)s câu hỏi "
                        "(ngoài các câu cố định), không đủ để rút %(count)s câu."
                    )
                    % {
                        "category": category.path,
                        "available": available,
                        "count": count,
                    },
                )
                self.add_error(None, _("Chưa đủ câu hỏi cho phần rút ngẫu nhiên."))
        return cleaned

    def _check_course_counts_quizzes(self, cleaned) -> None:
        """A quiz "counting for completion" under a course that does not
        require its quizzes would count for nothing: learners completed the
        course with 33 % while the quiz said it was needed."""
        if not cleaned.get("counts_for_completion"):
            return
        parent = self.parent_page or (
            self.instance.get_parent() if self.instance.pk else None
        )
        course = getattr(parent, "specific", None)
        if course is not None and getattr(course, "require_quizzes", True) is False:
            self.add_error(
                "counts_for_completion",
                _(
                    "Khóa học “%(course)s” không yêu cầu đạt các bài kiểm tra: "
                    "bài này sẽ không được tính. Hãy bật “phải đạt các bài kiểm "
                    "tra” ở khóa học, hoặc bỏ chọn ô này."
                )
                % {"course": course.title},
            )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp câu hỏi"),
        help_text=_(
            "GIFT (.gift, .txt), Aiken (.txt), Moodle XML (.xml, tối đa 20 MB), "
            "CSV (.csv) hoặc Excel (.xlsx), tối đa 5 MB."
        ),
    )
    category = forms.CharField(
        label=_("Nhóm mặc định"),
        required=False,
        help_text=_("Dùng cho các câu hỏi không ghi nhóm, ví dụ “ATTT cơ bản/Khác”."),
    )


class EssayGradeForm(forms.Form):
    points = forms.DecimalField(
        label=_("Điểm"), min_value=0, decimal_places=2, max_digits=6, localize=True
    )
    comment = forms.CharField(
        label=_("Nhận xét cho học viên"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, max_points, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_points = max_points
        self.fields["points"].max_value = max_points
        self.fields["points"].help_text = _("Từ 0 đến %(max)s.") % {
            "max": format(max_points.normalize(), "f").replace(".", ",")
        }

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points > self.max_points:
            raise forms.ValidationError(
                _("Điểm không được vượt quá %(max)s.")
                % {"max": format(self.max_points.normalize(), "f").replace(".", ",")}
            )
        return points
