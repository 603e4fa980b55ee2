# Fixture for .semgrep/views.yml (semgrep --test); named views.py because the
# rule applies to views modules only. Never imported or run.
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from courses.models import Enrolment
from elearning.people.models import StaffProfile, User


def staff_list(request, pk):
    # ruleid: no-unscoped-personal-data-in-views
    everyone = User.objects.filter(is_active=True)
    # ruleid: no-unscoped-personal-data-in-views
    profile = StaffProfile.objects.get(pk=pk)
    # ruleid: no-unscoped-personal-data-in-views
    enrolments = Enrolment.objects.all().count()
    # ruleid: no-unscoped-personal-data-in-views
    someone = get_object_or_404(StaffProfile, pk=pk)
    # ruleid: no-unscoped-personal-data-in-views
    anyone = get_user_model().objects.get(pk=pk)
    # ok: no-unscoped-personal-data-in-views
    mine = StaffProfile.objects.visible_to(request.user).get(pk=pk)
    # ok: no-unscoped-personal-data-in-views
    district = User.objects.visible_to(request.user).filter(is_active=True)
    # ok: no-unscoped-personal-data-in-views
    own = request.user.enrolments.get(course_id=pk)
    # ok: no-unscoped-personal-data-in-views
    scoped = get_object_or_404(StaffProfile.objects.visible_to(request.user), pk=pk)
    return everyone, profile, enrolments, someone, anyone, mine, district, own, scoped
