"""Synthetic load data: sizes XS–XXL, seeded random streams, bulk inserts.

``manage.py generate_load_data`` builds a :class:`LoadContext` and runs each
app's ``loaddata.generate(ctx)`` in ``GENERATORS`` order. Every app owns its
part (people: units, agencies, accounts; courses: pages, enrolments,
progress; quizzes: bank, quiz pages, attempts; attendance: classes;
certificates: numbered certificates). They share the context: the size,
what earlier steps made and the manifest being written; each step draws
from a random stream of its own (seed, prefix and step).

The province is the one of today: people belong to the 95 communes and
wards of 01/07/2025. Records span from :data:`HISTORY_START` to now; those
dated before the reform keep the 2018 district the learner's commune came
from (:meth:`LoadContext.unit_at`, from the units' successions), later ones
the commune or ward. A learner of a commune with no 2018 Đồng Nai
predecessor (the former Bình Phước) has no records before the reform.

Rows are inserted with ``bulk_create`` in batches, without signals; the one
password is hashed once with the configured hasher and the hash reused.
Big tables are streamed: rows are made and inserted a batch at a time, and
later steps read earlier steps' rows back from the database a batch at a
time (:meth:`LoadContext.enrolment_batches`), so memory does not grow with
the size beyond a few small values per learner.
The same seed gives the same data (and the same manifest). On PostgreSQL
the command ends with ANALYZE of every table (:func:`analyze_tables`):
the planner's statistics of tables filled in one transaction are those of
empty tables until autovacuum gets to them, and the reports' plans at XL
depend on them.
"""

from __future__ import annotations

import base64
import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.db import connections, reset_queries
from django.utils import timezone

GENERATORS = [
    "elearning.people.loaddata",
    "courses.loaddata",
    "quizzes.loaddata",
    "courses.attendance.loaddata",
    "certificates.loaddata",
]

# Every generated address ends with this: the marker of generated accounts.
EMAIL_DOMAIN = "loaddata.example.gov.vn"
PASSWORD = "tai-thu-nghiem-2026"  # noqa: S105 - printed in the manifest
BATCH = 2000
# The day the district level ended and the communes and wards of 2025 began.
REFORM = datetime.date(2025, 7, 1)
# Records go back to a year before the reform: both periods, and three
# calendar years, have records (about two and a half years in December 2026).
HISTORY_START = datetime.date(2024, 7, 1)


@dataclass(frozen=True)
class Size:
    learners: int
    courses: int
    lessons: int  # per course
    enrolments: int  # per learner, besides the exam course
    classes: int  # per 2018 district before the reform, per commune/ward since
    officers: int  # per commune or ward
    trainers: int


SIZES: dict[str, Size] = {
    # "T" is the tiny size of the test suite; not offered on the command line.
    "T": Size(learners=12, courses=2, lessons=2, enrolments=1, classes=1, officers=1, trainers=1),
    "XS": Size(learners=50, courses=5, lessons=3, enrolments=2, classes=1, officers=1, trainers=2),
    "S": Size(learners=500, courses=10, lessons=4, enrolments=2, classes=1, officers=1, trainers=3),
    "M": Size(learners=5_000, courses=30, lessons=5, enrolments=3, classes=1, officers=1, trainers=5),
    "L": Size(learners=20_000, courses=60, lessons=5, enrolments=3, classes=2, officers=1, trainers=8),
    "XL": Size(learners=50_000, courses=100, lessons=6, enrolments=4, classes=2, officers=1, trainers=10),
    "XXL": Size(learners=150_000, courses=160, lessons=6, enrolments=4, classes=3, officers=1, trainers=15),
}  # fmt: skip


