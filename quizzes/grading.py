r"""Grading: pure functions from (snapshot, response) to a fraction in [0, 1].

A snapshot is the question as the learner saw it (see
``services.question_snapshot``); a response is what the browser sent:

- single choice, true/false: ``{"choice": key}``
- multiple choice: ``{"choices": [key, ...]}``
- short answer, numerical: ``{"text": "..."}``
- matching: ``{"matches": {left_key: right_text, ...}}``
- description: nothing (it scores nothing: its points are 0)

Rules (docs/quizzes.md):

- single choice / true-false: the chosen choice's weight (100 % for the
  correct one; a GIFT ``~%50%`` choice gives half credit).
- multiple choice: the sum of the weights of the chosen choices, floored at
  0 and capped at 100 %. Correct choices share +100 % (k correct choices:
  +1/k each unless the author set weights), wrong choices carry negative
  weights (−1/k each by default), so ticking everything earns nothing.
- short answer: the first accepted answer, in the author's order, that
  matches (as Moodle); compared after NFC, trimming and collapsing spaces,
  case-insensitively; optionally also ignoring Vietnamese diacritics
  (``fold``). ``*`` in an accepted answer matches any text (``\*`` is a
  literal star), so ``=%0%*#…`` catches every other answer.
- numerical: the first answer whose value ± tolerance holds the number
  typed (``1,5`` and ``1.5`` both read); ``*`` matches any number.
- matching: the share of left items matched to their right partner.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from elearning.people.names import fold, normalize_text

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def _weights(snapshot: dict) -> dict[str, Decimal]:
    return {
        c["key"]: Decimal(str(c["fraction"])) / HUNDRED for c in snapshot["choices"]
    }


def normalise_short_answer(text: str, *, ignore_diacritics: bool) -> str:
    text = normalize_text(text)
    return fold(text) if ignore_diacritics else text.casefold()


def short_answer_matches(accepted: str, given: str, *, ignore_diacritics: bool) -> bool:
    """Whether ``given`` matches the accepted answer (``*`` is a wildcard)."""
    pattern = normalise_short_answer(accepted, ignore_diacritics=ignore_diacritics)
    text = normalise_short_answer(given, ignore_diacritics=ignore_diacritics)
    if "*" not in pattern:
        return pattern == text
    parts = re.split(r"(?<!\\)\*", pattern)
    regex = ".*".join(re.escape(p.replace("\\*", "*")) for p in parts)
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None


def matching_choice(snapshot: dict, response: dict | None) -> dict | None:
    """The answer of a short-answer or numerical question the response hit."""
    if not response or not isinstance(response, dict):
        return None
    text = response.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    if snapshot["type"] == "numerical":
        number = parse_number(text)
        if number is None:
            return None
        for choice in snapshot["choices"]:
            if choice["text"] == "*":
                return choice
            try:
                value = Decimal(choice["text"])
                tolerance = Decimal(str(choice.get("tolerance") or 0))
            except InvalidOperation:
                continue
            if abs(number - value) <= abs(tolerance):
                return choice
        return None
    fold_it = bool(snapshot.get("ignore_diacritics"))
    for choice in snapshot["choices"]:
        if short_answer_matches(choice["text"], text, ignore_diacritics=fold_it):
            return choice
    return None


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> Decimal | None:
    """A number as a learner types it: ``1,5`` (Vietnamese) or ``1.5``.

    Spaces are ignored; a comma is the decimal separator when there is no
    dot. Thousands separators are not read (``1.000,5`` is refused).
    """
    raw = "".join(text.split())
    if not raw or not _NUMBER.fullmatch(raw):
        return None
    raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def grade_fraction(snapshot: dict, response: dict | None) -> Decimal:
    """Credit in [0, 1] for ``response`` to the question in ``snapshot``."""
    if not response or not isinstance(response, dict):
        return ZERO
    qtype = snapshot["type"]
    if qtype in ("single", "true_false"):
        return _clamp(_weights(snapshot).get(str(response.get("choice")), ZERO))
    if qtype == "multiple":
        chosen = response.get("choices") or []
        if not isinstance(chosen, list):
            return ZERO
        weights = _weights(snapshot)
        # Each choice once, whatever the spelling of its key ("11" or 11).
        picked = {str(k) for k in chosen if isinstance(k, str | int)}
        total = sum((weights.get(k, ZERO) for k in picked), ZERO)
        # Thirds (33.3333 % × 3) must add up to full credit.
        return _clamp(total.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    if qtype in ("short", "numerical"):
        choice = matching_choice(snapshot, response)
        if choice is None:
            return ZERO
        return _clamp(Decimal(str(choice["fraction"])) / HUNDRED)
    if qtype == "matching":
        matches = response.get("matches") or {}
        if not isinstance(matches, dict):
            return ZERO
        pairs = [c for c in snapshot["choices"] if c.get("text")]
        if not pairs:
            return ZERO
        right = sum(
            1
            for c in pairs
            if normalize_text(str(matches.get(c["key"], "")))
            == normalize_text(c["match"])
        )
        return Decimal(right) / Decimal(len(pairs))
    return ZERO


def grade_points(snapshot: dict, response: dict | None) -> Decimal:
    points = Decimal(str(snapshot.get("points", "1")))
    return (points * grade_fraction(snapshot, response)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def percent(earned: Decimal, maximum: Decimal) -> Decimal:
    if maximum <= 0:
        return ZERO
    return (earned * HUNDRED / maximum).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def combine_scores(scores: list[Decimal], method: str) -> Decimal | None:
    """The learner's grade from the scores of finished attempts, in order."""
    if not scores:
        return None
    if method == "highest":
        return max(scores)
    if method == "last":
        return scores[-1]
    if method == "first":
        return scores[0]
    if method == "average":
        return (sum(scores, ZERO) / len(scores)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    raise ValueError(method)


def default_multiple_weights(correct: list[bool]) -> list[Decimal]:
    """+1/k for each of k correct choices, −1/k for each wrong one (in %)."""
    k = sum(correct) or 1
    share = (HUNDRED / k).quantize(Decimal("0.0001"))
    return [share if ok else -share for ok in correct]
