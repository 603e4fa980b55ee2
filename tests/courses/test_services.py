import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from courses import services
from courses.models import CoursePage, Enrolment, LessonProgress
from courses.selectors import course_eligibility
from courses.signals import course_completed

from .conftest import studied


def actions(enrolment):
    return list(
        ModelLogEntry.objects.for_instance(enrolment)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def test_self_enrol_only_in_open_course(course, learner):
    enrolment = services.enrolment_create(learner=learner, course=course, actor=learner)
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert enrolment.source == Enrolment.Source.SELF
    assert actions(enrolment) == ["courses.enrolment.create"]
    # idempotent
    again = services.enrolment_create(learner=learner, course=course, actor=learner)
    assert again.pk == enrolment.pk and len(actions(enrolment)) == 1
    course.enrolment_policy = CoursePage.EnrolmentPolicy.OFFICER
    course.save()
    with pytest.raises(services.EnrolmentError):
        services.enrolment_create(learner=learner, course=course, actor=learner)


@pytest.mark.parametrize("policy", ["officer", "approval"])
def test_self_enrol_refused_unless_open(course, other_learner, policy):
    course.enrolment_policy = policy
    course.save()
    with pytest.raises(services.EnrolmentError):
        services.enrolment_create(
            learner=other_learner, course=course, actor=other_learner
        )
    assert not Enrolment.objects.exists()


def test_officer_enrols_own_district_only(course, officer, learner, other_learner):
    course.enrolment_policy = CoursePage.EnrolmentPolicy.OFFICER
    course.save()
    enrolment = services.enrolment_create(learner=learner, course=course, actor=officer)
    assert enrolment.enrolled_by == officer
    assert enrolment.source == Enrolment.Source.OFFICER
    with pytest.raises(PermissionDenied):
        services.enrolment_create(learner=other_learner, course=course, actor=officer)


def test_officer_enrols_several_and_learns_who_was_enrolled_now(
    course, officer, learner, units
):
    from tests.factories import make_person

    course.enrolment_policy = CoursePage.EnrolmentPolicy.OFFICER
    course.save()
    colleague, withdrawn = (
        make_person(
            role="learner", unit=units["741"], full_name=name, email=f"{slug}@xl.vn"
        )
        for name, slug in (("Lê Thị Bình", "binh"), ("Trần Văn Cường", "cuong"))
    )
    before = services.enrolment_create(learner=learner, course=course, actor=officer)
    old = services.enrolment_create(learner=withdrawn, course=course, actor=officer)
    Enrolment.objects.filter(pk=old.pk).update(status=Enrolment.Status.WITHDRAWN)

    enrolled, already = services.enrolments_create(
        learners=[learner, colleague, withdrawn], course=course, actor=officer
    )

    assert [e.learner for e in enrolled] == [colleague, withdrawn]
    assert [e.pk for e in already] == [before.pk]
    assert all(e.status == Enrolment.Status.ENROLLED for e in enrolled)
    assert enrolled[1].pk == old.pk  # made active again, not a second row
    assert Enrolment.objects.filter(course=course).count() == 3


def test_enrolling_several_is_all_or_none(course, officer, learner, other_learner):
    with pytest.raises(PermissionDenied):
        services.enrolments_create(
            learners=[learner, other_learner], course=course, actor=officer
        )
    assert not Enrolment.objects.exists()


def test_request_approve_refuse(
    course,
    learner,
    officer,
    other_officer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    course.enrolment_policy = CoursePage.EnrolmentPolicy.APPROVAL
    course.save()
    enrolment = services.enrolment_request(learner=learner, course=course)
    assert enrolment.status == Enrolment.Status.REQUESTED
    assert course_eligibility(user=learner, course=course).complete is False
    with pytest.raises(PermissionDenied):
        services.enrolment_approve(enrolment=enrolment, actor=other_officer)
    with pytest.raises(services.EnrolmentError):
        services.enrolment_refuse(enrolment=enrolment, actor=officer, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.enrolment_refuse(
            enrolment=enrolment, actor=officer, reason="Không thuộc đối tượng"
        )
    assert refused.status == Enrolment.Status.REFUSED
    assert "Không thuộc đối tượng" in mailoutbox[-1].body
    again = services.enrolment_request(learner=learner, course=course)
    assert again.status == Enrolment.Status.REQUESTED
    approved = services.enrolment_approve(enrolment=again, actor=officer)
    assert approved.status == Enrolment.Status.ENROLLED
    assert actions(enrolment) == [
        "courses.enrolment.request",
        "courses.enrolment.refuse",
        "courses.enrolment.request",
        "courses.enrolment.approve",
    ]


def test_officer_policy_request_is_refused(course, learner):
    course.enrolment_policy = CoursePage.EnrolmentPolicy.OFFICER
    course.save()
    with pytest.raises(services.EnrolmentError):
        services.enrolment_request(learner=learner, course=course)


def test_withdraw(course, learner, officer, other_officer):
    enrolment = services.enrolment_create(learner=learner, course=course, actor=officer)
    with pytest.raises(PermissionDenied):
        services.enrolment_withdraw(enrolment=enrolment, actor=other_officer)
    withdrawn = services.enrolment_withdraw(
        enrolment=enrolment, actor=officer, reason="Chuyển công tác"
    )
    assert withdrawn.status == Enrolment.Status.WITHDRAWN
    assert actions(enrolment)[-1] == "courses.enrolment.withdraw"
    assert "Chưa ghi danh" in course_eligibility(user=learner, course=course).reasons[0]


def test_lessons_complete_the_course_once(
    course, lessons, learner, django_capture_on_commit_callbacks
):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    received = []

    def on_completed(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(on_completed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            studied(learner, lessons[0])
            services.lesson_complete(learner=learner, lesson=lessons[0])
            eligibility = course_eligibility(user=learner, course=course)
            assert not eligibility.complete
            assert eligibility.reasons == ["Còn 2/3 bài học chưa hoàn thành."]
            assert eligibility.progress_percent == 33
            for lesson in lessons:
                studied(learner, lesson)
                services.lesson_complete(learner=learner, lesson=lesson)
    finally:
        course_completed.disconnect(on_completed)
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at is not None
    assert len(received) == 1
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 3


def test_sequential_course_gates_lessons(course, lessons, learner):
    course.sequential = True
    course.save()
    services.enrolment_create(learner=learner, course=course, actor=learner)
    with pytest.raises(services.EnrolmentError):
        studied(learner, lessons[1])
        services.lesson_complete(learner=learner, lesson=lessons[1])
    studied(learner, lessons[0])
    services.lesson_complete(learner=learner, lesson=lessons[0])
    studied(learner, lessons[1])
    services.lesson_complete(learner=learner, lesson=lessons[1])


def test_lesson_complete_needs_enrolment(lessons, learner):
    with pytest.raises(services.EnrolmentError):
        studied(learner, lessons[0])
        services.lesson_complete(learner=learner, lesson=lessons[0])