@dataclass
class LoadContext:
    size_name: str
    seed: int = 1
    # A second batch into the same database (the query-budget test grows its
    # data this way): new accounts, courses and classes with this prefix.
    prefix: str = "lt"
    # Existing learners (ids) also enrolled in every course of this batch,
    # with completed records: their own pages grow with the data.
    also_enrol: list[int] = field(default_factory=list)
    stdout: object = None

    def __post_init__(self):
        self.size: Size = SIZES[self.size_name]
        self.rng = random.Random(f"{self.seed}:{self.prefix}")  # noqa: S311 - reproducible test data
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.password = PASSWORD
        self.password_hash = ""
        zone = timezone.get_current_timezone()
        self.since = datetime.datetime.combine(HISTORY_START, datetime.time(), zone)
        self.reform_at = datetime.datetime.combine(REFORM, datetime.time(), zone)
        # Filled in by the generators, read by later ones.
        self.units: dict[str, object] = {}  # code -> AdministrativeUnit
        self.districts: list = []  # the 2018 districts (ended 30/06/2025)
        self.communes: list = []  # the communes and wards of 01/07/2025
        self.agencies: dict[int, list[int]] = {}  # unit id -> agency ids
        self.learners: list[tuple[int, str, int]] = []  # (user id, email, unit id)
        # Generated learners' 2018 district (id), None where their commune
        # has no predecessor in the 2018 province.
        self.former: dict[int, int | None] = {}
        self.officers: list[tuple[int, str, int]] = []
        self.trainers: list[int] = []
        self.admin_id: int | None = None
        self.courses: list = []  # CoursePage
        self.lessons: dict[int, list[int]] = {}  # course id -> lesson page ids
        self.quizzes: dict[int, object] = {}  # course id -> QuizPage
        self.exam_course = None
        self.scores: dict[int, object] = {}  # enrolment id -> final score
        self.counts: dict[str, int] = {}
        self.manifest: dict = {
            "size": self.size_name,
            "seed": self.seed,
            "password": self.password,
        }

    def email(self, kind: str, n: int, unit_code: str = "") -> str:
        unit = f".u{unit_code}" if unit_code else ""
        return f"{self.prefix}.{kind}{n:06d}{unit}@{EMAIL_DOMAIN}"

    def totp_secret(self) -> str:
        """A base32 TOTP secret (160 bits) from the seeded stream."""
        raw = bytes(self.rng.getrandbits(8) for _ in range(20))
        return base64.b32encode(raw).decode("ascii")

    def past(self, *, days: int) -> datetime.datetime:
        """A moment in the last ``days`` days (whole seconds)."""
        return self.now - datetime.timedelta(seconds=self.rng.randrange(days * 86400))

    def start_of(self, learner_id: int) -> datetime.datetime:
        """The earliest moment a learner's records may have: the start of
        the history, or the reform for a learner who had no 2018 unit."""
        if learner_id in self.former and self.former[learner_id] is None:
            return max(self.since, self.reform_at)
        return self.since

    def moment(
        self, learner_id: int, *, before: datetime.timedelta = datetime.timedelta()
    ) -> datetime.datetime:
        """A moment of the learner's history, at least ``before`` before now.

        One draw whatever the span (which moves with the clock): the draws
        after it stay the same from one day to the next."""
        start = self.start_of(learner_id)
        span = int((self.now - before - start).total_seconds())
        return start + datetime.timedelta(seconds=int(span * self.rng.random()))

    def unit_at(self, learner_id: int, when: datetime.datetime) -> int | None:
        """The unit (id) a learner's record made at ``when`` keeps: the 2018
        district before the reform, the commune or ward since. A learner not
        generated here (``also_enrol``) keeps their profile's unit."""
        if when < self.reform_at and learner_id in self.former:
            return self.former[learner_id]
        return self.current_units().get(learner_id)

    def current_units(self) -> dict[int, int]:
        """Each learner's unit now by user id: the generated learners' and
        those of ``also_enrol`` (read from their profiles once)."""
        known = self.__dict__.get("_current")
        if known is None or len(known) < len(self.learners):
            from elearning.people.models import StaffProfile

            known = {pk: unit_id for pk, _email, unit_id in self.learners}
            known.update(
                StaffProfile.objects.filter(user_id__in=self.also_enrol).values_list(
                    "user_id", "unit_id"
                )
            )
            self._current = known
        return known

    def enrolment_batches(self, *, completed_only: bool = False, size: int = BATCH):
        """This batch's enrolments, read back ``size`` at a time from one
        query (a server-side cursor on PostgreSQL): lists of (enrolment id,
        learner id, course id, status, completed at, enrolled at), in id
        order, or with ``completed_only`` in the order of completion."""
        from courses.models import Enrolment

        # Every enrolment in this batch's courses is this batch's.
        rows = Enrolment.objects.filter(course_id__in=[c.pk for c in self.courses])
        order = ("pk",)
        if completed_only:
            rows = rows.filter(status=Enrolment.Status.COMPLETED)
            order = ("completed_at", "pk")
        rows = rows.order_by(*order).values_list(
            "pk", "learner_id", "course_id", "status", "completed_at", "created_at"
        )
        yield from batched(rows.iterator(chunk_size=size), size)

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)


