"""Retention: personal data is kept for the periods the privacy notice
states (settings ``PERSONAL_DATA_*_YEARS``), then taken out.

- A person whose account ended ``PERSONAL_DATA_PROFILE_YEARS`` ago is
  anonymised (:func:`person_anonymise`): the account loses its address,
  password, e-mail addresses, authenticators and sessions; the profile its
  name, birth date, phone and position (unit, agency and category stay, so
  the yearly figures of past years do not change); every app's registered
  ``anonymise`` hook does the same to its records (certificates keep number,
  course, dates, status and the holder's initials: they still verify).
- Access-log lines older than ``PERSONAL_DATA_ACCESS_LOG_YEARS`` are deleted.
- Audit entries (Wagtail's log) older than ``PERSONAL_DATA_AUDIT_DETAIL_YEARS``
  lose their details (``data``); who did what and when stays.

``manage.py apply_retention [--dry-run]`` and the daily beat task
``elearning.people.tasks.apply_retention`` call :func:`retention_apply`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AccessLog, PrivacyConsent, StaffProfile, User
from .names import initials
from .personal_data import personal_data_kinds


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """``moment`` ``years`` earlier (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@dataclass
class RetentionResult:
    people: list[int] = field(default_factory=list)
    access_logs: int = 0
    audit_entries: int = 0
    dry_run: bool = False


def _audit_entries(cutoff: datetime.datetime):
    from wagtail.models import ModelLogEntry, PageLogEntry

    return [
        model.objects.filter(timestamp__lt=cutoff).exclude(data={})
        for model in (ModelLogEntry, PageLogEntry)
    ]


def retention_due(*, now: datetime.datetime | None = None) -> RetentionResult:
    """What :func:`retention_apply` would do at ``now``; changes nothing."""
    now = now or timezone.now()
    people_cutoff = years_before(now, settings.PERSONAL_DATA_PROFILE_YEARS)
    log_cutoff = years_before(now, settings.PERSONAL_DATA_ACCESS_LOG_YEARS)
    audit_cutoff = years_before(now, settings.PERSONAL_DATA_AUDIT_DETAIL_YEARS)
    return RetentionResult(
        people=list(
            User.objects.filter(
                is_active=False,
                ended_at__lt=people_cutoff,
                anonymised_at__isnull=True,
                is_superuser=False,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        access_logs=AccessLog.objects.filter(at__lt=log_cutoff).count(),
        audit_entries=sum(qs.count() for qs in _audit_entries(audit_cutoff)),
        dry_run=True,
    )


def _labels_replace(name: str, anonymous: str) -> None:
    from django.db.models import Value
    from django.db.models.functions import Replace
    from wagtail.models import ModelLogEntry, PageLogEntry

    if not name:
        return
    for model in (ModelLogEntry, PageLogEntry):
        model.objects.filter(label__contains=name).update(
            label=Replace("label", Value(name), Value(anonymous))
        )


@transaction.atomic
def person_anonymise(*, user_ids: list[int]) -> int:
    """Take the identity of ``user_ids`` out of everything the platform holds
    about them, in one transaction; returns how many people. Idempotent."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from wagtail.log_actions import log

    if not user_ids:
        return 0
    now = timezone.now()
    for kind in personal_data_kinds():
        if kind.anonymise is not None:
            kind.anonymise(user_ids)
    EmailAddress.objects.filter(user_id__in=user_ids).delete()
    Authenticator.objects.filter(user_id__in=user_ids).delete()
    UserSession.objects.filter(user_id__in=user_ids).delete()
    PrivacyConsent.objects.filter(user_id__in=user_ids).update(ip=None)
    AccessLog.objects.filter(actor_id__in=user_ids).update(ip=None)
    StaffProfile.objects.filter(user_id__in=user_ids).update(
        date_of_birth=None, phone="", position=""
    )
    profiles = StaffProfile.objects.filter(user_id__in=user_ids)
    for profile in profiles:
        anonymous = f"{initials(profile.full_name)} (#{profile.user_id})"
        # The audit log names people in its labels ("Nguyễn Văn An – ATTT"):
        # the entries stay, the name goes.
        _labels_replace(profile.full_name, anonymous)
        # save() recomputes the sort and search keys from the new name.
        profile.full_name = anonymous
        profile.save()
    users = User.objects.filter(pk__in=user_ids)
    for user in users:
        _labels_replace(user.email, f"#{user.pk}")
        user.email = f"an-danh-{user.pk}@an-danh.invalid"
        user.first_name = user.last_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.anonymised_at = now
        user.save()
        log(instance=user, action="people.anonymised", user=None)
    return len(user_ids)


def retention_apply(
    *, dry_run: bool = False, now: datetime.datetime | None = None
) -> RetentionResult:
    """Anonymise, purge and trim what is past its period (see the module)."""
    due = retention_due(now=now)
    if dry_run:
        return due
    now = now or timezone.now()
    with transaction.atomic():
        person_anonymise(user_ids=due.people)
        log_cutoff = years_before(now, settings.PERSONAL_DATA_ACCESS_LOG_YEARS)
        AccessLog.objects.filter(at__lt=log_cutoff).delete()
        audit_cutoff = years_before(now, settings.PERSONAL_DATA_AUDIT_DETAIL_YEARS)
        for entries in _audit_entries(audit_cutoff):
            entries.update(data={})
    due.dry_run = False
    return due
