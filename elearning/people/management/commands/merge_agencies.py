from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from elearning.people.models import AdministrativeUnit
from elearning.people.services import agencies_merge_duplicates


class Command(BaseCommand):
    help = _(
        "Gộp các cơ quan, đơn vị cùng một đơn vị hành chính có tên chỉ khác nhau "
        "về chữ hoa, chữ thường hoặc khoảng trắng (giữ cơ quan tạo trước)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help=_("Mã đơn vị hành chính (mặc định: tất cả)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Chỉ liệt kê, không thay đổi gì")
        )

    def handle(self, *args, unit=None, dry_run=False, **options):
        chosen = None
        if unit:
            chosen = AdministrativeUnit.objects.filter(code=unit).first()
            if chosen is None:
                raise CommandError(
                    _("Không có đơn vị hành chính mã «%(code)s».") % {"code": unit}
                )
        merges = agencies_merge_duplicates(unit=chosen, dry_run=dry_run)
        for merge in merges:
            self.stdout.write(
                _("%(unit)s: «%(merged)s» → «%(kept)s» (%(people)d người)")
                % {
                    "unit": merge.kept.unit.full_name,
                    "merged": "», «".join(merge.merged),
                    "kept": merge.kept.name,
                    "people": merge.people,
                }
            )
        merged = sum(len(merge.merged) for merge in merges)
        if dry_run:
            self.stdout.write(
                _("Sẽ gộp %(n)d cơ quan, đơn vị (chưa thay đổi gì).") % {"n": merged}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Đã gộp %(n)d cơ quan, đơn vị.") % {"n": merged})
            )
