"""Who authors courses in the Wagtail admin, and who approves them.

Trainers get Wagtail's "add" permission on the course catalogue. In Wagtail
"add" means: create pages below, and edit (and submit for moderation) the
pages one *owns* — so a trainer edits the courses and lessons they created
and nobody else's, without a permission row per course. They cannot
publish: every change goes through the "Duyệt khóa học" workflow, whose one
task is approved by the province admins (who hold add/edit/publish).
A ``before_create_page`` hook (wagtail_hooks.py) stops a trainer from adding
lessons under a course somebody else owns.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from elearning.people.models import Role

WORKFLOW_NAME = "Duyệt khóa học"
TASK_NAME = "Quản trị cấp tỉnh duyệt"


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(
        content_type__app_label="wagtailcore", codename=codename
    )


@transaction.atomic
def course_authoring_setup(*, index) -> Workflow:
    """Give trainers and admins their rights on ``index``; attach the workflow.

    Idempotent: safe to run on every ``seed_demo`` and on page creation.
    """
    trainer = Group.objects.get(name=Role.TRAINER)
    admin = Group.objects.get(name=Role.ADMIN)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in (trainer, admin):
        group.permissions.add(access_admin)
    grants = {trainer: ["add_page"], admin: ["add_page", "change_page", "publish_page"]}
    for group, codenames in grants.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=_page_permission(codename)
            )
    # Images and documents for lessons: trainers add and choose them.
    root = Collection.get_first_root_node()
    for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
        for codename in (f"add_{model}", f"choose_{model}"):
            permission = Permission.objects.get(
                content_type__app_label=app, codename=codename
            )
            for group in (trainer, admin):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=permission
                )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(admin)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def can_add_under(*, user, parent) -> bool:
    """A trainer adds pages only under a course they own (or the catalogue)."""
    from .models import CoursePage

    if user.is_superuser or user.is_province_admin:
        return True
    parent = parent.specific_deferred
    if isinstance(parent, CoursePage):
        return parent.owner_id == user.pk
    return True
