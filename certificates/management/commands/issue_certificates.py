"""Issue certificates to everyone eligible for a course; print who was skipped."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from courses.models import CoursePage
from elearning.people.models import AdministrativeUnit

from ...selectors import issue_preview
from ...services import NotEligible, certificate_issue


class _System:
    """Acts with a province admin's reach: the command is run by operators."""

    is_authenticated = True
    is_active = True
    is_province_admin = True
    is_unit_officer = False
    pk = None


class Command(BaseCommand):
    help = "Cấp giấy chứng nhận cho mọi học viên đủ điều kiện của một khóa học."

    def add_arguments(self, parser):
        parser.add_argument("--course", required=True, help="Mã (hoặc slug) khóa học")
        parser.add_argument("--unit", help="Mã đơn vị hành chính (huyện)")
        parser.add_argument("--class", dest="class_code", default="", help="Mã lớp")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê")

    def handle(self, *args, course, unit, class_code, dry_run, **options):
        course_page = CoursePage.objects.filter(Q(code=course) | Q(slug=course)).first()
        if course_page is None:
            raise CommandError(f"Không tìm thấy khóa học {course}.")
        unit_obj = None
        if unit:
            unit_obj = (
                AdministrativeUnit.objects.filter(code=unit).current().first()
                or AdministrativeUnit.objects.filter(code=unit)
                .order_by("-valid_from")
                .first()
            )
            if unit_obj is None:
                raise CommandError(f"Không tìm thấy đơn vị {unit}.")
        preview = issue_preview(
            user=_System(),
            course=course_page,
            unit=unit_obj,
            training_class_code=class_code,
        )
        if preview.error:
            raise CommandError(preview.error)
        issued = skipped = 0
        for candidate in preview.candidates:
            learner = candidate.learner
            label = f"{learner.get_full_name()} <{learner.email}>"
            if not candidate.eligible:
                skipped += 1
                self.stdout.write(f"SKIPPED {label}: {'; '.join(candidate.reasons)}")
                continue
            if dry_run:
                issued += 1
                self.stdout.write(f"WOULD ISSUE {label}")
                continue
            try:
                certificate = certificate_issue(
                    learner=learner, course=course_page, training_class_code=class_code
                )
            except NotEligible as exc:
                skipped += 1
                self.stdout.write(f"SKIPPED {label}: {'; '.join(exc.reasons)}")
                continue
            issued += 1
            self.stdout.write(
                self.style.SUCCESS(f"ISSUED {certificate.number} {label}")
            )
        verb = "would issue" if dry_run else "issued"
        self.stdout.write(f"{verb}: {issued}, skipped: {skipped}")
