"""Maximum scores and server-side grading of H5P content, from the stored
``content.json``.

The rules follow what each content type's own player script does
(``getMaxScore``/``getScore`` and the ``result.response`` it writes in its
xAPI statements), so the server reaches the same score as the learner's
player for an honest answer and its own score for a forged one.

A content is a list of :class:`Item`: the scored parts the player reports
on. A question is one item; a Single Choice Set has one item per question;
containers (Question Set, Column, Course Presentation, Interactive Book) hold
their children's items, matched in statements by ``subContentId``. An item
is *gradable* when the server re-grades its response; otherwise its score is
the one the browser reports, kept within the item's maximum.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

# xAPI's separator between the parts of a response (choices, blanks).
SEPARATOR = "[,]"

# Libraries that show content but have no score (their instances have no
# getMaxScore in the players shipped with H5P's example content).
UNSCORED = frozenset(
    {
        "H5P.Accordion",
        "H5P.AdvancedText",
        "H5P.AppearIn",
        "H5P.Audio",
        "H5P.Chart",
        "H5P.Collage",
        "H5P.ContinuousText",
        "H5P.Dialogcards",
        "H5P.ExportableTextArea",
        "H5P.GoToQuestion",
        "H5P.IFrameEmbed",
        "H5P.IVHotspot",
        "H5P.Image",
        "H5P.Link",
        "H5P.Nil",
        "H5P.Shape",
        "H5P.Table",
        "H5P.Text",
        "H5P.TwitterUserFeed",
        "H5P.Video",
    }
)
CONTAINERS = frozenset(
    {"H5P.QuestionSet", "H5P.Column", "H5P.CoursePresentation", "H5P.InteractiveBook"}
)


class UnknownScore(Exception):
    """The content holds a scored type whose maximum the server cannot tell."""


@dataclass(frozen=True)
class Item:
    """One scored part of a content: ``sub_content_id`` is None for the
    content itself (a question played on its own)."""

    sub_content_id: str | None
    library: str
    max_score: int
    grade: Callable[[str], int] | None  # response → score; None: browser's

    @property
    def gradable(self) -> bool:
        return self.grade is not None


def machine_name(library: str) -> str:
    """``"H5P.MultiChoice 1.14"`` → ``"H5P.MultiChoice"``."""
    return (library or "").split(" ", 1)[0]


def _parts(response) -> list[str]:
    if not isinstance(response, str) or response == "":
        return []
    return response.split(SEPARATOR)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


# --- True/False (H5P.TrueFalse: scripts/h5p-true-false.js) ---------------


def _true_false(params: dict) -> tuple[int, Callable[[str], int]]:
    correct = "true" if params.get("correct") == "true" else "false"

    def grade(response: str) -> int:
        return 1 if response == correct else 0

    return 1, grade


# --- Multiple choice (H5P.MultiChoice: js/multichoice.js) -----------------


def _multi_choice(params: dict) -> tuple[int, Callable[[str], int]]:
    answers = [_dict(a) for a in _list(params.get("answers"))]
    behaviour = _dict(params.get("behaviour"))
    weight = 1  # params.weight: not in the semantics, always its default
    correct = [bool(a.get("correct")) for a in answers]
    weights = [a["weight"] if isinstance(a.get("weight"), int) else 1 for a in answers]
    num_correct = sum(correct)
    blank_is_correct = num_correct == 0
    kind = behaviour.get("type", "auto")
    single_answer = num_correct == 1 if kind == "auto" else kind == "single"
    single_point = behaviour.get("singlePoint", True) is not False
    pass_percentage = behaviour.get("passPercentage", 100)
    if not isinstance(pass_percentage, int | float):
        pass_percentage = 100

    def correct_max() -> int:
        if blank_is_correct:
            return weight
        return sum(w for w, c in zip(weights, correct, strict=True) if c)

    max_score = weight if single_answer or single_point else correct_max()

    def grade(response: str) -> int:
        chosen: list[int] = []
        for part in _parts(response):
            if not part.isdigit() or int(part) >= len(answers):
                return 0  # not an answer of this question
            if int(part) not in chosen:
                chosen.append(int(part))
        if single_answer:
            # The player keeps one choice; a response with more is forged.
            return 1 if len(chosen) == 1 and correct[chosen[0]] else 0
        score = sum(weights[i] if correct[i] else -weights[i] for i in chosen)
        score = max(score, 0)
        if not chosen and blank_is_correct:
            score = weight
        if single_point:
            score = weight if 100 * score / correct_max() >= pass_percentage else 0
        return score

    return max_score, grade


# --- Fill in the blanks (H5P.Blanks: js/blanks.js, js/cloze.js) -----------


def _blanks_solutions(questions: list) -> list[list[str]]:
    """Each blank's accepted answers, in order (Blanks.handleBlanks and
    parseSolution): ``*answer/other:tip*``."""
    blanks = []
    for question in questions:
        if not isinstance(question, str):
            continue
        start = question.find("*")
        while start != -1:
            end = question.find("*", start + 1)
            if end == -1:
                break
            inside = question[start + 1 : end]
            if inside:
                solution = inside.split(":", 1)[0]
                blanks.append([html.unescape(s.strip()) for s in solution.split("/")])
            start = question.find("*", end + 1)
    return blanks


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one operation
    (H5P.TextUtilities.computeLevenshteinDistance with countSwapping)."""
    if a == b:
        return 0
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(
                rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + cost)
    return rows[len(a)][len(b)]


