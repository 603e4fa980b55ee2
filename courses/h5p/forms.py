"""Admin forms: upload a package (a new version each time)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .services import (
    MAX_SCORE_COMPUTED,
    max_score_is_computed,
    package_check_against_installed,
)
from .validation import PackageError, validate_package


class H5PContentForm(WagtailAdminModelForm):
    package = forms.FileField(
        label=_("Gói H5P (.h5p)"),
        required=False,
        help_text=_(
            "Mỗi lần tải lên tạo một phiên bản mới; phiên bản cũ được giữ lại "
            "cho các lượt làm bài đã có. Thư viện mới cần quản trị cấp tỉnh "
            "duyệt trước khi học viên làm được bài. Hệ thống tự tính điểm tối "
            "đa và chấm lại câu trả lời của các loại bài tập phổ biến; với các "
            "loại khác, điểm do trình duyệt báo và có thể bị giả mạo."
        ),
    )
    max_score = forms.IntegerField(
        label=_("Điểm tối đa"),
        required=False,
        min_value=1,
        help_text=_(
            "Chỉ cần nhập khi danh sách bài tập ghi “cần nhập điểm tối đa”. "
            "Trước khi có điểm tối đa, bài tập vẫn làm được nhưng chưa tính "
            "vào điều kiện hoàn thành."
        ),
    )

    def clean_max_score(self):
        max_score = self.cleaned_data.get("max_score")
        version = self.instance.current_version if self.instance.pk else None
        if max_score and version is not None and max_score_is_computed(version):
            raise forms.ValidationError(MAX_SCORE_COMPUTED)
        return max_score

    def clean_package(self):
        upload = self.cleaned_data.get("package")
        if upload is None:
            if self.instance.pk is None:
                raise forms.ValidationError(_("Hãy chọn một gói H5P."))
            return None
        try:
            package = validate_package(upload, filename=upload.name, size=upload.size)
            package_check_against_installed(package)
        except PackageError as error:
            raise forms.ValidationError(error.messages) from None
        upload.seek(0)
        return upload
