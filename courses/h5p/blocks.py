"""The lesson block that places an H5P exercise in a lesson."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock


class H5PBlock(SnippetChooserBlock):
    """An H5P exercise, played in an iframe on the content origin.

    Rendering for a signed-in learner starts (or resumes) their attempt and
    signs a token for it; the token is the iframe's only credential.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Bài tập H5P"))
        kwargs.setdefault(
            "help_text",
            _(
                "Điểm H5P do trình duyệt của học viên tính nên có thể bị giả "
                "mạo: chỉ dùng để luyện tập và tính hoàn thành mức thấp, không "
                "dùng để xét cấp giấy chứng nhận."
            ),
        )
        super().__init__("h5p.H5PContent", **kwargs)

    def get_context(self, value, parent_context=None):
        from .selectors import live_attempt, playable_version, shown_attempt
        from .services import attempt_start
        from .tokens import token_make

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        page = (parent_context or {}).get("page")
        context["embed_url"] = None
        context["state"] = "anonymous"
        if value is None:
            context["state"] = "missing"
            return context
        version = playable_version(value)
        if version is None:
            context["state"] = "pending"
        elif user is not None and user.is_authenticated:
            access = getattr(request, "_lesson_access", None)
            course = access.course if access is not None else _course_of(page)
            # The live attempt when there is one (a plain read); otherwise
            # start one (locked, in a transaction).
            attempt = live_attempt(learner=user, version=version) or attempt_start(
                learner=user, version=version
            )
            token = token_make(attempt=attempt, course=course)
            origin = settings.H5P_CONTENT_ORIGIN.rstrip("/")
            context["embed_url"] = f"{origin}/h5p-embed/{token}/"
            context["origin"] = origin
            context["state"] = "ready"
            # What is recorded stays in sight when the exercise opens afresh
            # (after a reload, on another device).
            context["graded"] = shown_attempt(learner=user, content=value)
            context["unscored"] = not version.max_score
        return context

    class Meta:
        icon = "form"
        template = "h5p/blocks/h5p_block.html"
        description = _("Một bài tập tương tác H5P đã tải lên thư viện bài tập H5P.")


def _course_of(page):
    if page is None:
        return None
    from courses.models import CoursePage

    return CoursePage.objects.ancestor_of(page, inclusive=True).first()