def _blanks(params: dict) -> tuple[int, Callable[[str], int]]:
    blanks = _blanks_solutions(_list(params.get("questions")))
    behaviour = _dict(params.get("behaviour"))
    case_sensitive = behaviour.get("caseSensitive", True) is True
    spelling = behaviour.get("acceptSpellingErrors") is True
    if not case_sensitive:
        blanks = [[s.lower() for s in solutions] for solutions in blanks]

    def right(answer: str, solutions: list[str]) -> bool:
        answer = answer.strip()
        if not case_sensitive:
            answer = answer.lower()
        for solution in solutions:
            if spelling:
                distance = damerau_levenshtein(answer, solution)
                if len(solution) > 9 and distance <= 2:
                    return True
                if len(solution) > 3 and distance <= 1:
                    return True
            if answer == solution:
                return True
        return False

    def grade(response: str) -> int:
        answers = _parts(response)
        if len(answers) > len(blanks):
            return 0  # more answers than blanks: not this player's response
        answers += [""] * (len(blanks) - len(answers))
        return sum(
            1
            for answer, sols in zip(answers, blanks, strict=True)
            if right(answer, sols)
        )

    return len(blanks), grade


# --- Drag the words (H5P.DragText: dist/h5p-drag-text.js) ----------------


def _drag_text_answers(text: str) -> list[str]:
    """The text of each drop zone (parseText and lex): ``*answer:tip*``,
    with optional ``\\+correct`` and ``\\-incorrect`` feedback."""
    answers = []
    for part in re.split(r"(\*.*?\*)", text):
        if len(part) < 2 or not (part.startswith("*") and part.endswith("*")):
            continue
        answer = part.replace("*", "")
        for pattern in (r":([^\\*]+)", r"\\\+([^\\*:]+)", r"\\-([^\\*:]+)"):
            found = re.search(pattern, part)
            if found:
                answer = answer.replace(found.group(0), "", 1)
        answers.append(answer.rstrip())
    return answers


def _drag_text(params: dict) -> tuple[int, Callable[[str], int]]:
    text = params.get("textField")
    answers = _drag_text_answers(text if isinstance(text, str) else "")

    def grade(response: str) -> int:
        placed = _parts(response)
        if len(placed) > len(answers):
            return 0
        placed += [""] * (len(answers) - len(placed))
        return sum(
            1
            for word, answer in zip(placed, answers, strict=True)
            if word and word == answer
        )

    return len(answers), grade


