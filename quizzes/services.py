"""Writes of the quizzes app: importing questions, attempts, grading.

Locks: ``answer_save`` and ``attempt_submit`` take the attempt's row lock
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE transaction
mode serialises writers), so an answer never lands after grading and an
attempt is graded exactly once.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from elearning.pagecache import memo, memo_many
from elearning.people.selectors import unit_id_now
from elearning.tabular import TabularError

from .formatting import clean_for_storage
from .gift import GiftError, ParsedChoice, ParsedQuestion
from .gift import parse as gift_parse
from .grading import grade_points, percent
from .media import media_save
from .models import (
    GRACE_SECONDS,
    Attempt,
    AttemptAnswer,
    Choice,
    Question,
    QuestionCategory,
    QuizPage,
    QuizRandomDraw,
    category_children,
)
from .responses import ESSAY_MAX_CHARS, InvalidResponse, response_clean

GRACE = timedelta(seconds=GRACE_SECONDS)
MAX_RESPONSE_CHARS = 4000
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class QuizError(Exception):
    """A refusal to show the learner as it is (translated)."""


class AttemptClosed(QuizError):
    pass


# --- Import ------------------------------------------------------------------


@dataclass
class ImportReport:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    categories_created: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


FORMATS = ("gift", "aiken", "moodlexml", "csv", "xlsx")
SUFFIXES = (".gift", ".txt", ".aiken", ".xml", ".csv", ".xlsx")
MAX_XML_BYTES = 20 * 1024 * 1024  # Moodle XML carries its images


def question_file_format(data: bytes) -> str:
    """ "xlsx", "moodlexml", "csv", "aiken" or "gift", from the content (not
    the file's name).

    A zip is a workbook; text starting with ``<?xml`` or ``<quiz`` is
    Moodle XML; text whose first line (not a ``//`` comment) is a header
    with the columns ``loai`` and ``noi_dung`` is CSV; text with an
    ``ANSWER:`` line after an ``A)``/``A.`` line and no GIFT braces is
    Aiken; anything else is read as GIFT.
    """
    from . import tabular

    if data.startswith(b"PK"):
        return "xlsx"
    try:
        text = tabular.decode(data[:4096])
    except TabularError:
        # Only the header's ASCII words matter here; reading the whole file
        # reports what cannot be decoded.
        text = data[:4096].decode("latin-1")
    if text.lstrip("\ufeff \t\r\n").startswith(("<?xml", "<quiz")):
        return "moodlexml"
    if _looks_aiken(text):
        return "aiken"
    for line in text.splitlines():
        stripped = line.strip().lower()
        if not stripped or stripped.startswith("//"):
            continue
        cells = {c.strip().strip('"') for c in stripped.replace(";", ",").split(",")}
        return "csv" if {"loai", "noi_dung"} <= cells else "gift"
    return "gift"


def _looks_aiken(text: str) -> bool:
    from .aiken import looks_like

    return looks_like(text)


def questions_parse_file(
    *, name: str, data: bytes, default_category: str = "", fmt: str | None = None
) -> tuple[list[ParsedQuestion], list[GiftError]]:
    """Read a GIFT, Aiken, Moodle XML, CSV or XLSX file: ``fmt`` as given,
    else guessed from the content (:func:`question_file_format`)."""
    from . import aiken, moodlexml, tabular

    if len(data) > MAX_XML_BYTES:
        return [], [GiftError(0, _("tệp lớn hơn 20 MB."))]
    if fmt is None:
        suffix = PurePath(name.lower()).suffix
        if suffix and suffix not in SUFFIXES:
            return [], [
                GiftError(
                    0, _("chỉ nhận tệp .gift, .txt, .aiken, .xml, .csv hoặc .xlsx.")
                )
            ]
        # A name ending in .xlsx is a claim checked below; else the content says.
        fmt = "xlsx" if suffix == ".xlsx" else question_file_format(data)
    if fmt not in FORMATS:
        return [], [
            GiftError(0, _("chỉ nhận định dạng gift, aiken, moodlexml, csv hoặc xlsx."))
        ]
    if fmt == "moodlexml":
        return moodlexml.parse(data, default_category=default_category)
    if len(data) > MAX_IMPORT_BYTES:
        return [], [GiftError(0, _("tệp lớn hơn 5 MB."))]
    if fmt == "xlsx":
        if not data.startswith(b"PK"):
            return [], [GiftError(0, _("tệp không phải là tệp Excel (.xlsx)."))]
        try:
            rows = tabular.rows_from_xlsx(data)
        except Exception:  # noqa: BLE001 - any unreadable workbook is one error
            return [], [GiftError(0, _("không đọc được tệp Excel."))]
        return tabular.parse_rows(rows, default_category=default_category)
    # Text, or UTF-16 as Excel's "Unicode text" writes it (with its BOM).
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], [GiftError(0, _("tệp không phải là văn bản."))]
    try:
        if fmt == "csv":
            return tabular.parse_rows(
                tabular.rows_from_csv(data), default_category=default_category
            )
        text = tabular.decode(data)
        if fmt == "aiken":
            return aiken.parse(text, default_category=default_category)
        return gift_parse(text, default_category=default_category)
    except TabularError as exc:
        return [], [GiftError(0, str(exc))]


def _validate(questions: list[ParsedQuestion]) -> list[GiftError]:
    errors = []
    for q in questions:
        problems = []
        if len(q.title) > 255:
            problems.append(_("tiêu đề dài quá 255 ký tự."))
        if len(q.idnumber) > 100:
            problems.append(_("mã câu hỏi dài quá 100 ký tự."))
        if any(len(t) > 100 for t in q.tags):
            problems.append(_("thẻ dài quá 100 ký tự."))
        if any(len(p) > 200 for p in q.category.split("/")):
            problems.append(_("tên nhóm dài quá 200 ký tự."))
        if any(len(c.match) > 255 for c in q.choices):
            problems.append(_("vế ghép dài quá 255 ký tự."))
        if any(c.tolerance is not None and c.tolerance >= 10**14 for c in q.choices):
            problems.append(_("sai số cho phép quá lớn."))
        if not q.choices and q.qtype not in ("essay", "description"):
            problems.append(_("câu hỏi không có phương án."))
        if q.qtype in ("single", "true_false") and not any(
            c.fraction == 100 for c in q.choices
        ):
            problems.append(_("không có đáp án đúng (100%)."))
        errors.extend(GiftError(q.line, p) for p in problems)
    return errors


def category_get_or_create(*, path: str) -> tuple[QuestionCategory, int]:
    """The category at ``path`` ("A/B/C"), creating missing levels."""
    parent = None
    created = 0
    for name in path.split("/"):
        category, was_created = QuestionCategory.objects.get_or_create(
            parent=parent, name=name
        )
        created += was_created
        parent = category
    return parent, created


def _existing(category: QuestionCategory, q: ParsedQuestion) -> Question | None:
    """The bank's question a parsed one stands for, if any.

    By id number in the category; else by (category, title, type) among the
    questions without an id number; an untitled question has no identity
    but its content, so it is the same question only if nothing in it
    differs.
    """
    questions = Question.objects.filter(category=category).prefetch_related(
        "choices", "tags"
    )
    if q.idnumber:
        return questions.filter(idnumber=q.idnumber).first()
    if q.title:
        return (
            questions.filter(title=q.title, qtype=q.qtype, idnumber="")
            .order_by("pk")
            .first()
        )
    for candidate in questions.filter(title="", qtype=q.qtype, text=q.text):
        if question_to_parsed(candidate).key() == q.key():
            return candidate
    return None


def _as_stored(q: ParsedQuestion) -> ParsedQuestion:
    """``q`` with its texts as the bank stores them (HTML sanitised)."""
    return replace(
        q,
        text=clean_for_storage(q.text, q.text_format),
        general_feedback=clean_for_storage(
            q.general_feedback, q.general_feedback_format
        ),
        choices=[
            replace(
                c,
                text=clean_for_storage(c.text, c.text_format),
                feedback=clean_for_storage(c.feedback, c.feedback_format),
            )
            for c in q.choices
        ],
    )


def questions_import(
    *,
    questions: list[ParsedQuestion],
    errors: list[GiftError] | None = None,
    dry_run: bool = False,
    user=None,
) -> ImportReport:
    """Write parsed questions in one transaction; nothing if any is bad.

    A question already in the bank (same id number, or same title and type,
    in its category; an untitled one with the same content) is updated in
    place, its choices replaced, or left alone when nothing changed; the
    same question written twice in one file is written once. Importing the
    same file twice therefore creates and changes nothing. Attempts keep
    their own snapshots. Files the texts point to (Moodle XML's images) are
    stored in the media first (quizzes/media.py).

    ``dry_run`` writes nothing and reads what the import would find (each
    question's match in the bank, the missing categories), so its counts
    are the import's: within one file no question can find another (one id
    number, or one title of one type, per question is checked first, and
    the same question twice is counted once). It costs no index updates
    (about 40 ms a question written), so a large file previews quickly.
    """
    report = ImportReport(
        questions=questions, errors=list(errors or []), dry_run=dry_run
    )
    report.errors.extend(_validate(questions))
    if report.errors:
        return report
    if dry_run:
        return _import_preview(report)
    # Files first: named by their content, so one left behind by a failed
    # transaction is the same file the next import would store.
    media_save({p: d for q in questions for p, d in q.files.items()})
    with transaction.atomic():
        categories: dict[str, QuestionCategory] = {}
        written: set[tuple] = set()
        for parsed in questions:
            q = _as_stored(parsed)
            if q.category not in categories:
                categories[q.category], made = category_get_or_create(path=q.category)
                report.categories_created += made
            category = categories[q.category]
            key = q.key()
            if key in written:
                report.duplicates += 1
                continue
            written.add(key)
            existing = _existing(category, q)
            if existing is not None and question_to_parsed(existing).key() == key:
                report.unchanged += 1
                continue
            question = _fill(existing or Question(category=category), q)
            question.full_clean()
            # The cluster holds the tags until the one save writes them: each
            # save costs a search and a reference index update (~40 ms).
            question.tags.set(q.tags, clear=True)
            question.save()
            if existing:
                existing.choices.all().delete()
                report.updated += 1
            else:
                report.created += 1
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    sort_order=i,
                    text=c.text,
                    text_format=c.text_format,
                    match_text=c.match,
                    fraction=c.fraction,
                    tolerance=c.tolerance,
                    feedback=c.feedback,
                    feedback_format=c.feedback_format,
                )
                for i, c in enumerate(q.choices)
            )
        if user is not None and questions:
            log(
                instance=categories[questions[0].category],
                action="quizzes.questions_imported",
                user=user,
                data={
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
    return report


def _fill(question: Question, q: ParsedQuestion) -> Question:
    question.qtype = q.qtype
    question.title = q.title
    question.idnumber = q.idnumber
    question.text = q.text
    question.text_format = q.text_format
    question.points = q.points
    question.general_feedback = q.general_feedback
    question.general_feedback_format = q.general_feedback_format
    return question


def _category_find(path: str, missing: set[str]) -> QuestionCategory | None:
    """The category at ``path`` if it exists; the paths of the levels an
    import would create are added to ``missing``."""
    parent = None
    names = path.split("/")
    for depth, name in enumerate(names, start=1):
        parent = QuestionCategory.objects.filter(parent=parent, name=name).first()
        if parent is None:
            missing.update("/".join(names[:n]) for n in range(depth, len(names) + 1))
            return None
    return parent


def _import_preview(report: ImportReport) -> ImportReport:
    """:func:`questions_import`'s counts, read only."""
    categories: dict[str, QuestionCategory | None] = {}
    missing: set[str] = set()
    written: set[tuple] = set()
    for parsed in report.questions:
        q = _as_stored(parsed)
        if q.category not in categories:
            categories[q.category] = _category_find(q.category, missing)
        key = q.key()
        if key in written:
            report.duplicates += 1
            continue
        written.add(key)
        category = categories[q.category]
        existing = _existing(category, q) if category is not None else None
        if existing is not None and question_to_parsed(existing).key() == key:
            report.unchanged += 1
            continue
        # The checks the import's full_clean() makes (the category may not
        # exist yet: it is the import's to create).
        _fill(existing or Question(), q).full_clean(exclude=["category"])
        if existing is not None:
            report.updated += 1
        else:
            report.created += 1
    report.categories_created = len(missing)
    return report


def question_to_parsed(question: Question) -> ParsedQuestion:
    return ParsedQuestion(
        category=question.category.path,
        qtype=question.qtype,
        text=question.text,
        title=question.title,
        general_feedback=question.general_feedback,
        points=question.points,
        text_format=question.text_format,
        general_feedback_format=question.general_feedback_format,
        idnumber=question.idnumber,
        tags=[t.name for t in question.tags.all()],
        choices=[
            ParsedChoice(
                c.text,
                c.fraction,
                c.feedback,
                c.match_text,
                c.text_format,
                c.feedback_format,
                c.tolerance,
            )
            for c in question.choices.all()
        ],
    )


# --- Attempts ------------------------------------------------------------------


def _choice_snapshot(c: Choice) -> dict:
    return {
        "key": str(c.pk),
        "text": c.text,
        "text_format": c.text_format,
        "fraction": str(c.fraction),
        "tolerance": None if c.tolerance is None else str(c.tolerance),
        "feedback": c.feedback,
        "feedback_format": c.feedback_format,
        "match": c.match_text,
    }


def question_source(question: Question) -> dict:
    """What an attempt copies of ``question``: plain data, the choices in
    their order (read with ``prefetch_related("choices")``)."""
    return {
        "qid": question.pk,
        "type": question.qtype,
        "title": question.title,
        "text": question.text,
        "text_format": question.text_format,
        "points": str(question.points),
        "general_feedback": question.general_feedback,
        "general_feedback_format": question.general_feedback_format,
        "ignore_diacritics": question.ignore_diacritics,
        "choices": [_choice_snapshot(c) for c in question.choices.all()],
    }


def question_sources(ids) -> dict[int, dict | None]:
    """:func:`question_source` of each question id (``None`` for one that
    no longer exists), kept until the bank or the page tree changes: every
    save or deletion of a question or a choice bumps the generation
    (``QuizzesConfig.ready``); an import's choices are written in the
    transaction of their question's save, whose commit bumps it again."""

    def read(missing):
        found = Question.objects.prefetch_related("choices").in_bulk(missing)
        return {
            pk: question_source(found[pk]) if pk in found else None for pk in missing
        }

    return memo_many("quizzes:question-source", ids, read)


def snapshot_from_source(source: dict, *, shuffle_choices: bool, rng) -> dict:
    """The question as this attempt shows it (choices in shown order)."""
    snapshot = {**source, "choices": list(source["choices"])}
    if shuffle_choices and source["type"] in ("single", "multiple", "matching"):
        rng.shuffle(snapshot["choices"])
    if source["type"] == "matching":
        options = sorted({c["match"] for c in snapshot["choices"] if c["match"]})
        rng.shuffle(options)
        snapshot["options"] = options
    return snapshot


def question_snapshot(question: Question, *, shuffle_choices: bool, rng) -> dict:
    """The question as this attempt shows it (choices in shown order)."""
    return snapshot_from_source(
        question_source(question), shuffle_choices=shuffle_choices, rng=rng
    )


def quiz_draw_shortfalls(draws) -> list[str]:
    """Messages for random draws asking more questions than their category has."""
    problems = []
    for draw in draws:
        available = (
            Question.objects.drawable()
            .filter(category_id__in=draw.category_ids())
            .count()
        )
        if available < draw.count:
            problems.append(
                _(
                    "Nhóm “%(category)s” chỉ có %(available)s câu hỏi, "
                    "không đủ để rút %(count)s câu."
                )
                % {
                    "category": draw.category.path,
                    "available": available,
                    "count": draw.count,
                }
            )
    return problems


def quiz_plan(
    quiz: QuizPage,
) -> tuple[list[int], list[tuple[QuizRandomDraw, list[int]]]]:
    """The published quiz's fixed questions (ids) and its random draws, each
    with the ids of the questions it may pick; kept until the page tree or
    the bank (a question, choice or category saved or deleted) changes."""

    def read():
        draws = list(quiz.random_draws.all())
        children = category_children() if draws else {}
        return (
            [fq.question_id for fq in quiz.fixed_questions.all()],
            [
                (
                    draw,
                    list(
                        Question.objects.drawable()
                        .filter(category_id__in=draw.category_ids(children))
                        .order_by("pk")
                        .values_list("pk", flat=True)
                    ),
                )
                for draw in draws
            ],
        )

    return memo(f"quizzes:plan:{quiz.pk}", read)


def quiz_pick_questions(*, quiz: QuizPage, rng) -> list[dict]:
    """The questions of a new attempt, in order, as :func:`question_sources`."""
    fixed, draws = quiz_plan(quiz)
    chosen = list(fixed)
    for draw, drawable in draws:
        taken = set(chosen)
        pool = [pk for pk in drawable if pk not in taken]
        if len(pool) < draw.count:
            raise QuizError(_("Bài kiểm tra chưa đủ câu hỏi; hãy báo giảng viên."))
        chosen.extend(rng.sample(pool, draw.count))
    by_id = question_sources(chosen)
    questions = [by_id[pk] for pk in dict.fromkeys(chosen) if by_id[pk] is not None]
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    return questions


def quiz_course(quiz: QuizPage):
    """The course a quiz belongs to (kept until the page tree changes)."""
    from courses.models import CoursePage

    return memo(
        f"quizzes:course-of:{quiz.pk}",
        lambda: CoursePage.objects.ancestor_of(quiz).first(),
    )


def attempt_deadline(*, quiz: QuizPage, started_at: datetime) -> datetime:
    deadline = started_at + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at is not None:
        deadline = min(deadline, quiz.closes_at)
    return deadline


def accepts_answers_at(attempt: Attempt, now: datetime) -> bool:
    """The server's deadline rule: until ``deadline`` + 60 s grace."""
    return (
        attempt.state == Attempt.State.IN_PROGRESS and now <= attempt.deadline + GRACE
    )


def attempt_start(*, learner, quiz: QuizPage, now: datetime | None = None) -> Attempt:
    """Start an attempt, or return the learner's live one (idempotent).

    Refuses (QuizError) when the quiz is not open, the learner is not
    enrolled in the course, or no attempt is left. Two concurrent starts
    meet at the live-attempt constraint; the loser returns the winner's.
    """
    from courses.models import Enrolment

    now = now or timezone.now()
    earlier = list(Attempt.objects.filter(learner=learner, quiz=quiz))
    live = next((a for a in earlier if a.is_live), None)
    if live is not None:
        return live
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizError(_("Bài kiểm tra chưa mở."))
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizError(_("Bài kiểm tra đã đóng."))
    course = quiz_course(quiz)
    if not (
        Enrolment.objects.filter(learner=learner, course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .exists()
    ):
        raise QuizError(_("Anh/chị chưa ghi danh khóa học này."))
    used = len(earlier)
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise QuizError(_("Anh/chị đã dùng hết số lượt làm bài."))
    rng = secrets.SystemRandom()
    questions = quiz_pick_questions(quiz=quiz, rng=rng)
    if not questions:
        raise QuizError(_("Bài kiểm tra chưa có câu hỏi."))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                learner=learner,
                unit_id=unit_id_now(learner),
                quiz=quiz,
                number=used + 1,
                started_at=now,
                deadline=attempt_deadline(quiz=quiz, started_at=now),
            )
            AttemptAnswer.objects.bulk_create(
                AttemptAnswer(
                    attempt=attempt,
                    slot=slot,
                    question_id=source["qid"],
                    snapshot=snapshot_from_source(
                        source, shuffle_choices=quiz.shuffle_choices, rng=rng
                    ),
                )
                for slot, source in enumerate(questions, start=1)
            )
    except IntegrityError:
        live = Attempt.objects.live().filter(learner=learner, quiz=quiz).first()
        if live is None:
            raise
        return live
    return attempt


def response_validate(snapshot: dict, response) -> dict:
    """``response`` checked against its question's schema, normalised
    (quizzes/responses.py); QuizError when it does not fit."""
    try:
        return response_clean(snapshot, response)
    except InvalidResponse as error:
        raise QuizError(_("Câu trả lời không hợp lệ.")) from error


@dataclass(frozen=True)
class SaveResult:
    version: int
    saved_at: datetime | None
    stale: bool = False


def answer_save(
    *,
    attempt_id: int,
    learner,
    question_id: int,
    response: dict,
    client_version: int,
    now: datetime | None = None,
) -> SaveResult:
    """Store one answer if ``client_version`` is newer than the stored one.

    Takes the attempt's row lock, so no answer lands after grading. Refuses
    (AttemptClosed) once the attempt is finished or its deadline plus the
    grace period has passed. A save whose version is not newer (a late,
    out-of-order request) changes nothing and reports the stored version.
    """
    if not isinstance(response, dict) or len(
        json.dumps(response, ensure_ascii=False)
    ) > (MAX_RESPONSE_CHARS + ESSAY_MAX_CHARS):
        raise QuizError(_("Câu trả lời không hợp lệ."))
    now = now or timezone.now()
    with transaction.atomic():
        # One statement reads the question as shown (to check the answer
        # against it) and locks the attempt row. get(), not first(): no
        # ORDER BY to build.
        try:
            row = (
                AttemptAnswer.objects.select_for_update(of=("attempt",))
                .select_related("attempt")
                .only(
                    "snapshot",
                    "attempt__id",
                    "attempt__state",
                    "attempt__deadline",
                    "attempt__learner_id",
                )
                .get(
                    attempt_id=attempt_id,
                    question_id=question_id,
                    attempt__learner=learner,
                )
            )
        except AttemptAnswer.DoesNotExist:
            Attempt.objects.only("pk").get(pk=attempt_id, learner=learner)
            raise QuizError(_("Câu hỏi không thuộc lượt làm bài này.")) from None
        attempt = row.attempt
        if not accepts_answers_at(attempt, now):
            raise AttemptClosed(
                _("Đã hết thời gian làm bài; câu trả lời không được lưu.")
            )
        response = response_validate(row.snapshot, response)
        updated = AttemptAnswer.objects.filter(
            attempt_id=attempt_id, question_id=question_id, version__lt=client_version
        ).update(response=response, version=client_version, saved_at=now)
        if updated:
            return SaveResult(client_version, now)
        stored = (
            AttemptAnswer.objects.filter(attempt_id=attempt_id, question_id=question_id)
            .values("version", "saved_at")
            .get()
        )
    return SaveResult(stored["version"], stored["saved_at"], stale=True)


def _grade_answers(answers: list[AttemptAnswer]) -> Decimal | None:
    """Points of every answer (an essay keeps the trainer's mark) and the
    score in %; ``None`` while an essay is not marked yet."""
    earned = Decimal("0")
    maximum = Decimal("0")
    pending = False
    for answer in answers:
        if answer.snapshot.get("type") != "essay":
            answer.points = grade_points(answer.snapshot, answer.response)
        elif answer.points is None:
            pending = True
            continue
        earned += answer.points
        maximum += answer.max_points
    return None if pending else percent(earned, maximum)


def attempt_submit(
    *, attempt_id: int, learner=None, user=None, now: datetime | None = None
) -> Attempt:
    """Grade and close an attempt, once.

    Inside one transaction holding the attempt's row lock: a second (or
    concurrent) submit finds it finished and returns it unchanged. Past the
    deadline plus grace the attempt is closed as overdue with what was
    saved. Afterwards the course completion is re-evaluated.
    """
    from courses.services import enrolment_refresh

    now = now or timezone.now()
    with transaction.atomic():
        queryset = Attempt.objects.select_for_update(of=("self",)).select_related(
            "quiz"
        )
        if learner is not None:
            queryset = queryset.filter(learner=learner)
        attempt = queryset.get(pk=attempt_id)
        if not attempt.is_live:
            return attempt
        answers = list(attempt.answers.all())
        attempt.score = _grade_answers(answers)
        AttemptAnswer.objects.bulk_update(answers, ["points"])
        # With essays to mark the attempt has no score yet: "đang chờ chấm".
        attempt.grading_pending = attempt.score is None
        attempt.passed = (
            None if attempt.score is None else attempt.score >= attempt.quiz.pass_mark
        )
        attempt.state = (
            Attempt.State.SUBMITTED
            if now <= attempt.deadline + GRACE
            else Attempt.State.OVERDUE_CLOSED
        )
        attempt.submitted_at = (
            now
            if attempt.state == Attempt.State.SUBMITTED
            else min(now, attempt.deadline + GRACE)
        )
        attempt.save(
            update_fields=[
                "score",
                "passed",
                "grading_pending",
                "state",
                "submitted_at",
            ]
        )
        log(
            instance=attempt,
            action="quizzes.attempt_graded",
            user=user,
            data={
                "score": None if attempt.score is None else str(attempt.score),
                "state": attempt.state,
                "grading_pending": attempt.grading_pending,
            },
        )
        course = quiz_course(attempt.quiz)
        if course is not None:
            enrolment_refresh(learner=attempt.learner, course=course)
    return attempt


def attempt_close_overdue(*, now: datetime | None = None) -> int:
    """Close every attempt past its deadline plus grace; returns how many."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.live()
        .filter(deadline__lt=now - GRACE)
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in ids:
        attempt = attempt_submit(attempt_id=pk, now=now)
        closed += attempt.state == Attempt.State.OVERDUE_CLOSED
    return closed


# --- Regrade -------------------------------------------------------------------


@dataclass(frozen=True)
class RegradeChange:
    attempt: Attempt
    old_score: Decimal | None
    new_score: Decimal


def _refreshed_snapshot(snapshot: dict, question: Question) -> dict:
    """The snapshot with the question's current content, shown order kept."""
    current = {str(c.pk): c for c in question.choices.all()}
    fresh = dict(snapshot)
    fresh.update(
        text=question.text,
        text_format=question.text_format,
        title=question.title,
        points=str(question.points),
        general_feedback=question.general_feedback,
        general_feedback_format=question.general_feedback_format,
        ignore_diacritics=question.ignore_diacritics,
    )
    choices = []
    for choice in snapshot["choices"]:
        c = current.get(choice["key"])
        if c is None:
            choices.append({**choice, "fraction": "0"})
            continue
        choices.append(_choice_snapshot(c))
    shown = {c["key"] for c in choices}
    if question.qtype in ("short", "numerical"):
        # New accepted answers count too: the learner typed, didn't pick.
        choices.extend(
            _choice_snapshot(c) for key, c in current.items() if key not in shown
        )
    fresh["choices"] = choices
    return fresh


def question_regrade(
    *, question: Question, apply: bool, user=None
) -> list[RegradeChange]:
    """Re-grade finished attempts that showed ``question`` after a fix.

    Dry run (``apply=False``) computes what would change and writes nothing.
    Applying updates the snapshots, points and scores in one transaction,
    logs each changed attempt and re-evaluates course completion.
    """
    from courses.services import enrolment_refresh

    changes: list[RegradeChange] = []
    with transaction.atomic():
        attempt_ids = list(
            AttemptAnswer.objects.filter(question=question)
            .exclude(attempt__state=Attempt.State.IN_PROGRESS)
            .values_list("attempt_id", flat=True)
        )
        attempts = (
            Attempt.objects.filter(pk__in=attempt_ids)
            .select_related("quiz", "learner")
            .prefetch_related("answers")
            .order_by("pk")
        )
        if apply:
            attempts = attempts.select_for_update(of=("self",))
        for attempt in attempts:
            answers = list(attempt.answers.all())
            for answer in answers:
                if answer.question_id == question.pk:
                    answer.snapshot = _refreshed_snapshot(answer.snapshot, question)
            new_score = _grade_answers(answers)
            if new_score is None or new_score == attempt.score:
                continue
            changes.append(RegradeChange(attempt, attempt.score, new_score))
            if not apply:
                continue
            AttemptAnswer.objects.bulk_update(answers, ["points", "snapshot"])
            old = attempt.score
            attempt.score = new_score
            attempt.passed = new_score >= attempt.quiz.pass_mark
            attempt.save(update_fields=["score", "passed"])
            log(
                instance=attempt,
                action="quizzes.attempt_regraded",
                user=user,
                data={"question": question.pk, "old": str(old), "new": str(new_score)},
            )
            course = quiz_course(attempt.quiz)
            if course is not None:
                enrolment_refresh(learner=attempt.learner, course=course)
    return changes


# --- Essay marking -------------------------------------------------------------


def essay_grade(
    *, answer_id: int, points: Decimal, comment: str, user
) -> AttemptAnswer:
    """A trainer's mark and comment on one essay answer.

    Takes the attempt's row lock. Refuses (QuizError) an answer the user may
    not mark (selectors.essay_answers), points outside 0…max. When no essay
    of the attempt is left unmarked the attempt gets its score and pass
    mark, and the course completion is re-evaluated (a certificate may
    follow). Logged (``quizzes.essay_graded``); the learner is emailed
    (:func:`_essay_graded_notify`).
    """
    from courses.services import enrolment_refresh

    from .selectors import essay_answers

    allowed = essay_answers(user=user, pending_only=False).filter(pk=answer_id)
    if not allowed.exists():
        raise QuizError(_("Anh/chị không chấm được câu trả lời này."))
    with transaction.atomic():
        answer = AttemptAnswer.objects.select_related("attempt").get(pk=answer_id)
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz", "learner")
            .get(pk=answer.attempt_id)
        )
        if attempt.is_live:
            raise QuizError(_("Lượt làm bài chưa nộp."))
        if not (Decimal("0") <= points <= answer.max_points):
            raise QuizError(
                _("Điểm phải từ 0 đến %(max)s.")
                % {"max": _decimal_vi(answer.max_points)}
            )
        answer.points = points
        answer.comment = comment.strip()
        answer.graded_by = user
        answer.graded_at = timezone.now()
        answer.save(update_fields=["points", "comment", "graded_by", "graded_at"])
        answers = list(attempt.answers.all())
        score = _grade_answers(answers)
        if score is not None:
            AttemptAnswer.objects.bulk_update(
                [a for a in answers if a.snapshot.get("type") != "essay"], ["points"]
            )
            attempt.score = score
            attempt.passed = score >= attempt.quiz.pass_mark
        attempt.grading_pending = score is None
        attempt.save(update_fields=["score", "passed", "grading_pending"])
        log(
            instance=attempt,
            action="quizzes.essay_graded",
            user=user,
            data={
                "answer": answer.pk,
                "points": str(points),
                "score": None if score is None else str(score),
            },
        )
        _essay_graded_notify(attempt=attempt, answer=answer, score=score)
        course = quiz_course(attempt.quiz)
        if score is not None and course is not None:
            enrolment_refresh(learner=attempt.learner, course=course)
    return answer


def _decimal_vi(value: Decimal) -> str:
    """0,5 – the Vietnamese decimal comma, no trailing zeros."""
    return format(value.normalize(), "f").replace(".", ",")


def _essay_graded_notify(
    *, attempt: Attempt, answer: AttemptAnswer, score: Decimal | None
) -> None:
    """Email the learner their essay's mark, the comment and the link to the
    result page, after the commit. In Vietnamese whatever the language of
    the trainer's admin, as every email to learners."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from elearning.services import email_send

    url = settings.SITE_URL + reverse("quizzes:result", args=[attempt.pk])
    with translation.override("vi"):
        lines = [
            _(
                "Bài “%(quiz)s” (lượt %(number)s) có câu tự luận vừa được chấm: "
                "%(points)s/%(max)s điểm."
            )
            % {
                "quiz": attempt.quiz.title,
                "number": attempt.number,
                "points": _decimal_vi(answer.points),
                "max": _decimal_vi(answer.max_points),
            }
        ]
        if answer.comment:
            lines.append(_("Nhận xét: %(c)s") % {"c": answer.comment})
        if score is None:
            lines.append(_("Bài còn câu tự luận đang chờ chấm."))
        else:
            lines.append(_("Điểm bài làm: %(s)s%%.") % {"s": _decimal_vi(score)})
        lines.append(_("Xem bài làm và nhận xét: %(url)s") % {"url": url})
        subject = _("Bài tự luận của anh/chị đã được chấm")
    email_send(to=[attempt.learner.email], subject=subject, body="\n".join(lines))
