"""Scores the server records: re-graded from the response against the stored
content.json, flagged when the browser claimed otherwise; browser-reported
for the types it cannot grade; counted toward completion only when they can
be."""

from __future__ import annotations

import json

import pytest

from courses.h5p.models import H5PContent, H5PStatement, ScoreSource
from courses.h5p.services import attempt_start, content_iri, statement_record
from courses.models import Enrolment

from .helpers import import_bytes, real_content, real_package

pytestmark = pytest.mark.django_db

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def install(name):
    return import_bytes(
        real_package(name), filename=f"{name}.h5p", approve_libraries=True
    ).version


def top(version, *, raw, max_score, response=None, verb=ANSWERED):
    result = {"score": {"raw": raw, "max": max_score, "min": 0}, "completion": True}
    if response is not None:
        result["response"] = response
    return {
        "verb": {"id": verb},
        "object": {"id": content_iri(version)},
        "result": result,
    }


def part(version, sub_id, *, response=None, raw=0, max_score=1):
    """A part's statement as H5P sends it from inside a container."""
    result = {"score": {"raw": raw, "max": max_score, "min": 0}}
    if response is not None:
        result["response"] = response
    return {
        "verb": {"id": ANSWERED},
        "object": {
            "id": f"{content_iri(version)}?subContentId={sub_id}",
            "definition": {
                "extensions": {"http://h5p.org/x-api/h5p-subContentId": sub_id}
            },
        },
        "context": {"contextActivities": {"parent": [{"id": content_iri(version)}]}},
        "result": result,
    }


def send(attempt, data, course=None):
    return statement_record(
        attempt=attempt, raw_body=json.dumps(data).encode(), course=course
    )


@pytest.mark.parametrize(
    "name,response,claimed,recorded,flagged",
    [
        ("H5P.TrueFalse", "true", 1, 1, False),
        ("H5P.TrueFalse", "false", 1, 0, True),  # forged: full marks, wrong
        ("H5P.MultiChoice", "0", 1, 1, False),
        ("H5P.MultiChoice", "2", 1, 0, True),
        ("H5P.Blanks", "blue[,]cloud[,]white", 2, 2, False),
        ("H5P.Blanks", "x[,]y[,]z", 3, 0, True),
        ("H5P.DragText", "blue[,]orange[,]red", 1, 1, False),
        ("H5P.MarkTheWords", "0[,]4[,]1", 1, 1, False),
        ("H5P.MarkTheWords", "1[,]2", 7, 0, True),
    ],
)
def test_server_records_its_own_score(
    learner, name, response, claimed, recorded, flagged
):
    version = install(name)
    assert version.server_graded
    attempt = attempt_start(learner=learner, version=version)
    outcome = send(
        attempt,
        top(version, raw=claimed, max_score=version.max_score, response=response),
    )
    statement = outcome.statement
    assert statement.outcome == H5PStatement.Outcome.ACCEPTED
    assert (statement.claimed_score, statement.recorded_score) == (claimed, recorded)
    assert statement.flagged is flagged
    attempt = outcome.attempt
    attempt.refresh_from_db()
    assert (attempt.raw_score, attempt.max_score) == (recorded, version.max_score)
    assert attempt.score_source == ScoreSource.SERVER
    assert attempt.flagged is flagged


def test_forged_score_beyond_the_maximum_is_graded_not_believed(learner):
    version = install("H5P.TrueFalse")
    attempt = attempt_start(learner=learner, version=version)
    outcome = send(attempt, top(version, raw=50, max_score=50, response="false"))
    assert outcome.statement.outcome == H5PStatement.Outcome.ACCEPTED
    outcome.attempt.refresh_from_db()
    assert (outcome.attempt.raw_score, outcome.attempt.flagged) == (0, True)


@pytest.mark.parametrize("raw", [10**12, -(10**12), 1e300], ids=str)
def test_absurd_claimed_score_is_refused(learner, raw):
    version = install("H5P.TrueFalse")
    attempt = attempt_start(learner=learner, version=version)
    outcome = send(attempt, top(version, raw=raw, max_score=1, response="true"))
    assert outcome.statement.outcome == H5PStatement.Outcome.REJECTED
    assert outcome.statement.reason == "Điểm không hợp lệ."


def test_single_choice_set_total_from_its_questions(learner):
    version = install("H5P.SingleChoiceSet")
    _h, content = real_content("H5P.SingleChoiceSet")
    ids = [c["subContentId"] for c in content["choices"]]
    attempt = attempt_start(learner=learner, version=version)
    # The player sends each question's answer (its index in content.json),
    # then the set's total.
    for sub_id, response in zip(ids, ["0", "1", "0"], strict=True):
        assert (
            send(attempt, part(version, sub_id, response=response)).statement.outcome
            == H5PStatement.Outcome.IGNORED
        )
    outcome = send(attempt, top(version, raw=3, max_score=3, verb=COMPLETED))
    assert outcome.statement.outcome == H5PStatement.Outcome.ACCEPTED
    outcome.attempt.refresh_from_db()
    assert outcome.attempt.raw_score == 2
    assert outcome.attempt.score_source == ScoreSource.SERVER
    assert outcome.attempt.flagged  # the browser claimed 3

    # Played again: a question answered anew replaces its earlier answer.
    send(outcome.attempt, part(version, ids[1], response="0"))
    again = send(outcome.attempt, top(version, raw=3, max_score=3, verb=COMPLETED))
    again.attempt.refresh_from_db()
    assert again.attempt.number == 2
    assert (again.attempt.raw_score, again.attempt.flagged) == (3, False)