# --- Mark the words (H5P.MarkTheWords: scripts/mark-the-words.js, word.js)


class _TextNodes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_data(self, data):
        self.texts.append(data)


_PREFIX = re.compile(r"^[\[\({⟨¿¡“\"«„]+")
_SUFFIX = re.compile(r"[\",….:;?!\]\)}⟩»”]+$")


def _remove_double_asterisks(word: str) -> str:
    # word.js removeDoubleAsterisks, quirks included: only the last "**"
    # found is taken out.
    result = word
    index = word.find("*")
    while index != -1:
        if word.find("*", index + 1) == index + 1:
            result = word[:index] + word[index + 2 :]
        index = word.find("*", index + 1)
    return result


def _is_answer(word: str) -> bool:
    text = _remove_double_asterisks(word)
    if text[:1] == "*" and len(text) > 2:
        return text[-1] == "*" or text[-2] == "*"
    return False


def mark_the_words_words(text_field: str) -> list[tuple[str, bool]]:
    """The selectable words in order, each with whether it is to be marked
    (createHtmlForWords: prefix and suffix punctuation are not part of the
    word)."""
    parser = _TextNodes()
    parser.feed(text_field)
    parser.close()
    words = []
    for text in parser.texts:
        text = re.sub(r"(&nbsp;|\r\n|\n|\r)", " ", text)
        for entry in re.findall(r" \*[^* ]+\* |[^\s]+", text):
            entry = entry.strip()
            prefix = _PREFIX.match(entry)
            start = len(prefix.group(0)) if prefix else 0
            suffix = _SUFFIX.search(entry)
            end = len(entry) - (len(suffix.group(0)) if suffix else 0)
            word = entry[start:end] if end > start else ""
            if word:
                words.append((word, _is_answer(word)))
    return words


def _mark_the_words(params: dict) -> tuple[int, Callable[[str], int]]:
    text = params.get("textField")
    words = mark_the_words_words(text if isinstance(text, str) else "")
    answers = sum(1 for _word, answer in words if answer)
    blank_is_correct = answers == 0

    def grade(response: str) -> int:
        chosen = set()
        for part in _parts(response):
            if not part.isdigit() or int(part) >= len(words):
                return 0
            chosen.add(int(part))
        correct = sum(1 for i in chosen if words[i][1])
        wrong = len(chosen) - correct
        if wrong == 0 and blank_is_correct:
            correct = 1
        return max(correct - wrong, 0)

    return (1 if blank_is_correct else answers), grade


# --- Types whose maximum is known but whose score is the browser's --------


def _drag_question_max(params: dict) -> int:
    """H5P.DragQuestion calculateMaxScore/getMaxScore."""
    if _dict(params.get("behaviour")).get("singlePoint") is True:
        return 1
    task = _dict(_dict(params.get("question")).get("task"))
    elements = _list(task.get("elements"))
    correct_zones: dict[int, list[int]] = {}
    for zone_index, zone in enumerate(_list(task.get("dropZones"))):
        for element in _list(_dict(zone).get("correctElements")):
            if str(element).isdigit():
                correct_zones.setdefault(int(element), []).append(zone_index)
    if not correct_zones:
        return 1  # blank is correct
    score = 0
    for index, element in enumerate(elements):
        zones = correct_zones.get(index)
        if zones:
            score += len(zones) if _dict(element).get("multiple") else 1
    return score


def _summary_max(params: dict) -> int:
    return sum(1 for s in _list(params.get("summaries")) if "summary" in _dict(s))


GRADERS: dict[str, Callable[[dict], tuple[int, Callable[[str], int]]]] = {
    "H5P.TrueFalse": _true_false,
    "H5P.MultiChoice": _multi_choice,
    "H5P.Blanks": _blanks,
    "H5P.DragText": _drag_text,
    "H5P.MarkTheWords": _mark_the_words,
}
BROWSER_SCORED: dict[str, Callable[[dict], int]] = {
    "H5P.DragQuestion": _drag_question_max,
    "H5P.Summary": _summary_max,
}


