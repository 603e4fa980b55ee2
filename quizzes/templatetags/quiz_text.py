"""``{{ text|formatted:fmt }}``: a question text in its format, made safe."""

from django import template

from elearning.numbers import decimal_text
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


@register.filter
def accepted_numbers(question) -> str:
    """A parsed numerical question's right answers, as the import preview
    shows them to the trainer: "1,5 ± 0,1; 2 (50 %)" (a range ``{#1..2}``
    reads "1,5 ± 0,5"; ``*`` reads "mọi số")."""
    from django.utils.translation import gettext as _

    from quizzes.selectors import accepted_answer

    parts = []
    for choice in question.choices:
        if choice.fraction <= 0:
            continue
        if choice.text == "*":
            text = _("mọi số")
        else:
            text = accepted_answer(
                {"text": choice.text, "tolerance": choice.tolerance}, "numerical"
            )
        if choice.fraction < 100:
            share = decimal_text(choice.fraction)
            text = f"{text} ({share} %)"
        parts.append(text)
    return "; ".join(parts)


@register.filter
def short_number(value) -> str:
    """A score or points with at most two decimals and no trailing zeros,
    in the reader's decimal separator: 0.50 → "0,5", 83.30 → "83,3", 70.00
    → "70" (``floatformat:"-2"`` gave "0,50" and "83,30")."""
    from decimal import Decimal, InvalidOperation

    from django.utils.formats import number_format

    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    # normalize() writes 70 as 7E+1; adding 0 with no exponent keeps "70".
    number = number.normalize() + Decimal(0)
    return number_format(number, use_l10n=True)