def test_question_set_parts_matched_by_sub_content_id(learner):
    version = install("H5P.QuestionSet")
    _h, content = real_content("H5P.QuestionSet")
    by_library = {}
    for question in content["questions"]:
        by_library.setdefault(question["library"].split(" ")[0], []).append(question)
    true_false = by_library["H5P.TrueFalse"]
    drag = by_library["H5P.DragQuestion"][0]
    attempt = attempt_start(learner=learner, version=version)
    right = true_false[0]["params"]["correct"]
    wrong = "false" if true_false[1]["params"]["correct"] == "true" else "true"
    # The first true/false forged as right with a wrong answer counts 0 ...
    send(attempt, part(version, true_false[0]["subContentId"], response=right))
    send(attempt, part(version, true_false[1]["subContentId"], response=wrong, raw=1))
    # ... a part the server cannot grade is the browser's, within its maximum.
    send(attempt, part(version, drag["subContentId"], raw=9, max_score=9))
    outcome = send(attempt, top(version, raw=6, max_score=6, verb=COMPLETED))
    assert outcome.statement.outcome == H5PStatement.Outcome.ACCEPTED
    outcome.attempt.refresh_from_db()
    assert outcome.attempt.raw_score == 2  # true/false 1 + drag and drop 1
    assert outcome.attempt.score_source == ScoreSource.BROWSER
    assert outcome.statement.flagged


def test_browser_reported_type_is_bounded_with_one_message(learner):
    version = install("H5P.Summary")
    assert (version.max_score, version.server_graded) == (2, False)
    attempt = attempt_start(learner=learner, version=version)
    reasons = set()
    for raw, max_score in [(3, 2), (2, 3), (-1, 2)]:
        outcome = send(attempt, top(version, raw=raw, max_score=max_score))
        assert outcome.statement.outcome == H5PStatement.Outcome.REJECTED
        reasons.add(outcome.statement.reason)
    assert reasons == {"Điểm không hợp lệ."}
    outcome = send(attempt, top(version, raw=1, max_score=2))
    outcome.attempt.refresh_from_db()
    assert (outcome.attempt.raw_score, outcome.attempt.score_source) == (
        1,
        ScoreSource.BROWSER,
    )


def test_unknown_maximum_plays_and_records_but_counts_for_nothing(learner, course_tree):
    from courses.h5p.selectors import counting_contents, h5p_requirement
    from courses.h5p.services import version_set_max_score

    version = install("H5P.Essay")
    assert version.max_score == 0
    assert version.content.score_status() == "cần nhập điểm tối đa"
    course = course_tree["course"]
    course.min_h5p_percent = 50
    course.save()
    lesson = course_tree["lesson"]
    lesson.body = [("h5p", version.content)]
    lesson.save_revision().publish()
    enrolment = Enrolment.objects.create(learner=learner, course=course)

    attempt = attempt_start(learner=learner, version=version)
    outcome = send(attempt, top(version, raw=3, max_score=4), course=course)
    assert outcome.statement.outcome == H5PStatement.Outcome.ACCEPTED
    outcome.attempt.refresh_from_db()
    assert outcome.attempt.raw_score == 3
    assert outcome.attempt.max_score is None
    assert outcome.attempt.score_source == ScoreSource.BROWSER
    assert h5p_requirement(enrolment) is None  # no exercise counts yet

    version_set_max_score(version=version, max_score=4)
    assert version.content.score_status() == "4 (trình duyệt báo)"
    content = H5PContent.objects.with_scoring().get(pk=version.content_id)
    assert counting_contents([content]) == [content]
    assert counting_contents([content], server_only=True) == []
    requirement = h5p_requirement(enrolment)
    assert requirement.progress == (0, 1)  # the earlier score had no maximum


def test_course_can_count_only_server_graded_scores(learner, course_tree):
    from courses.h5p.selectors import h5p_requirement, h5p_requirements

    graded = install("H5P.TrueFalse")
    browser = install("H5P.Summary")
    course = course_tree["course"]
    course.min_h5p_percent = 100
    course.require_lessons = False
    course.h5p_server_scores_only = True
    course.save()
    lesson = course_tree["lesson"]
    lesson.body = [("h5p", graded.content), ("h5p", browser.content)]
    lesson.save_revision().publish()
    enrolment = Enrolment.objects.create(learner=learner, course=course)

    send(
        attempt_start(learner=learner, version=browser),
        top(browser, raw=2, max_score=2),
    )
    requirement = h5p_requirement(enrolment)
    assert requirement.progress == (0, 1)  # only the true/false counts
    send(
        attempt_start(learner=learner, version=graded),
        top(graded, raw=1, max_score=1, response="true"),
        course=course,
    )
    requirement = h5p_requirement(enrolment)
    assert requirement.done
    assert requirement.details == [
        f"“{graded.content.title}”: 1/1 điểm (100 %, hệ thống chấm)"
    ]
    assert h5p_requirements([enrolment])[enrolment.pk] == requirement
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED

    course.h5p_server_scores_only = False
    course.save()
    enrolment.course.refresh_from_db()
    requirement = h5p_requirement(enrolment)
    assert requirement.progress == (2, 2)
    # Every role reading the rule sees who computed each score.
    assert requirement.details == [
        f"“{graded.content.title}”: 1/1 điểm (100 %, hệ thống chấm)",
        f"“{browser.content.title}”: 2/2 điểm (100 %, trình duyệt báo)",
    ]
