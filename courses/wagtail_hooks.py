from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .authoring import can_add_under, course_authoring_setup
from .models import CourseIndexPage


@hooks.register("register_log_actions")
def register_enrolment_actions(actions):
    actions.register_action("courses.enrolment.create", _("Ghi danh"), _("Ghi danh"))
    actions.register_action(
        "courses.enrolment.request", _("Đăng ký học"), _("Đăng ký học")
    )
    actions.register_action(
        "courses.enrolment.approve", _("Duyệt đăng ký học"), _("Duyệt đăng ký học")
    )
    actions.register_action(
        "courses.enrolment.refuse", _("Từ chối đăng ký học"), _("Từ chối đăng ký học")
    )
    actions.register_action(
        "courses.enrolment.withdraw", _("Rút khỏi khóa học"), _("Rút khỏi khóa học")
    )
    actions.register_action(
        "courses.enrolment.complete", _("Hoàn thành khóa học"), _("Hoàn thành khóa học")
    )
    actions.register_action(
        "courses.import", _("Nhập danh sách từ tệp"), _("Nhập danh sách từ tệp")
    )


@hooks.register("before_create_page")
def only_own_courses(request, parent_page, page_class):
    if not can_add_under(user=request.user, parent=parent_page):
        raise PermissionDenied(_("Bạn chỉ thêm bài học vào khóa học do mình soạn."))


@hooks.register("after_create_page")
def set_up_new_catalogue(request, page):
    if isinstance(page.specific_deferred, CourseIndexPage):
        course_authoring_setup(index=page)
