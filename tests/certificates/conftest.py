"""Fixtures for certificates: a course in the page tree, a controllable
completion rule, the province's issuers and a default template.

Page tree::

    Root
    └── Khóa học (CourseIndexPage)
        └── An toàn thông tin cơ bản (CoursePage, code ATTT-CB-2026)
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from courses.completion import Requirement


@pytest.fixture
def completion(monkeypatch):
    """Replace the registered completion checks with one the test controls.

    ``completion.scores[learner_id] = Decimal(...)`` marks a learner done
    with that score; everyone else is "not done".
    """
    from courses import completion as registry

    class Control:
        scores: dict[int, Decimal] = {}

        def check(self, enrolment):
            score = self.scores.get(enrolment.learner_id)
            if score is None:
                return Requirement(
                    "test", "Bài kiểm tra", False, ["Chưa đạt bài kiểm tra cuối khóa."]
                )
            return Requirement("test", "Bài kiểm tra", True, [], None, score)

    control = Control()
    control.scores = {}
    monkeypatch.setattr(registry, "_CHECKS", {"test": control.check})
    return control


@pytest.fixture
def course(db):
    from wagtail.models import Page

    from courses.models import CourseIndexPage, CoursePage

    root = Page.objects.get(depth=1)
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    return index.add_child(
        instance=CoursePage(
            title="An toàn thông tin cơ bản", slug="attt-co-ban", code="ATTT-CB-2026"
        )
    )


@pytest.fixture
def issuers(db):
    """The issuers the data migration seeds (made again after a flush), by
    code: STTTT until 28/02/2025, SKHCN from 01/03/2025."""
    from certificates.demo import seed_issuers

    return {issuer.code: issuer for issuer in seed_issuers()}


@pytest.fixture
def template(issuers):
    from certificates.models import CertificateTemplate

    template = CertificateTemplate.objects.create(name="Mặc định", is_default=True)
    template.save_revision(log_action=False)
    return template


@pytest.fixture
def enrol(completion):
    """enrol(learner, course, score=None): enrolment, completed if a score."""
    from courses.models import Enrolment

    def make(learner, course, score=None):
        enrolment, _ = Enrolment.objects.get_or_create(learner=learner, course=course)
        if score is not None:
            completion.scores[learner.pk] = Decimal(score)
            enrolment.status = Enrolment.Status.COMPLETED
            enrolment.completed_at = datetime.datetime(
                2026, 2, 3, 9, 0, tzinfo=datetime.UTC
            )
            enrolment.save()
        return enrolment

    return make


@pytest.fixture
def issued(learner, course, template, enrol):
    """A certificate of ``learner`` for ``course`` (score 85 → Giỏi)."""
    from certificates.services import certificate_issue

    learner.profile.date_of_birth = datetime.date(1985, 3, 7)
    learner.profile.save()
    enrol(learner, course, 85)
    return certificate_issue(learner=learner, course=course)
