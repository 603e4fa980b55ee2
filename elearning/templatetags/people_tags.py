"""People in lists: two people of the same name are told apart by address.

``{% with twins=rows|namesakes:"learner" %}`` gives the names (as
``names.name_match_key``) borne by more than one person of the list;
``{% if row.learner|has_namesake:twins %}`` then shows the address next to
the name. People are users or staff profiles.
"""

from __future__ import annotations

from collections import Counter

from django import template

from elearning.people.names import name_match_key

register = template.Library()


def _name(person) -> str:
    name = getattr(person, "full_name", None)
    if name is None and hasattr(person, "get_full_name"):
        name = person.get_full_name()
    return name_match_key(name or "")


def _person(item, path: str):
    for part in filter(None, (path or "").split(".")):
        item = (
            getattr(item, part, None) if not isinstance(item, dict) else item.get(part)
        )
    return item


@register.filter
def namesakes(items, path: str = "") -> frozenset[str]:
    people = {}
    for item in items or ():
        person = _person(item, path)
        if person is not None:
            people[getattr(person, "pk", id(person))] = _name(person)
    counts = Counter(people.values())
    return frozenset(name for name, n in counts.items() if n > 1 and name)


@register.filter
def has_namesake(person, names) -> bool:
    return person is not None and bool(names) and _name(person) in names


@register.filter
def email_of(person) -> str:
    """The address of a user, or of a profile's user."""
    email = getattr(person, "email", None)
    if email is None:
        user = getattr(person, "user", None)
        email = getattr(user, "email", "")
    return email or ""