def _single_choice_set(params: dict) -> list[Item]:
    """H5P.SingleChoiceSet: one point per question; the first answer in
    ``content.json`` is the right one and the player reports its index."""
    items = []
    for choice in _list(params.get("choices")):
        choice = _dict(choice)
        if not choice.get("answers"):
            continue  # the player drops these
        items.append(
            Item(
                sub_content_id=choice.get("subContentId") or "",
                library="H5P.SingleChoiceSet",
                max_score=1,
                grade=lambda response: 1 if response == "0" else 0,
            )
        )
    return items


def _children(params) -> list[dict]:
    """The runnable contents inside a container's parameters (any object with
    ``library`` and ``params``), not looking inside them."""
    found = []
    if isinstance(params, dict):
        if isinstance(params.get("library"), str) and isinstance(
            params.get("params"), dict
        ):
            return [params]
        for value in params.values():
            found.extend(_children(value))
    elif isinstance(params, list):
        for value in params:
            found.extend(_children(value))
    return found


def items_of(
    library: str, params: dict, *, sub_content_id: str | None = None
) -> list[Item]:
    """The scored parts of a content. Raises UnknownScore when one of them is
    of a type the server does not know."""
    name = machine_name(library)
    params = _dict(params)
    if name in GRADERS:
        max_score, grade = GRADERS[name](params)
        return [Item(sub_content_id, name, max_score, grade)]
    if name in BROWSER_SCORED:
        return [Item(sub_content_id, name, BROWSER_SCORED[name](params), None)]
    if name == "H5P.SingleChoiceSet":
        # Its questions report their answers one by one, by their own id.
        return _single_choice_set(params)
    if name in CONTAINERS:
        items = []
        for child in _children(params):
            items.extend(
                items_of(
                    child["library"],
                    child["params"],
                    sub_content_id=child.get("subContentId") or "",
                )
            )
        if name == "H5P.QuestionSet" and _pool_size(params):
            # A random pool: only the top level's maximum can be told, and
            # only when every question is worth the same.
            maxima = {item.max_score for item in items}
            if sub_content_id is not None or len(maxima) > 1:
                raise UnknownScore(name)
            if len(items) != len(_list(params.get("questions"))):
                raise UnknownScore(name)
        return items
    if name in UNSCORED:
        return []
    raise UnknownScore(name)


def _pool_size(params: dict) -> int | None:
    """The Question Set's random pool size, None when every question plays."""
    pool = params.get("poolSize")
    questions = len(_list(params.get("questions")))
    if isinstance(pool, int) and not isinstance(pool, bool) and 0 < pool < questions:
        return pool
    return None


def content_items(h5p_json: dict, content_json: dict) -> list[Item] | None:
    """The scored parts of a package's main content, None when the server
    cannot know its maximum."""
    main = machine_name(str(_dict(h5p_json).get("mainLibrary") or ""))
    try:
        return items_of(main, content_json)
    except UnknownScore:
        return None


def max_score(h5p_json: dict, content_json: dict) -> int | None:
    """The content's maximum score; None when it must be entered by hand."""
    items = content_items(h5p_json, content_json)
    if items is None:
        return None
    pool = _pool_size(_dict(content_json))
    if pool and machine_name(str(h5p_json.get("mainLibrary"))) == "H5P.QuestionSet":
        return pool * items[0].max_score  # questions are worth the same
    return sum(item.max_score for item in items)


def fully_gradable(items: list[Item] | None) -> bool:
    """Whether the server recomputes every part of the score: every part is
    gradable and, inside a container, has the id its answers are sent with."""
    if not items:
        return False
    if len(items) == 1 and items[0].sub_content_id is None:
        return items[0].gradable
    return all(item.gradable and item.sub_content_id for item in items)


def server_graded(h5p_json: dict, content_json: dict) -> bool:
    """Whether the server recomputes every part of the content's score."""
    return fully_gradable(content_items(h5p_json, content_json))
