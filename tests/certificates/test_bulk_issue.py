"""The bulk issue's background work: the learners are handed out in chunks
of ``ISSUE_CHUNK``, each chunk one task that issues, renders and emails its
learners one after the other, each in its own transaction."""

from __future__ import annotations

import pytest
from django.core import mail

from certificates import tasks
from certificates.models import Certificate
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(units):
    return [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Nguyễn Văn An {i}",
            email=f"an{i}@xuanloc.example.gov.vn",
        )
        for i in range(5)
    ]


def test_the_batch_hands_out_chunks_in_order(monkeypatch):
    chunks = []
    monkeypatch.setattr(tasks, "ISSUE_CHUNK", 2)
    monkeypatch.setattr(
        tasks.certificate_issue_chunk, "delay", lambda *a: chunks.append(a)
    )
    assert tasks.certificate_issue_batch(7, [1, 2, 3, 4, 5], 9, "L01") == 5
    assert chunks == [
        (7, [1, 2], 9, "L01"),
        (7, [3, 4], 9, "L01"),
        (7, [5], 9, "L01"),
    ]


def test_a_chunk_issues_renders_and_emails_each_once(
    staff, course, template, enrol, province_admin, django_capture_on_commit_callbacks
):
    for person in staff[:4]:
        enrol(person, course, 90)
    enrol(staff[4], course)  # enrolled, not done: no certificate
    ids = [person.pk for person in staff]
    with django_capture_on_commit_callbacks(execute=True):
        done = tasks.certificate_issue_chunk(course.pk, ids, province_admin.pk, "L01")
    assert done == 4
    issued = Certificate.objects.filter(course=course)
    assert sorted(issued.values_list("learner", flat=True)) == ids[:4]
    assert sorted(issued.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    for certificate in issued:
        assert certificate.pdf_sha256 and certificate.emailed_at is not None
        assert certificate.issued_by == province_admin
        assert certificate.training_class_code == "L01"
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        person.email for person in staff[:4]
    )
    # Delivered again (a worker lost before its acknowledgement): nothing
    # issued, rendered or sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.certificate_issue_chunk(course.pk, ids, province_admin.pk) == 4
    assert issued.count() == 4 and len(mail.outbox) == 4


def test_a_learner_that_fails_is_queued_on_its_own_and_the_chunk_goes_on(
    staff, course, template, enrol, monkeypatch, django_capture_on_commit_callbacks
):
    from certificates import services

    for person in staff[:3]:
        enrol(person, course, 90)
    queued = []
    monkeypatch.setattr(
        tasks.certificate_issue_for, "delay", lambda *a: queued.append(a)
    )
    real_issue = services.certificate_issue_or_get

    def fails_for_the_second(*, learner, **kwargs):
        if learner.pk == staff[1].pk:
            raise ConnectionError("the database went away")
        return real_issue(learner=learner, **kwargs)

    monkeypatch.setattr(services, "certificate_issue_or_get", fails_for_the_second)
    ids = [person.pk for person in staff[:3]]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.certificate_issue_chunk(course.pk, ids) == 2
    assert queued == [(staff[1].pk, course.pk, None, "")]
    assert set(Certificate.objects.values_list("learner", flat=True)) == {
        staff[0].pk,
        staff[2].pk,
    }
    assert len(mail.outbox) == 2
    # The queued task, run: the learner left out gets the next number.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.certificate_issue_for(*queued[0])
    assert Certificate.objects.get(learner=staff[1]).sequence == 3
    assert len(mail.outbox) == 3


def test_a_chunk_reads_the_course_and_the_issuing_user_once(
    staff, course, template, enrol, province_admin, django_capture_on_commit_callbacks
):
    """What a task a learner would read for each of them, a chunk reads once;
    every other query is the learner's own certificate's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for person in staff:
        enrol(person, course, 90)
    # A first certificate: the template and issuer revisions are kept, as in
    # a worker that has issued before.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.certificate_issue_for(staff[0].pk, course.pk, province_admin.pk)
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as one,
    ):
        tasks.certificate_issue_for(staff[1].pk, course.pk, province_admin.pk)
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as chunk,
    ):
        tasks.certificate_issue_chunk(
            course.pk, [person.pk for person in staff[2:]], province_admin.pk
        )
    assert len(mail.outbox) == 5
    assert len(chunk) == 2 + 3 * (len(one) - 2), (len(one), len(chunk))
