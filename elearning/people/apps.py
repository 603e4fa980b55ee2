from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "elearning.people"
    label = "people"
    verbose_name = _("Người dùng và đơn vị")

    def ready(self):
        from . import audit, reports, signals  # noqa: F401

        reports.register()
        register_personal_data()


def register_personal_data() -> None:
    from .models import AccessLog, PrivacyConsent, StaffProfile, User
    from .personal_data import Kind, LegalBasis, register_personal_data
    from .selectors import (
        access_log_records,
        account_records,
        consent_records,
        profile_records,
    )

    app = "people"
    account_retention = _(
        "Trong thời gian công tác; ẩn danh %(profile_years)s năm sau khi tài "
        "khoản kết thúc"
    )
    register_personal_data(
        Kind(
            key="account",
            label=_("Tài khoản"),
            columns=(
                ("email", _("Địa chỉ thư điện tử")),
                ("date_joined", _("Ngày tạo tài khoản")),
                ("last_login", _("Đăng nhập gần nhất")),
                ("is_active", _("Đang hoạt động")),
                ("roles", _("Vai trò")),
            ),
            records=account_records,
            holders=lambda: User.objects.values_list("pk", flat=True),
            purpose=_("Xác thực người dùng và phân quyền"),
            retention=account_retention,
            app=app,
        )
    )
    register_personal_data(
        Kind(
            key="profile",
            label=_("Hồ sơ công tác"),
            columns=(
                ("full_name", _("Họ và tên")),
                ("date_of_birth", _("Ngày sinh")),
                ("position", _("Chức vụ")),
                ("category", _("Đối tượng")),
                ("phone", _("Số điện thoại")),
                ("unit", _("Đơn vị hành chính")),
                ("agency", _("Đơn vị công tác")),
            ),
            records=profile_records,
            holders=lambda: StaffProfile.objects.values_list("user_id", flat=True),
            purpose=_("Tổ chức bồi dưỡng; báo cáo kết quả của đơn vị và của tỉnh"),
            retention=account_retention,
            app=app,
        )
    )
    register_personal_data(
        Kind(
            key="privacy_consents",
            label=_("Xác nhận thông báo xử lý dữ liệu"),
            columns=(
                ("notice_version", _("Phiên bản thông báo")),
                ("notice_sha256", _("Mã SHA-256 của thông báo")),
                ("accepted_at", _("Thời điểm xác nhận")),
                ("ip", _("Địa chỉ IP")),
                ("legal_bases", _("Cơ sở pháp lý theo mục đích")),
            ),
            records=consent_records,
            holders=lambda: PrivacyConsent.objects.values_list("user_id", flat=True),
            purpose=_("Chứng minh chủ thể dữ liệu đã được thông báo và đã đồng ý"),
            retention=account_retention,
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            app=app,
        )
    )
    register_personal_data(
        Kind(
            key="access_log",
            label=_("Nhật ký truy cập dữ liệu về bạn"),
            columns=(
                ("at", _("Thời điểm")),
                ("action", _("Hành động")),
                ("actor", _("Người thực hiện")),
                ("what", _("Nội dung")),
            ),
            records=access_log_records,
            holders=lambda: AccessLog.objects.filter(
                subject_user_id__isnull=False
            ).values_list("subject_user_id", flat=True),
            purpose=_("Bảo đảm an toàn hệ thống; phát hiện truy cập trái phép"),
            retention=_("%(log_years)s năm"),
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            app=app,
        )
    )
