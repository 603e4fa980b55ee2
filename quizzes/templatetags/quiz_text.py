"""``{{ text|formatted:fmt }}``: a question text in its format, made safe."""

from django import template

from quizzes.formatting import render

register = template.Library()


@register.filter
def formatted(text: str, fmt: str = "plain"):
    return render(text or "", fmt or "plain")


@register.filter
def qtype_label(value: str) -> str:
    """ "single" → "Một đáp án đúng"."""
    from quizzes.models import QuestionType

    try:
        return QuestionType(value).label
    except ValueError:
        return value
