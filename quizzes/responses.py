"""One schema per question type for what a learner's browser sends.

``response_clean(snapshot, response)`` returns the answer as it is stored
and graded, or raises :class:`InvalidResponse`; the save endpoint and the
plain-form submit answer 400 and store nothing. Rules:

- single choice, true/false: ``{"choice": key}`` — a key of one of the
  question's choices (``"11"`` and ``11`` are the same key, stored as
  text), or ``null`` for "no answer";
- multiple choice: ``{"choices": [key, …]}`` — unique keys of the
  question's choices;
- short answer: ``{"text": "…"}`` up to 1,000 characters; numerical up to
  100; essay up to :data:`ESSAY_MAX_CHARS`; line breaks stored as LF
  (:func:`text_clean`);
- matching: ``{"matches": {left key: right text}}`` — left keys of the
  question's items, right texts among its options (an empty one is
  dropped);
- description: nothing is an answer.

No other key, no other type, nothing longer.
"""

from __future__ import annotations

TEXT_MAX_CHARS = {"short": 1000, "numerical": 100}
ESSAY_MAX_CHARS = 20_000


class InvalidResponse(ValueError):
    pass


def _key(value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidResponse("key")
    text = str(value)
    if len(text) > 40:
        raise InvalidResponse("key length")
    return text


def text_clean(text: str) -> str:
    """Line breaks as LF. A form posts a textarea's line breaks as CRLF, two
    characters where its ``maxlength`` counted one; autosave sends LF. One
    answer is then stored one way, and measured as the learner's browser
    measured it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _only(response, key: str):
    if not isinstance(response, dict) or set(response) != {key}:
        raise InvalidResponse("shape")
    return response[key]


def response_clean(snapshot: dict, response) -> dict:
    """The validated, normalised answer to the question in ``snapshot``."""
    qtype = snapshot["type"]
    keys = {str(c["key"]) for c in snapshot["choices"]}
    if qtype in ("single", "true_false"):
        value = _only(response, "choice")
        if value is None:
            return {"choice": None}
        key = _key(value)
        if key not in keys:
            raise InvalidResponse("choice")
        return {"choice": key}
    if qtype == "multiple":
        values = _only(response, "choices")
        if not isinstance(values, list) or len(values) > len(keys):
            raise InvalidResponse("choices")
        chosen = [_key(v) for v in values]
        if len(set(chosen)) != len(chosen) or not set(chosen) <= keys:
            raise InvalidResponse("choices")
        return {"choices": chosen}
    if qtype in ("short", "numerical", "essay"):
        text = _only(response, "text")
        limit = ESSAY_MAX_CHARS if qtype == "essay" else TEXT_MAX_CHARS[qtype]
        if not isinstance(text, str) or len(text_clean(text)) > limit:
            raise InvalidResponse("text")
        return {"text": text_clean(text)}
    if qtype == "matching":
        matches = _only(response, "matches")
        items = {str(c["key"]) for c in snapshot["choices"] if c["text"]}
        options = set(snapshot.get("options") or ())
        if not isinstance(matches, dict) or len(matches) > len(items):
            raise InvalidResponse("matches")
        cleaned = {}
        for left, right in matches.items():
            if left not in items or not isinstance(right, str):
                raise InvalidResponse("matches")
            if right and right not in options:
                raise InvalidResponse("matches")
            if right:
                cleaned[left] = right
        return {"matches": cleaned}
    raise InvalidResponse("type")
