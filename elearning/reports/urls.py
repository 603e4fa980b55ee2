from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tinh/", views.province_dashboard, name="province"),
    path("tinh/tinh-lai/", views.province_refresh, name="province_refresh"),
    path("hoc-vien/", views.learners, name="learners"),
    path("xuat/<str:table>.<str:fmt>", views.export, name="export"),
    path("bao-cao-nam/", views.yearly, name="yearly"),
    path("bao-cao-nam/<uuid:job_id>/", views.job, name="job"),
    path("bao-cao-nam/<uuid:job_id>/trang-thai/", views.job_status, name="job_status"),
    path("bao-cao-nam/<uuid:job_id>/tai-ve/", views.job_download, name="job_download"),
]
