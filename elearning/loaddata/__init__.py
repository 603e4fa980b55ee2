"""Synthetic load data: sizes XS–XL, one seeded random stream, bulk inserts.

``manage.py generate_load_data`` builds a :class:`LoadContext` and runs each
app's ``loaddata.generate(ctx)`` in ``GENERATORS`` order. Every app owns its
part (people: units, agencies, accounts; courses: pages, enrolments,
progress; quizzes: bank, quiz pages, attempts; attendance: classes;
certificates: numbered certificates). They share the context: the random
stream, the size, what earlier steps made and the manifest being written.

Rows are inserted with ``bulk_create`` in batches, without signals; the one
password is hashed once with the configured hasher and the hash reused.
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

from django.db import connections
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


@dataclass(frozen=True)
class Size:
    learners: int
    courses: int
    lessons: int  # per course
    enrolments: int  # per learner, besides the exam course
    classes: int  # per district
    officers: int  # per district
    trainers: int


SIZES: dict[str, Size] = {
    # "T" is the tiny size of the test suite; not offered on the command line.
    "T": Size(learners=12, courses=2, lessons=2, enrolments=1, classes=1, officers=1, trainers=1),
    "XS": Size(learners=50, courses=5, lessons=3, enrolments=2, classes=1, officers=1, trainers=2),
    "S": Size(learners=500, courses=10, lessons=4, enrolments=2, classes=1, officers=1, trainers=3),
    "M": Size(learners=5_000, courses=30, lessons=5, enrolments=3, classes=2, officers=2, trainers=5),
    "L": Size(learners=20_000, courses=60, lessons=5, enrolments=3, classes=3, officers=2, trainers=8),
    "XL": Size(learners=50_000, courses=100, lessons=6, enrolments=4, classes=4, officers=2, trainers=10),
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
        # Filled in by the generators, read by later ones.
        self.units: dict[str, object] = {}  # code -> AdministrativeUnit
        self.districts: list = []
        self.agencies: dict[int, list[int]] = {}  # unit id -> agency ids
        self.learners: list[tuple[int, str, int]] = []  # (user id, email, unit id)
        self.officers: list[tuple[int, str, int]] = []
        self.trainers: list[int] = []
        self.admin_id: int | None = None
        self.courses: list = []  # CoursePage
        self.lessons: dict[int, list[int]] = {}  # course id -> lesson page ids
        self.quizzes: dict[int, object] = {}  # course id -> QuizPage
        self.exam_course = None
        # (enrolment id, learner id, course id, fate, lessons done, completed
        # at, enrolled at)
        self.enrolments: list[tuple[int, int, int, str, int]] = []
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

    def unit_ids(self, learner_ids) -> dict[int, int]:
        """Each person's unit now (their profile's) by user id, for the unit
        the generated records of ``learner_ids`` keep. One query over every
        profile (no list of ids as parameters: SQLite caps their number),
        asked again only when one of ``learner_ids`` is not known yet."""
        from elearning.people.models import StaffProfile

        known = self.__dict__.setdefault("_unit_ids", {})
        if any(pk not in known for pk in learner_ids):
            known.update(StaffProfile.objects.values_list("user_id", "unit_id"))
        return known

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)


def bulk(model, rows, *, batch_size: int = BATCH):
    """``bulk_create`` in batches; returns the saved objects (with ids)."""
    rows = list(rows)
    return model.objects.bulk_create(rows, batch_size=batch_size)


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
