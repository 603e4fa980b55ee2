"""What the background work left undone is queued again by the beat's sweep:
a completed course without its certificate (its task lost with a worker), a
certificate without its PDF or email."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from certificates.models import Certificate
from certificates.selectors import certificates_left_behind
from certificates.services import certificate_issue, certificate_revoke
from certificates.tasks import certificate_finish_left_behind
from tests.factories import make_person

pytestmark = pytest.mark.django_db

# The enrol fixture completes at 03/02/2026 09:00 UTC.
COMPLETED = datetime.datetime(2026, 2, 3, 9, 0, tzinfo=datetime.UTC)
A_DAY_LATER = COMPLETED + datetime.timedelta(days=1)


@pytest.fixture
def others(units):
    return [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Trần Thị Bình {i}",
            email=f"binh{i}@xuanloc.example.gov.vn",
        )
        for i in range(3)
    ]


def test_a_completion_whose_task_was_lost_gets_its_certificate(
    learner, course, template, enrol, django_capture_on_commit_callbacks
):
    # Completed without the signal: as if the queued task had been lost.
    enrol(learner, course, 85)
    with time_machine.travel(A_DAY_LATER, tick=False):
        assert certificates_left_behind() == ([(learner.pk, course.pk)], [])
        with django_capture_on_commit_callbacks(execute=True):
            assert certificate_finish_left_behind() == {"issue": 1, "finish": 0}
        certificate = Certificate.objects.get(learner=learner, course=course)
        assert certificate.pdf_sha256 and certificate.emailed_at
        assert len(mail.outbox) == 1
        # Nothing is left: the next sweep queues nothing.
        assert certificates_left_behind() == ([], [])
        assert certificate_finish_left_behind() == {"issue": 0, "finish": 0}
    assert Certificate.objects.filter(learner=learner, course=course).count() == 1
    assert len(mail.outbox) == 1


def test_only_completions_between_the_grace_and_the_days_are_swept(
    learner, others, course, template, enrol
):
    from courses.models import Enrolment

    just_now, long_ago, inactive = others
    for person in (learner, *others):
        enrol(person, course, 80)
    grace = datetime.timedelta(seconds=settings.CERTIFICATE_SWEEP_GRACE)
    Enrolment.objects.filter(learner=just_now).update(
        completed_at=A_DAY_LATER - grace / 2
    )
    Enrolment.objects.filter(learner=long_ago).update(
        completed_at=A_DAY_LATER
        - datetime.timedelta(days=settings.CERTIFICATE_SWEEP_DAYS, minutes=1)
    )
    inactive.is_active = False
    inactive.save()
    with time_machine.travel(A_DAY_LATER, tick=False):
        assert certificates_left_behind() == ([(learner.pk, course.pk)], [])
    # Once past its grace, the one just completed is swept too.
    with time_machine.travel(A_DAY_LATER + grace, tick=False):
        to_issue, _ = certificates_left_behind()
        assert to_issue == [(learner.pk, course.pk), (just_now.pk, course.pk)]


def test_a_revoked_certificate_is_not_issued_again_by_the_sweep(
    issued, learner, course, province_admin
):
    certificate_revoke(
        certificate=issued,
        revoked_by=province_admin,
        category=Certificate.RevocationCategory.ISSUED_IN_ERROR,
        reason="Cấp nhầm người.",
    )
    with time_machine.travel(A_DAY_LATER, tick=False):
        assert certificates_left_behind() == ([], [])


def test_a_certificate_left_without_pdf_or_email_is_finished_once(
    learner, others, course, template, enrol, django_capture_on_commit_callbacks
):
    no_address = others[0]
    enrol(learner, course, 90)
    enrol(no_address, course, 90)
    with time_machine.travel(COMPLETED + datetime.timedelta(minutes=5), tick=False):
        # Issued in a request; its render task was lost (on commit, never run).
        certificate = certificate_issue(learner=learner, course=course)
        other = certificate_issue(learner=no_address, course=course)
    type(no_address).objects.filter(pk=no_address.pk).update(email="")
    with time_machine.travel(A_DAY_LATER, tick=False):
        # Without an address only the PDF is owed.
        assert certificates_left_behind() == ([], [certificate.pk, other.pk])
        with django_capture_on_commit_callbacks(execute=True):
            assert certificate_finish_left_behind() == {"issue": 0, "finish": 2}
        assert certificates_left_behind() == ([], [])
    certificate.refresh_from_db()
    other.refresh_from_db()
    assert certificate.pdf_sha256 and certificate.emailed_at
    assert other.pdf_sha256 and other.emailed_at is None
    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_the_beat_runs_the_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["finish-certificates-left-behind"]
    assert entry["task"] == certificate_finish_left_behind.name
    assert entry["schedule"] == settings.CERTIFICATE_SWEEP_EVERY
