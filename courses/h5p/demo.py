"""Demo H5P exercise: built from the platform's own true/false content type,
placed in the first lesson of the demo course when that course exists."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from .content_types import build_true_false_package
from .models import H5PContent
from .services import package_import

TITLE = "Nhận biết thư điện tử lừa đảo"
QUESTIONS = [
    ("Thư yêu cầu nhập mật khẩu qua đường liên kết lạ thường là thư lừa đảo.", True),
    ("Có thể mở tệp đính kèm .exe từ người gửi không quen biết.", False),
    ("Nên kiểm tra kỹ địa chỉ người gửi trước khi trả lời thư.", True),
    ("Dùng chung một mật khẩu cho mọi tài khoản công vụ là an toàn.", False),
]


def seed(*, stdout, style) -> None:
    content = H5PContent.objects.filter(title=TITLE).first()
    if content is None:
        data = build_true_false_package(
            title=TITLE,
            questions=QUESTIONS,
            intro=_("Chọn Đúng hoặc Sai cho mỗi nhận định."),
        )
        result = package_import(
            fileobj=io.BytesIO(data),
            filename="nhan-biet-thu-lua-dao.h5p",
            size=len(data),
            title=TITLE,
            approve_libraries=True,
        )
        content = result.version.content
        stdout.write(f"H5P: exercise “{TITLE}” created")
    else:
        stdout.write(f"H5P: exercise “{TITLE}” already there")
    _place_in_demo_lesson(content, stdout)


def _place_in_demo_lesson(content: H5PContent, stdout) -> None:
    from courses.models import CoursePage, LessonPage

    course = CoursePage.objects.order_by("path").first()
    if course is None:
        return
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    if lesson is None:
        return
    lesson = lesson.specific
    if any(
        block.get("type") == "h5p" and block.get("value") == content.pk
        for block in lesson.body.raw_data
    ):
        return
    lesson.body.append(("h5p", content))
    revision = lesson.save_revision(log_action=True)
    if lesson.live:
        revision.publish()
    stdout.write(f"H5P: exercise placed in lesson “{lesson.title}”")
