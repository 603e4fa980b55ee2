"""Maximum scores and re-grading (courses/h5p/scoring.py) against the
content.json of H5P's own example packages. Each expected score is what
the type's player script gives for that response (see the comments)."""

from __future__ import annotations

import copy

import pytest

from courses.h5p import scoring

from .helpers import real_content


def only_item(name: str, mutate=None) -> scoring.Item:
    h5p_json, content = real_content(name)
    if mutate is not None:
        mutate(content)
    items = scoring.content_items(h5p_json, content)
    assert items is not None and len(items) == 1
    return items[0]


@pytest.mark.parametrize(
    "name,expected",
    [
        ("H5P.TrueFalse", 1),
        ("H5P.MultiChoice", 1),  # one right answer, singlePoint
        ("H5P.SingleChoiceSet", 3),  # one point per question
        ("H5P.Blanks", 3),  # *blue*berries, *Cloud*berries, *black*currant
        ("H5P.DragText", 3),
        ("H5P.DragText-older", 3),
        ("H5P.MarkTheWords", 7),
        ("H5P.DragQuestion", 1),  # one element has a right drop zone
        ("H5P.Summary", 2),  # two statement groups
        # MultiChoice 1 + DragQuestion 1 + two empty Blanks 0 + MarkTheWords
        # without words 1 (blank is correct) + empty DragText 0 + TrueFalse
        # 1 + MultiChoice 1 + TrueFalse 1.
        ("H5P.QuestionSet", 6),
        ("H5P.Essay", None),  # scored by the browser only: to be entered
        ("H5P.CoursePresentation", None),  # holds an Interactive Video
        ("H5P.Accordion", 0),  # no score at all
    ],
    ids=lambda v: str(v),
)
def test_max_score_from_content_json(name, expected):
    assert scoring.max_score(*real_content(name)) == expected


def test_course_presentation_sums_its_tasks():
    h5p_json, content = real_content("H5P.CoursePresentation")
    for slide in content["presentation"]["slides"]:
        slide["elements"] = [
            e
            for e in slide.get("elements", [])
            if "InteractiveVideo" not in e.get("action", {}).get("library", "")
        ]
    items = scoring.content_items(h5p_json, content)
    libraries = [item.library for item in items]
    # The tasks on its slides (the rest are texts, images, videos, links...).
    for name, count in [
        ("H5P.Blanks", 2),
        ("H5P.MultiChoice", 2),
        ("H5P.TrueFalse", 2),
        ("H5P.DragQuestion", 1),
        ("H5P.Summary", 1),
        ("H5P.DragText", 1),
        ("H5P.MarkTheWords", 1),
    ]:
        assert libraries.count(name) == count
    assert len(items) == 10
    assert scoring.max_score(h5p_json, content) == sum(i.max_score for i in items)
    assert all(item.sub_content_id for item in items)
    assert not scoring.fully_gradable(items)  # drag and drop, summary


def test_column_and_interactive_book_sum_their_children():
    _h, true_false = real_content("H5P.TrueFalse")
    _h, blanks = real_content("H5P.Blanks")
    column = {
        "content": [
            {
                "content": {
                    "library": "H5P.TrueFalse 1.6",
                    "params": true_false,
                    "subContentId": "tf",
                }
            },
            {"content": {"library": "H5P.AdvancedText 1.1", "params": {"text": "x"}}},
            {
                "content": {
                    "library": "H5P.Blanks 1.12",
                    "params": blanks,
                    "subContentId": "bl",
                }
            },
        ]
    }
    assert scoring.max_score({"mainLibrary": "H5P.Column"}, column) == 4
    assert scoring.server_graded({"mainLibrary": "H5P.Column"}, column)
    book = {
        "chapters": [
            {"library": "H5P.Column 1.13", "params": column, "subContentId": "c1"},
            {"library": "H5P.Column 1.13", "params": copy.deepcopy(column)},
        ]
    }
    assert scoring.max_score({"mainLibrary": "H5P.InteractiveBook"}, book) == 8
    with_essay = copy.deepcopy(column)
    with_essay["content"].append(
        {"content": {"library": "H5P.Essay 1.2", "params": {}, "subContentId": "e"}}
    )
    assert scoring.max_score({"mainLibrary": "H5P.Column"}, with_essay) is None


# --- Re-grading: right, partly right and wrong answers ----------------------


@pytest.mark.parametrize(
    "response,score", [("true", 1), ("false", 0), ("", 0), ("yes", 0)]
)
def test_true_false(response, score):
    # addResponseToXAPI: "true"/"false"; params.correct is "true" here.
    assert only_item("H5P.TrueFalse").grade(response) == score


@pytest.mark.parametrize("response,score", [("0", 1), ("1", 0), ("", 0), ("0[,]1", 0)])
def test_multi_choice_single_answer(response, score):
    # One right answer (index 0 in content.json, ids are the original order
    # even when the player shuffles): a radio group worth 1.
    assert only_item("H5P.MultiChoice").grade(response) == score


def _three_right_of_four(content, single_point):
    content["answers"] = [
        {"text": "A", "correct": True},
        {"text": "B", "correct": True},
        {"text": "C", "correct": True},
        {"text": "D", "correct": False},
    ]
    content["behaviour"]["singlePoint"] = single_point


