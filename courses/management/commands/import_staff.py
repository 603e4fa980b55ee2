"""manage.py import_staff FILE --unit CODE [--course CODE-or-SLUG] [--on DATE]
[--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.imports import import_file
from courses.models import CoursePage
from elearning.people.selectors import UnitLookupError, parse_day, unit_on


class Command(BaseCommand):
    help = _(
        "Nhập danh sách cán bộ (và ghi danh) từ tệp CSV hoặc XLSX; "
        "có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--unit", required=True, help=_("mã đơn vị hành chính nhận danh sách")
        )
        parser.add_argument(
            "--course", help=_("mã hoặc slug khóa học ghi danh cho mọi người")
        )
        parser.add_argument(
            "--on",
            help=_(
                "ngày của danh sách (dd/mm/yyyy hoặc YYYY-MM-DD): đơn vị được xác "
                "định theo ngày này; mặc định hôm nay"
            ),
        )
        parser.add_argument(
            "--duplicates",
            choices=["new", "same"],
            help=_(
                "dòng có thể trùng với người đã có (cùng họ tên và ngày sinh, hoặc "
                "cùng họ tên trong cùng cơ quan, khác địa chỉ thư): new = người "
                "khác, tạo mới; same = cùng một người, cập nhật (người đầu tiên "
                "khớp). Không chọn mà có dòng như vậy thì không ghi gì"
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("chỉ kiểm tra, không ghi gì")
        )

    def handle(
        self,
        *args,
        file: Path,
        unit: str,
        course=None,
        on=None,
        dry_run=False,
        duplicates=None,
        **options,
    ):
        try:
            day = parse_day(on) if on else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        # The unit in force on the list's day (a past list names the units
        # of its day); an ended one is refused with its successors.
        try:
            scope = unit_on(unit, day)
        except UnitLookupError as error:
            raise CommandError(str(error)) from None
        target = None
        if course:
            target = (
                CoursePage.objects.filter(code=course).first()
                or CoursePage.objects.filter(slug=course).first()
            )
            if target is None:
                raise CommandError(
                    _("Không có khóa học «%(course)s».") % {"course": course}
                )
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        plan, result = import_file(
            data,
            filename=file.name,
            scope=scope,
            actor=None,
            course=target,
            dry_run=dry_run,
            administrator=True,
            on=day,
            duplicates=duplicates,
        )
        if result is None:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(n)d lỗi trong %(file)s: chưa nhập gì.")
                % {"n": len(plan.errors), "file": file.name}
            )
        if duplicates and plan.possible:
            self.stdout.write(
                _("%(n)d dòng có thể trùng với người đã có, đã xử lý là: %(how)s")
                % {
                    "n": len(plan.possible),
                    "how": _("người khác, tạo mới")
                    if duplicates == "new"
                    else _("cùng một người, cập nhật"),
                }
            )
        for row in plan.taken_over:
            # An officer's import would have refused these rows.
            verb = _("Sẽ cập nhật") if dry_run else _("Đã cập nhật")
            self.stdout.write(
                _("%(verb)s dòng %(line)d: %(reason)s")
                % {"verb": verb, "line": row.line, "reason": row.reason}
            )
        figures = ", ".join(f"{key}={value}" for key, value in result.as_dict().items())
        if dry_run:
            self.stdout.write(
                _("Chạy thử, chưa ghi gì. Kết quả sẽ là: %(figures)s")
                % {"figures": figures}
            )
        else:
            self.stdout.write(figures)
