"""manage.py delete_import_uploads: delete the staff lists no longer kept."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from courses.imports import import_uploads_delete


class Command(BaseCommand):
    help = _(
        "Xóa các tệp danh sách cán bộ đã tải lên: của lượt nhập đã xong, và của "
        "lượt nhập lỗi hoặc chưa xác nhận sau IMPORT_UPLOAD_KEEP_DAYS ngày."
    )

    def handle(self, *args, **options):
        deleted = import_uploads_delete()
        self.stdout.write(_("Đã xóa %(n)d tệp.") % {"n": deleted})
