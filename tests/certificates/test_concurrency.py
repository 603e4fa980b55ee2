"""Numbers under real concurrency: PostgreSQL row locks, one connection per
thread. Run with DATABASE_URL=postgres://..."""

import threading

import pytest
from django.db import connection, connections

from certificates.models import Certificate, CertificateSeries
from certificates.services import certificate_issue
from tests.factories import make_person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_concurrently(jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return results


@pytest.fixture(autouse=True)
def _migration_data(django_db_setup, django_db_blocker):
    """Transactional tests flush the tables after each test, taking the rows
    data migrations made (role groups, Wagtail's locale and root page)."""
    from django.contrib.auth.models import Group
    from wagtail.models import Locale, Page

    from elearning.people.models import Role

    with django_db_blocker.unblock():
        for role in Role:
            Group.objects.get_or_create(name=str(role))
        Locale.objects.get_or_create(language_code="vi")
        if not Page.objects.filter(depth=1).exists():
            Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def quiet(monkeypatch):
    """No PDF rendering or email from the worker threads."""
    monkeypatch.setattr("certificates.services._after_issue", lambda certificate: None)


def test_fifty_concurrent_issues_get_fifty_consecutive_numbers(
    units, course, template, enrol, quiet
):
    assert connection.vendor == "postgresql"
    people = [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Học Viên Số {i}",
            email=f"hv{i}@xuanloc.example.gov.vn",
        )
        for i in range(50)
    ]
    for person in people:
        enrol(person, course, 80)
    jobs = [
        (lambda p=p: certificate_issue(learner=p, course=course).pk) for p in people
    ]
    ids = _run_concurrently(jobs)
    assert len(set(ids)) == 50
    certificates = Certificate.objects.filter(pk__in=ids)
    assert sorted(c.sequence for c in certificates) == list(range(1, 51))
    assert len({c.number for c in certificates}) == 50
    assert {c.series.issuer.code for c in certificates} == {"SKHCN"}
    series = CertificateSeries.objects.get()
    assert series.last_number == 50


def test_concurrent_issues_for_one_learner_leave_one_certificate(
    learner, course, template, enrol, quiet
):
    enrol(learner, course, 91)
    ids = _run_concurrently(
        [lambda: certificate_issue(learner=learner, course=course).pk] * 10
    )
    assert len(set(ids)) == 1
    assert Certificate.objects.count() == 1
    assert CertificateSeries.objects.get().last_number == 1