def bulk(model, rows, *, batch_size: int = BATCH):
    """``bulk_create`` in batches; returns the saved objects (with ids)."""
    rows = list(rows)
    saved = model.objects.bulk_create(rows, batch_size=batch_size)
    if settings.DEBUG:
        # DEBUG keeps the SQL of the last 9,000 queries: every insert's
        # values, gigabytes at the large sizes.
        reset_queries()
    return saved


def batched(items, n: int = BATCH):
    """Lists of up to ``n`` items of an iterable, in order."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def copy_rows(model, fields: list[str], rows, *, using: str = "default") -> int:
    """Insert ``rows`` (tuples of the values of ``fields``) into ``model``'s
    table; returns how many. PostgreSQL gets them through one ``COPY``;
    other databases through ``bulk_create`` in batches of 5,000.

    For the biggest tables, whose ids nobody needs (answers, lesson
    progress): ``bulk_create`` spends about 0.2 ms of Python a row on an
    answer, mostly quoting each JSON snapshot character by character into
    the array of its ``UNNEST``; ``COPY`` escapes in C. Nothing is checked
    or filled in on the way: values go in as given (``auto_now_add``
    fields included), JSON fields' values are wrapped as ``jsonb``.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        objects = (model(**dict(zip(fields, row, strict=True))) for row in rows)
        with explicit_dates(model, *_auto_now_add(model, fields)):
            return sum(len(bulk(model, b)) for b in batched(objects, 5000))
    from django.db.models import JSONField
    from psycopg import sql
    from psycopg.types.json import Jsonb

    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    json_at = [
        i
        for i, name in enumerate(fields)
        if isinstance(meta.get_field(name), JSONField)
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join(sql.Identifier(column) for column in columns),
    )
    count = 0
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    if row[i] is not None:
                        row[i] = Jsonb(row[i])
            copy.write_row(row)
            count += 1
    return count


def _auto_now_add(model, fields: list[str]) -> list[str]:
    return [
        name
        for name in fields
        if getattr(model._meta.get_field(name), "auto_now_add", False)
    ]


@contextmanager
def explicit_dates(model, *names: str):
    """Let ``bulk_create`` keep the given ``auto_now_add`` fields' values.

    Generated records have histories (enrolled weeks ago); Django would
    stamp them all with the insert time.
    """
    fields = [model._meta.get_field(name) for name in names]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


def generate(ctx: LoadContext) -> LoadContext:
    """Run every app's generator in order (the caller holds the transaction)."""
    for path in GENERATORS:
        # A stream of its own for each step: what one step draws (which can
        # depend on the day, e.g. who was in a class before the reform)
        # leaves the others' data as it was.
        ctx.rng = random.Random(f"{ctx.seed}:{ctx.prefix}:{path}")  # noqa: S311
        import_module(path).generate(ctx)
    return ctx


def analyze_tables(using: str = "default") -> list[str]:
    """ANALYZE the database on PostgreSQL (nothing on another database):
    every table the role owns, the installed apps' among them, which are
    returned."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return sorted(connection.introspection.django_table_names(only_existing=True))
