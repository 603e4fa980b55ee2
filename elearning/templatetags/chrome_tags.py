"""``{% chrome %}``: the navigation bar and the footer every page carries,
rendered once per language and kind of user in each worker process.

    {% load chrome_tags %}
    {% chrome "components/navbar.html" %}

They are the same on every page for one kind of user: ~10 links (each a
``reverse()``), ~20 translated strings and two small forms, about a quarter
of the CPU a learner's page took. What differs from one request to the next
is written in afterwards:

- the user's name (``{{ user }}``, escaped like the template would),
- the CSRF token of the forms (``{% csrf_token %}``),
- ``chrome_next``, the address the language switcher returns to.

The template is rendered with markers in their place, kept in this process's
memory under (template, language, kind of user), and the markers replaced on
every request. The kind of user is every flag a chrome template may test
(:func:`_kind`): a template that tests anything else about the user, the
request or the page must not be rendered through this tag. With ``DEBUG``
on, nothing is kept (templates change while one works on them).
"""

from __future__ import annotations

import secrets

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.translation import get_language

register = template.Library()

# Random per process: no page text can contain them by chance or design.
_TOKEN = secrets.token_hex(8)
_NAME = f"chrome-name-{_TOKEN}"
_CSRF = f"chrome-csrf-{_TOKEN}"
_NEXT = f"chrome-next-{_TOKEN}"

_rendered: dict[tuple, str] = {}


def _kind(user) -> tuple:
    """Every fact about the user a chrome template may test."""
    if user is None or not user.is_authenticated:
        return (False,)
    return (
        True,
        user.is_staff,
        user.is_superuser,
        user.is_unit_officer,
        user.is_province_admin,
        user.is_trainer,
    )


class _NameMarker:
    """Stands in for the user while the chrome is rendered: the same flags,
    a marker for a name."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name):
        return getattr(self._user, name)

    def __str__(self) -> str:
        return _NAME


class ChromeNode(template.Node):
    def __init__(self, template_name):
        self.template_name = template_name

    def render(self, context):
        request = context.get("request")
        user = context.get("user")
        name = self.template_name.resolve(context)
        next_path = request.get_full_path() if request is not None else ""
        token = str(context.get("csrf_token") or "")
        if settings.DEBUG or request is None or token in ("", "NOTPROVIDED"):
            with context.push(chrome_next=next_path):
                return get_template(name).template.render(context)
        key = (name, get_language(), _kind(user))
        text = _rendered.get(key)
        if text is None:
            stand_in = _NameMarker(user) if user is not None else None
            with context.push(csrf_token=_CSRF, user=stand_in, chrome_next=_NEXT):
                text = str(get_template(name).template.render(context))
            _rendered[key] = text
        return (
            text.replace(_NAME, escape(str(user)) if user is not None else "")
            .replace(_CSRF, escape(token))
            .replace(_NEXT, escape(next_path))
        )


@register.tag
def chrome(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes one template name")
    return ChromeNode(parser.compile_filter(bits[1]))


@register.simple_tag
def native_languages() -> list[tuple[str, str]]:
    """``settings.LANGUAGES`` as written there: each language under its own
    name ("Tiếng Việt", "English"), not translated into the page's language
    as ``{% get_available_languages %}`` does ("Tiếng Anh")."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]
