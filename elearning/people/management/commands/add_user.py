from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from elearning.people.models import Role
from elearning.people.selectors import UnitLookupError, parse_day, unit_on
from elearning.people.services import InviteError, agency_get_or_create, user_invite


class Command(BaseCommand):
    help = _(
        "Mời một người dùng: tạo tài khoản chưa có mật khẩu và gửi đường liên kết "
        "đặt mật khẩu."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        # Checked by hand (not argparse choices) so the error is translated.
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--unit", help=_("mã đơn vị hành chính, ví dụ 741"))
        parser.add_argument("--agency", help=_("tên cơ quan, đơn vị công tác"))
        parser.add_argument("--full-name", default="", help=_("họ và tên"))
        parser.add_argument(
            "--on",
            help=_(
                "ngày xác định đơn vị (dd/mm/yyyy hoặc YYYY-MM-DD; mặc định hôm nay)"
            ),
        )

    def handle(self, *args, email, role, unit, agency, full_name, on=None, **options):
        if role not in Role.values:
            raise CommandError(
                _("Vai trò «%(role)s» không tồn tại; chọn một trong: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            )
        try:
            day = parse_day(on) if on else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        unit_obj = None
        if unit:
            # The unit in force on the day: an ended one is refused, naming
            # the units that took it over.
            try:
                unit_obj = unit_on(unit, day)
            except UnitLookupError as error:
                raise CommandError(str(error)) from None
        if agency and unit_obj is None:
            raise CommandError(_("Cần --unit để chỉ rõ cơ quan thuộc đơn vị nào."))
        try:
            with transaction.atomic():
                agency_obj = None
                if agency:
                    agency_obj, _created = agency_get_or_create(
                        unit=unit_obj, name=agency
                    )
                user, link, created = user_invite(
                    email=email,
                    role=role,
                    unit=unit_obj,
                    agency=agency_obj,
                    full_name=full_name,
                )
        except InviteError as error:
            raise CommandError(str(error)) from None
        message = (
            _("Đã tạo tài khoản %(email)s (%(role)s).")
            if created
            else _("Tài khoản %(email)s đã có; đã cập nhật (%(role)s).")
        )
        self.stdout.write(
            self.style.SUCCESS(
                message % {"email": user.email, "role": Role(role).label}
            )
        )
        self.stdout.write(_("Đường liên kết đặt mật khẩu: %(link)s") % {"link": link})
