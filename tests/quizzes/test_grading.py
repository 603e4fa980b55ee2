from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import (
    combine_scores,
    default_multiple_weights,
    grade_fraction,
    grade_points,
)


def snap(kind, choices, **extra):
    return {
        "type": kind,
        "points": "2",
        "choices": [
            {"key": str(i), "text": t, "fraction": str(f), "match": m}
            for i, (t, f, m) in enumerate(choices)
        ],
        **extra,
    }


SINGLE = snap("single", [("a", 0, ""), ("b", 100, ""), ("c", 50, "")])
MULTI = snap(
    "multiple",
    [("a", 50, ""), ("b", 50, ""), ("c", -50, ""), ("d", -50, "")],
)
SHORT = snap("short", [("Mã độc", 100, ""), ("virus", 50, "")])
MATCH = snap(
    "matching", [("USB", 0, "thiết bị"), ("VPN", 0, "mạng"), ("2FA", 0, "xác thực")]
)


@pytest.mark.parametrize(
    ("snapshot", "response", "expected"),
    [
        (SINGLE, {"choice": "1"}, "1"),
        (SINGLE, {"choice": "0"}, "0"),
        (SINGLE, {"choice": "2"}, "0.5"),
        (SINGLE, {"choice": "99"}, "0"),
        (SINGLE, None, "0"),
        (MULTI, {"choices": ["0", "1"]}, "1"),
        (MULTI, {"choices": ["0"]}, "0.5"),
        (MULTI, {"choices": ["0", "2"]}, "0"),
        (MULTI, {"choices": ["0", "1", "2"]}, "0.5"),
        (MULTI, {"choices": ["0", "1", "2", "3"]}, "0"),
        (MULTI, {"choices": ["2", "3"]}, "0"),
        (MULTI, {"choices": ["0", "0", "0"]}, "0.5"),
        (MULTI, {"choices": "0"}, "0"),
        (SHORT, {"text": "  mã   ĐỘC "}, "1"),
        (SHORT, {"text": "ma doc"}, "0"),
        (SHORT, {"text": "VIRUS"}, "0.5"),
        (SHORT, {"text": ""}, "0"),
        (MATCH, {"matches": {"0": "thiết bị", "1": "mạng", "2": "xác thực"}}, "1"),
        (MATCH, {"matches": {"0": "thiết bị", "1": "xác thực"}}, "1/3"),
        (MATCH, {"matches": []}, "0"),
    ],
    ids=[
        "single-right",
        "single-wrong",
        "single-partial",
        "single-unknown-key",
        "single-blank",
        "multi-all-right",
        "multi-half",
        "multi-right-and-wrong",
        "multi-two-right-one-wrong",
        "multi-everything",
        "multi-all-wrong-floor-0",
        "multi-duplicates",
        "multi-bad-shape",
        "short-nfc-case-space",
        "short-no-diacritics-off",
        "short-partial",
        "short-empty",
        "match-all",
        "match-one-of-three",
        "match-bad-shape",
    ],
)
def test_grade_fraction(snapshot, response, expected):
    num, _, den = expected.partition("/")
    value = Decimal(num) / Decimal(den or 1)
    assert grade_fraction(snapshot, response) == value


def test_short_answer_ignoring_diacritics():
    folded = {**SHORT, "ignore_diacritics": True}
    assert grade_fraction(folded, {"text": "ma doc"}) == 1
    # NFD input (Windows-1258 style) is the same answer.
    import unicodedata

    assert grade_fraction(SHORT, {"text": unicodedata.normalize("NFD", "mã độc")}) == 1


def test_points_scale_by_question_points():
    assert grade_points(SINGLE, {"choice": "2"}) == Decimal("1.0000")


def test_true_false():
    tf = snap("true_false", [("Đúng", 0, ""), ("Sai", 100, "")])
    assert grade_fraction(tf, {"choice": "1"}) == 1
    assert grade_fraction(tf, {"choice": "0"}) == 0


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "90"), ("last", "60"), ("first", "40"), ("average", "63.33")],
)
def test_grading_methods(method, expected):
    scores = [Decimal("40"), Decimal("90"), Decimal("60")]
    assert combine_scores(scores, method) == Decimal(expected)


def test_no_finished_attempt_has_no_grade():
    assert combine_scores([], "highest") is None


def test_default_multiple_weights():
    assert default_multiple_weights([True, False, True, False]) == [
        Decimal("50.0000"),
        Decimal("-50.0000"),
        Decimal("50.0000"),
        Decimal("-50.0000"),
    ]


@given(
    correct=st.lists(st.booleans(), min_size=2, max_size=8).filter(any),
    picked=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_multiple_choice_credit_is_bounded_and_monotone(correct, picked):
    weights = default_multiple_weights(correct)
    snapshot = snap("multiple", [(str(i), w, "") for i, w in enumerate(weights)])
    chosen = [str(i) for i in range(len(correct)) if picked[i]]
    credit = grade_fraction(snapshot, {"choices": chosen})
    assert 0 <= credit <= 1
    all_right = [str(i) for i, ok in enumerate(correct) if ok]
    assert grade_fraction(snapshot, {"choices": all_right}) == 1
    # Adding a wrong choice never raises the credit.
    wrong = [str(i) for i, ok in enumerate(correct) if not ok and str(i) not in chosen]
    if wrong:
        assert grade_fraction(snapshot, {"choices": [*chosen, wrong[0]]}) <= credit
