from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("ca-nhan/thong-bao-du-lieu/", views.privacy_notice, name="privacy_notice"),
    path("ca-nhan/dong-y/", views.consent, name="consent"),
    path("ca-nhan/du-lieu-cua-toi/", views.my_data, name="my_data"),
    path("ca-nhan/cho-xac-nhan/", views.awaiting, name="awaiting"),
    path("xac-nhan-tai-khoan/", views.confirmations, name="confirmations"),
    path(
        "ca-nhan/du-lieu-cua-toi/yeu-cau/",
        views.data_request_create,
        name="data_request_create",
    ),
    path("quan-ly/yeu-cau-du-lieu/", views.data_requests, name="data_requests"),
    path(
        "quan-ly/yeu-cau-du-lieu/<int:pk>/",
        views.data_request_detail,
        name="data_request",
    ),
    path(
        "quan-tri/du-lieu-ca-nhan/hoat-dong-xu-ly/",
        views.processing_register,
        name="processing_register",
    ),
    path("quan-tri/du-lieu-ca-nhan/su-co/", views.incidents, name="incidents"),
    path("quan-tri/du-lieu-ca-nhan/su-co/<int:pk>/", views.incident, name="incident"),
    path(
        "ca-nhan/du-lieu-cua-toi/tai-ve/",
        views.my_data_download,
        name="my_data_download",
    ),
]
