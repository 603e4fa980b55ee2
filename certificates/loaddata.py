"""Load data for certificates: one per completed enrolment, numbered per series.

Certificates are numbered in the order they were issued (two hours after the
completion) by the issuer valid on that day, in its series of the year (or
the learner's unit's, where the issuer numbers per unit), continuing
each series from its ``last_number``, which is moved to the last number
used: the series stay gap-free and the next real issue takes the next
number. A certificate issued before 01/07/2025 names the 2018 district
and one of its agencies, a later one the commune or ward (``ctx.unit_at``).
Completed enrolments are read back a batch at a time in completion order.
PDFs are not rendered: ``pdf`` is left empty, the state of a certificate
whose render task has not run yet (``issue_certificates`` / the render task
fill it).
"""

from __future__ import annotations

import base64
import datetime

from django.utils import timezone

from elearning.loaddata import LoadContext, bulk
from elearning.people.loaddata import former_agency_name
from elearning.people.models import AdministrativeUnit, Agency, StaffProfile

from .demo import default_template, seed_issuers
from .models import (
    ISSUER_NUMBER_FORMAT,
    UNIT_NUMBER_FORMAT,
    Certificate,
    CertificateSeries,
    Issuer,
)
from .selectors import certificate_year
from .text import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH


def _template_revision():
    template, _created = default_template()
    return template.latest_revision


def _issuer_on(issuers: list[Issuer], day: datetime.date) -> Issuer:
    for issuer in issuers:
        if issuer.valid_from <= day and (
            issuer.valid_to is None or day <= issuer.valid_to
        ):
            return issuer
    raise ValueError(f"no certificate issuer on {day:%d/%m/%Y}")


def _token(rng) -> str:
    raw = bytes(rng.getrandbits(8) for _ in range(24))
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _short_code(rng) -> str:
    chars = "".join(rng.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


# Completed enrolments per batch: their learners' ids are one IN list
# (SQLite takes at most 999 parameters in some builds).
CHUNK = 900


def generate(ctx: LoadContext) -> None:
    rng = ctx.rng
    revision = _template_revision()
    seed_issuers()
    issuers = list(Issuer.objects.all())
    issuer_revisions = {
        issuer.pk: issuer.latest_revision_id
        or issuer.save_revision(log_action=False).pk
        for issuer in issuers
    }
    courses = {c.pk: c for c in ctx.courses}
    agencies = dict(Agency.objects.values_list("pk", "name"))
    units = {u.pk: u for u in [*ctx.districts, *ctx.communes]}
    units.update(
        AdministrativeUnit.objects.in_bulk(
            set(ctx.current_units().values()) - set(units) - {None}
        )
    )
    series: dict[tuple[str, int, int], CertificateSeries] = {}
    made = 0
    for batch in ctx.enrolment_batches(completed_only=True, size=CHUNK):
        profiles = {
            user_id: rest
            for user_id, *rest in StaffProfile.objects.filter(
                user_id__in={row[1] for row in batch}
            ).values_list("user_id", "full_name", "date_of_birth", "agency_id")
        }
        rows = []
        for enrolment_id, learner_id, course_id, _f, completed_at, enrolled_at in batch:
            name, born, agency_id = profiles[learner_id]
            issued_at = min(completed_at + datetime.timedelta(hours=2), ctx.now)
            unit = units[ctx.unit_at(learner_id, issued_at)]
            agency_name = (
                agencies.get(agency_id, "")
                if unit.pk == ctx.current_units().get(learner_id)
                else former_agency_name(learner_id, unit)
            )
            year = certificate_year(issued_at)
            issuer = _issuer_on(issuers, timezone.localdate(issued_at))
            if issuer.numbering == Issuer.Numbering.UNIT:
                key = ("unit", unit.pk, year)
                owner = {"unit": unit, "issuer": None}
                number_format = UNIT_NUMBER_FORMAT
            else:
                key = ("issuer", issuer.pk, year)
                owner = {"issuer": issuer, "unit": None}
                number_format = ISSUER_NUMBER_FORMAT
            if key not in series:
                series[key], _made = CertificateSeries.objects.get_or_create(
                    year=year, **owner, defaults={"number_format": number_format}
                )
                series[key].unit = owner["unit"]
                series[key].issuer = owner["issuer"]
            book = series[key]
            book.last_number += 1
            course = courses[course_id]
            score = ctx.scores.get(enrolment_id)
            rows.append(
                Certificate(
                    number=book.format_number(book.last_number),
                    series_id=book.pk,
                    sequence=book.last_number,
                    learner_id=learner_id,
                    unit_id=unit.pk,
                    course_id=course_id,
                    template_revision_id=revision.pk,
                    issuer_id=issuer.pk,
                    issuer_revision_id=issuer_revisions[issuer.pk],
                    full_name=name,
                    date_of_birth=born,
                    agency_name=agency_name,
                    unit_name=unit.full_name,
                    course_title=course.title,
                    course_code=course.code,
                    started_on=timezone.localdate(enrolled_at),
                    completed_on=timezone.localdate(completed_at),
                    score=score,
                    grade=course.grade_word(score),
                    issued_at=issued_at,
                    token=_token(rng),
                    short_code=_short_code(rng),
                )
            )
        bulk(Certificate, rows)
        made += len(rows)
    for book in series.values():
        CertificateSeries.objects.filter(pk=book.pk).update(
            last_number=book.last_number
        )
    ctx.count("certificates", made)
    ctx.say(f"Certificates: {made} in {len(series)} series (PDFs not rendered)")
