from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("khoa-hoc-cua-toi/", views.my_courses, name="my_courses"),
    path("khoa-hoc/<int:course_id>/ghi-danh/", views.course_enrol, name="enrol"),
    path("bai-hoc/<int:lesson_id>/hoan-thanh/", views.lesson_done, name="lesson_done"),
    path("bai-hoc/<int:lesson_id>/dang-hoc/", views.lesson_beat, name="lesson_beat"),
    path("quan-ly/ghi-danh/", views.officer_enrolments, name="officer_enrolments"),
    path(
        "quan-ly/ghi-danh/xuat-tep/",
        views.officer_enrolments_export,
        name="officer_enrolments_export",
    ),
    path("quan-ly/ghi-danh/them/", views.officer_enrol, name="officer_enrol"),
    path(
        "quan-ly/ghi-danh/cho-duyet/", views.officer_requests, name="officer_requests"
    ),
    path(
        "quan-ly/ghi-danh/<int:pk>/duyet/",
        views.officer_request_decide,
        {"decision": "approve"},
        name="officer_approve",
    ),
    path(
        "quan-ly/ghi-danh/<int:pk>/tu-choi/",
        views.officer_request_decide,
        {"decision": "refuse"},
        name="officer_refuse",
    ),
    path(
        "quan-ly/ghi-danh/<int:pk>/rut/",
        views.officer_withdraw,
        name="officer_withdraw",
    ),
    path(
        "quan-ly/hoc-vien/<int:user_id>/", views.officer_learner, name="officer_learner"
    ),
    path("quan-ly/nhap-tu-tep/", views.import_upload, name="import_upload"),
    path("quan-ly/nhap-tu-tep/<str:token>/", views.import_job, name="import_job"),
    path(
        "quan-ly/nhap-tu-tep/<str:token>/trang-thai/",
        views.import_job_status,
        name="import_job_status",
    ),
]