@pytest.mark.parametrize(
    "response,score",
    [
        ("0[,]1[,]2", 3),
        ("0[,]1", 2),  # partly right
        ("2[,]3", 0),  # a right one minus a wrong one
        ("0[,]1[,]2[,]3", 2),
        ("3", 0),  # never below zero
        ("", 0),
    ],
)
def test_multi_choice_points_per_answer(response, score):
    item = only_item(
        "H5P.MultiChoice", lambda c: _three_right_of_four(c, single_point=False)
    )
    assert item.max_score == 3
    assert item.grade(response) == score


@pytest.mark.parametrize("response,score", [("0[,]1[,]2", 1), ("0[,]1", 0)])
def test_multi_choice_single_point(response, score):
    # singlePoint: the weight (1) when the share reaches passPercentage (100).
    item = only_item(
        "H5P.MultiChoice", lambda c: _three_right_of_four(c, single_point=True)
    )
    assert item.max_score == 1
    assert item.grade(response) == score


@pytest.mark.parametrize(
    "response,score",
    [
        ("blue[,]cloud[,]black", 3),  # caseSensitive is false here
        (" Blue [,]Cloud[,]white", 2),  # the player trims
        ("blue[,][,]", 1),
        ("red[,]sun[,]white", 0),
        ("", 0),
        ("blue[,]cloud[,]black[,]extra", 0),  # not this player's response
    ],
)
def test_blanks(response, score):
    assert only_item("H5P.Blanks").grade(response) == score


def test_blanks_alternatives_tips_case_and_spelling():
    def mutate(content):
        content["questions"] = [
            "<p>*Cloudberries/Bakeapples:a tip* and *Oslo* &amp; *S&aacute;o*</p>"
        ]
        content["behaviour"]["caseSensitive"] = True
        content["behaviour"]["acceptSpellingErrors"] = False

    item = only_item("H5P.Blanks", mutate)
    assert item.max_score == 3
    assert item.grade("Bakeapples[,]Oslo[,]Sáo") == 3
    assert item.grade("bakeapples[,]oslo[,]sáo") == 0  # case matters

    def with_spelling(content):
        mutate(content)
        content["behaviour"]["acceptSpellingErrors"] = True

    item = only_item("H5P.Blanks", with_spelling)
    # Longer than 9 letters: two edits allowed (a swap is one); longer than
    # 3: one; a case difference is an edit.
    assert item.grade("bakeapples[,]oslo[,]sáo") == 2
    assert item.grade("Clodubreries[,]Olso[,]Sáo") == 3
    assert item.grade("Cluodbreriez[,]Osl[,]Sá") == 1


@pytest.mark.parametrize(
    "name", ["H5P.DragText", "H5P.DragText-older"], ids=["current", "older"]
)
@pytest.mark.parametrize(
    "response,score",
    [
        ("blue[,]red[,]orange", 3),  # the tip after ":" is not the word
        ("blue[,]orange[,]red", 1),
        ("[,][,]", 0),
        ("", 0),
    ],
)
def test_drag_text(name, response, score):
    assert only_item(name).grade(response) == score


@pytest.mark.parametrize(
    "response,score",
    [
        ("0[,]4[,]14[,]21[,]23[,]30[,]46", 7),
        ("0[,]4[,]14", 3),
        ("0[,]4[,]14[,]1[,]2", 1),  # right ones minus wrong ones
        ("1[,]2", 0),
        ("", 0),
        ("0[,]99", 0),  # not a word of this text
    ],
)
def test_mark_the_words(response, score):
    # Words are numbered in order, punctuation aside: "*Bilberries*," is 0,
    # "*blueberries*" 4, "*Cloudberries*" 14, ... "*blackcurrants*." 46.
    assert only_item("H5P.MarkTheWords").grade(response) == score


def test_single_choice_set_grades_each_question_by_its_id():
    h5p_json, content = real_content("H5P.SingleChoiceSet")
    items = scoring.content_items(h5p_json, content)
    assert [i.sub_content_id for i in items] == [
        c["subContentId"] for c in content["choices"]
    ]
    # The player reports the index in content.json; the first is right.
    assert [i.grade(r) for i, r in zip(items, ["0", "2", "1"], strict=True)] == [
        1,
        0,
        0,
    ]
    assert scoring.fully_gradable(items)


def test_question_set_parts_by_sub_content_id():
    h5p_json, content = real_content("H5P.QuestionSet")
    items = scoring.content_items(h5p_json, content)
    assert [i.sub_content_id for i in items] == [
        q["subContentId"] for q in content["questions"]
    ]
    assert [i.gradable for i in items].count(False) == 1  # the drag and drop
    assert not scoring.server_graded(h5p_json, content)


def test_question_set_random_pool():
    h5p_json, content = real_content("H5P.QuestionSet")
    content["poolSize"] = 2
    assert scoring.max_score(h5p_json, content) is None  # unequal questions
    content["questions"] = [
        q for q in content["questions"] if q["library"].startswith("H5P.TrueFalse")
    ]
    content["poolSize"] = 1
    assert scoring.max_score(h5p_json, content) == 1  # the pool's questions
