from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from elearning.people.models import AdministrativeUnit
from elearning.people.selectors import UnitLookupError, parse_day, unit_on
from elearning.people.unit_moves import moves_propose, units_migrate


def _label(unit: AdministrativeUnit) -> str:
    return f"{unit.full_name} ({unit.code})"


class Command(BaseCommand):
    help = _(
        "Chuyển những người thuộc một đơn vị đã kết thúc (hoặc đơn vị cấp dưới của "
        "nó) sang đơn vị kế thừa; người có nhiều đơn vị kế thừa chỉ được liệt kê, "
        "trừ khi có --to."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            help=_("mã đơn vị đã kết thúc, ví dụ 741"),
        )
        parser.add_argument(
            "--on",
            help=_("ngày chuyển (dd/mm/yyyy hoặc YYYY-MM-DD; mặc định hôm nay)"),
        )
        parser.add_argument(
            "--to",
            help=_("mã đơn vị kế thừa nhận tất cả mọi người (kể cả người chưa rõ)"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("chỉ in đề xuất, không thay đổi gì"),
        )

    def handle(self, *args, source, on=None, to=None, dry_run=False, **options):
        try:
            day = parse_day(on) if on else timezone.localdate()
        except ValueError as error:
            raise CommandError(str(error)) from None
        unit = self._source(source, day)
        proposals = moves_propose(unit=unit, day=day)
        target = None
        if to:
            try:
                target = unit_on(to, day)
            except UnitLookupError as error:
                raise CommandError(str(error)) from None
            allowed = {c.pk for p in proposals for c in p.candidates}
            if proposals and target.pk not in allowed:
                raise CommandError(
                    _("%(unit)s không phải đơn vị kế thừa của %(source)s.")
                    % {"unit": _label(target), "source": _label(unit)}
                )
        moves, undecided = [], []
        for proposal in proposals:
            chosen = target or proposal.to
            person = f"{proposal.profile.full_name} <{proposal.profile.user.email}>"
            if chosen is None:
                undecided.append(proposal)
                self.stdout.write(
                    _("%(person)s: %(unit)s → chưa rõ; chọn một trong: %(candidates)s")
                    % {
                        "person": person,
                        "unit": _label(proposal.unit),
                        "candidates": ", ".join(_label(c) for c in proposal.candidates)
                        or _("(chưa có đơn vị kế thừa)"),
                    }
                )
                continue
            moves.append((proposal.profile, chosen))
            self.stdout.write(f"{person}: {_label(proposal.unit)} → {_label(chosen)}")
        if dry_run:
            self.stdout.write(
                _(
                    "Chạy thử, chưa thay đổi gì: sẽ chuyển %(moved)d người, "
                    "%(undecided)d người chưa rõ đơn vị kế thừa."
                )
                % {"moved": len(moves), "undecided": len(undecided)}
            )
            return
        try:
            moved = units_migrate(moves=moves, day=day)
        except UnitLookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã chuyển %(moved)d người; %(undecided)d người chưa rõ đơn vị "
                    "kế thừa (chọn trong trang quản trị hoặc chạy lại với --to)."
                )
                % {"moved": moved, "undecided": len(undecided)}
            )
        )

    def _source(self, code: str, day) -> AdministrativeUnit:
        """The unit with ``code`` that had ended by ``day`` (the latest), or
        the one in force then (its ended units beneath are moved)."""
        ended = (
            AdministrativeUnit.objects.filter(code=code, valid_to__lt=day)
            .order_by("-valid_from")
            .first()
        )
        if ended is not None:
            return ended
        try:
            return unit_on(code, day)
        except UnitLookupError as error:
            raise CommandError(str(error)) from None
