from django.urls import path

from . import views

app_name = "attendance"

session = "<slug:code>/buoi/<int:session_id>/"

urlpatterns = [
    path("", views.class_list, name="class_list"),
    path("<slug:code>/", views.class_detail, name="class_detail"),
    path("<slug:code>/tao-buoi-hoc/", views.sessions_bulk, name="sessions_bulk"),
    path("<slug:code>/bao-cao/", views.report, name="report"),
    path("<slug:code>/bao-cao.xlsx", views.report_xlsx, name="report_xlsx"),
    path(session + "diem-danh/", views.roster, name="roster"),
    path(session + "diem-danh/luu/", views.roster_save, name="roster_save"),
    path(session + "ma-qr/", views.qr_page, name="qr"),
    path(session + "ma-qr/khung/", views.qr_frame, name="qr_frame"),
    path(session + "qr/<str:token>/", views.check_in, name="check_in"),
    path(session + "danh-sach-ky-ten.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path(session + "mau-nhap.csv", views.sheet_template, name="sheet_template"),
    path(session + "nhap-tu-tep/", views.import_sheet, name="import"),
]
