from django.urls import path

from . import views
from .models import VERIFY_PATH

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.certificate_list, name="list"),
    path("certificates/issue/", views.issue, name="issue"),
    path("certificates/register/", views.register_book, name="register"),
    path("certificates/<int:pk>/", views.certificate_detail, name="detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_download, name="download"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke_view, name="revoke"),
    path("certificates/exports/<int:pk>/", views.export_status, name="export"),
    path(
        "certificates/exports/<int:pk>/download/",
        views.export_download,
        name="export_download",
    ),
    path(VERIFY_PATH, views.verify, name="verify"),
    path(f"{VERIFY_PATH}<str:token>/", views.verify_token, name="verify_token"),
]
