"""Learner views: start, attempt page, autosave endpoint, submit, result."""

from __future__ import annotations

import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Attempt, QuizPage
from .responses import ESSAY_MAX_CHARS, TEXT_MAX_CHARS, text_clean
from .review import shown_items, shown_later
from .selectors import attempt_rows
from .services import (
    AttemptClosed,
    QuizError,
    accepts_answers_at,
    answer_save,
    attempt_start,
    attempt_submit,
    response_validate,
)

TIME_UP_SLACK = datetime.timedelta(seconds=5)


def _own_attempt(request, attempt_id: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("quiz"), pk=attempt_id, learner=request.user
    )


@login_required
@require_POST
def start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        attempt = attempt_start(learner=request.user, quiz=quiz)
    except QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@login_required
def attempt(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    now = timezone.now()
    if attempt.is_live and not accepts_answers_at(attempt, now):
        attempt_submit(attempt_id=attempt.pk, learner=request.user, now=now)
        return redirect("quizzes:result", attempt_id=attempt.pk)
    if not attempt.is_live:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    answers = list(attempt.answers.order_by("slot"))
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "rows": attempt_rows(answers),
            "server_now": now,
            "essay_max": ESSAY_MAX_CHARS,
        },
    )


@login_required
@require_POST
def save(request, attempt_id: int):
    """JSON in: {"question": id, "response": {...}, "version": n}.

    200 {"version", "saved_at", "stale"}; 409 once the attempt is closed;
    400 on a malformed request; 404 for someone else's attempt.
    """
    try:
        payload = json.loads(request.body)
        question_id = int(payload["question"])
        version = int(payload["version"])
        response = payload["response"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Yêu cầu không hợp lệ.")}, status=400)
    try:
        result = answer_save(
            attempt_id=attempt_id,
            learner=request.user,
            question_id=question_id,
            response=response,
            client_version=version,
        )
    except Attempt.DoesNotExist as missing:
        raise Http404 from missing
    except AttemptClosed as error:
        return JsonResponse({"error": str(error), "closed": True}, status=409)
    except QuizError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {
            "version": result.version,
            "saved_at": result.saved_at.isoformat() if result.saved_at else None,
            "stale": result.stale,
        }
    )


def responses_from_form(answers, data) -> dict[int, dict]:
    """Responses posted by the plain HTML form (no JavaScript)."""
    out = {}
    for answer in answers:
        snap, name = answer.snapshot, f"q-{answer.question_id}"
        kind = snap["type"]
        if kind in ("single", "true_false") and data.get(name):
            out[answer.question_id] = {"choice": data[name]}
        elif kind == "multiple" and f"{name}-present" in data:
            out[answer.question_id] = {"choices": data.getlist(name)}
        elif kind in ("short", "numerical") and name in data:
            text = text_clean(data[name])
            out[answer.question_id] = {"text": text[: TEXT_MAX_CHARS[kind]]}
        elif kind == "essay" and name in data:
            out[answer.question_id] = {"text": text_clean(data[name])[:ESSAY_MAX_CHARS]}
        elif kind == "matching":
            matches = {
                c["key"]: data[f"{name}-{c['key']}"]
                for c in snap["choices"]
                if data.get(f"{name}-{c['key']}")
            }
            if matches:
                out[answer.question_id] = {"matches": matches}
    return out


@login_required
@require_POST
def submit(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_live:
        # The form carries every answer: save what differs before grading,
        # so a learner without JavaScript (or with unsent saves) loses nothing.
        answers = list(attempt.answers.all())
        posted = responses_from_form(answers, request.POST)
        # Every posted answer is checked before anything is stored: one
        # that fits no schema refuses the whole submit (nothing saved).
        try:
            for answer in answers:
                if answer.question_id in posted:
                    posted[answer.question_id] = response_validate(
                        answer.snapshot, posted[answer.question_id]
                    )
        except QuizError as error:
            return HttpResponseBadRequest(str(error))
        for answer in answers:
            response = posted.get(answer.question_id)
            if response is None or response == answer.response:
                continue
            try:
                answer_save(
                    attempt_id=attempt.pk,
                    learner=request.user,
                    question_id=answer.question_id,
                    response=response,
                    client_version=answer.version + 1,
                )
            except QuizError:
                break
        attempt_submit(attempt_id=attempt.pk, learner=request.user, user=request.user)
    url = reverse("quizzes:result", kwargs={"attempt_id": attempt.pk})
    if request.POST.get("time_up") == "1" and _at_time_up(attempt, timezone.now()):
        url += "?het-gio=1"
    return redirect(url)


def _at_time_up(attempt, moment) -> bool:
    """``moment`` is when the page's countdown ends (its clock may run a
    second or two ahead of the server's)."""
    return moment is not None and moment >= attempt.deadline - TIME_UP_SLACK


@login_required
def result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_live:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    shown = shown_items(attempt)
    answers = list(attempt.answers.order_by("slot")) if "answer" in shown else []
    # Handed in by the page when the time ran out (or closed late by the
    # server): the learner is told so, not left with a bare score.
    timed_out = attempt.state == attempt.State.OVERDUE_CLOSED or (
        request.GET.get("het-gio") == "1" and _at_time_up(attempt, attempt.submitted_at)
    )
    return render(
        request,
        "quizzes/result.html",
        {
            "timed_out": timed_out,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "rows": attempt_rows(answers, shown=shown),
            "shown": shown,
            "shown_later": shown_later(attempt),
        },
    )
