from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    path("h5p-embed/<str:token>/", views.embed, name="embed"),
    path("h5p-embed/<str:token>/files/<path:path>", views.package_file, name="file"),
    path(
        "h5p-embed/<str:token>/libraries/<str:folder>/<path:path>",
        views.library_file,
        name="library_file",
    ),
    path("h5p-embed/<str:token>/xapi", views.xapi, name="xapi"),
    path(
        "h5p-embed/<str:token>/state/<str:data_type>/<str:sub_content_id>",
        views.state,
        name="state",
    ),
]
