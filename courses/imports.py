"""Import staff (and enrol them) from a CSV or XLSX list.

One service backs the officer's web flow (upload → preview → confirm) and
``manage.py import_staff``:

1. :func:`read_table` turns the bytes into rows with the platform's one
   tabular reader (``elearning.tabular``): XLSX by content, CSV in UTF-8
   with or without BOM, UTF-16, or Windows-1258 (tone marks made NFC);
   comma, semicolon or tab.
2. :func:`validate_rows` checks every row with a fixed number of queries and
   returns an :class:`ImportPlan`. Any error: nothing is written.
3. :func:`import_apply` writes in chunks: the people through the people
   app's ``staff_bulk_upsert`` (agencies, users with an unusable password,
   invited by email, learner role, profiles, audit), then the course
   enrolments. Re-importing the same file changes nothing.

Decision: an agency (``co_quan``) unknown in the row's unit is created
there — staff lists are the place where officers first name their agencies,
and the unit itself must already be inside the officer's scope.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from elearning.people.models import (
    AdministrativeUnit,
    StaffCategory,
    User,
)
from elearning.people.names import (
    fold,
    name_match_key,
    normalize_text,
)
from elearning.people.selectors import (
    UnitLookupError,
    people_named,
    unit_check_in_force,
    units_on,
    users_by_email,
)
from elearning.people.services import StaffRecord, staff_bulk_upsert
from elearning.tabular import TabularError, table_lines

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 1000
ASYNC_THRESHOLD = 500  # rows; larger imports run in Celery with a progress bar

FIELDS = {
    "full_name": ("ho_ten", "full_name"),
    "email": ("email",),
    "date_of_birth": ("ngay_sinh", "date_of_birth"),
    "position": ("chuc_vu", "position"),
    "agency": ("co_quan", "agency"),
    "unit_code": ("ma_dvhc", "unit_code"),
    "category": ("doi_tuong", "category"),
}
REQUIRED = ("full_name", "email", "agency")
_ALIASES = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
_CATEGORIES = {
    **{c.value: c.value for c in StaffCategory},
    **{fold(str(c.label)): c.value for c in StaffCategory},
}
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class ImportFileError(Exception):
    """The file cannot be read at all (type, size, encoding, header)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Reason:
    """Why a row or a file is refused, kept as its message id and values.

    The errors of an upload are stored with its job and read later, maybe
    in another language than the one the file was checked in (and a large
    file is checked again in a Celery worker, which has no reader's
    language at all): the text is made when it is shown, in the reader's
    language.
    """

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, msgid: str, **params) -> Reason:
        return cls(msgid, tuple(sorted(params.items())))

    def __str__(self) -> str:
        text = _(self.msgid)
        return text % dict(self.params) if self.params else text


def reason_text(entry: dict) -> str:
    """The reason of a stored error (``RowError.as_dict``) in the active
    language; an entry stored before reasons were kept has its text only."""
    if "msgid" in entry:
        return str(Reason(entry["msgid"], tuple(entry.get("params", {}).items())))
    return entry.get("message", "")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: Reason

    @property
    def message(self) -> str:
        return str(self.reason)

    def __str__(self) -> str:
        return _("Dòng %(line)d, cột %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column or "—",
            "message": self.message,
        }

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "msgid": self.reason.msgid,
            "params": dict(self.reason.params),
            "message": self.message,
        }


@dataclass
class RawTable:
    headers: dict[str, str]  # field -> header as written in the file
    rows: list[tuple[int, dict[str, object]]]  # (line number, field -> value)


@dataclass
class StaffRow:
    line: int
    full_name: str
    email: str
    date_of_birth: datetime.date | None
    position: str
    agency_name: str
    unit: AdministrativeUnit
    category: str
    # Set by decide(): the officer said this row is a person already known
    # under another address (an account, or an earlier row of the file).
    same_as_user_id: int | None = None
    same_as_line: int | None = None


@dataclass(frozen=True)
class Candidate:
    """Someone a row may be: an existing person (``user_id``) or an earlier
    row of the same file (``line``), with what the officer needs to tell."""

    full_name: str
    email: str
    date_of_birth: datetime.date | None
    agency: str
    user_id: int | None = None
    line: int | None = None

    @property
    def key(self) -> str:
        """The decision that says "the same person as this one"."""
        return f"user:{self.user_id}" if self.user_id else f"line:{self.line}"

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "full_name": self.full_name,
            "email": self.email,
            "date_of_birth": (
                self.date_of_birth.strftime("%d/%m/%Y") if self.date_of_birth else ""
            ),
            "agency": self.agency,
            "line": self.line,
        }


@dataclass
class PossibleDuplicate:
    """A row with a new address whose person may already be known: same
    name (case and Unicode form aside) and same birth date, or same name in
    the same agency."""

    line: int
    candidates: list[Candidate]
    row: StaffRow | None = None

    def as_dict(self) -> dict:
        row = self.row
        return {
            "line": self.line,
            "full_name": row.full_name if row else "",
            "email": row.email if row else "",
            "date_of_birth": (
                row.date_of_birth.strftime("%d/%m/%Y")
                if row and row.date_of_birth
                else ""
            ),
            "agency": row.agency_name if row else "",
            "candidates": [c.as_dict() for c in self.candidates],
        }


NEW = "new"  # the decision "another person: create an account"


@dataclass
class ImportPlan:
    scope: AdministrativeUnit
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows that change an account an officer's import may not touch: only
    # an administrator's import (the command line) gets here, and says so.
    taken_over: list[RowError] = field(default_factory=list)
    # Rows that may be a person already known, each waiting for a decision.
    possible: list[PossibleDuplicate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    users_created: int = 0
    profiles_created: int = 0
    profiles_updated: int = 0
    unchanged: int = 0
    agencies_created: int = 0
    enrolments_created: int = 0
    invited_user_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data.pop("invited_user_ids")
        return data


# --- Reading -------------------------------------------------------------


def _header_key(value: object) -> str:
    return fold(str(value or "")).strip().replace(" ", "_")


def _table(lines: Iterable[tuple[int, list[object]]]) -> RawTable:
    iterator = iter(lines)
    header_line = next(iterator, None)
    if header_line is None:
        raise ImportFileError(
            [RowError(1, "", Reason.of(gettext_noop("Tệp không có dữ liệu.")))]
        )
    line_no, header = header_line
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(header):
        name = _ALIASES.get(_header_key(cell))
        if name and name not in headers:
            columns[index] = name
            headers[name] = str(cell).strip()
    missing = [FIELDS[name][0] for name in REQUIRED if name not in headers]
    if missing:
        raise ImportFileError(
            [
                RowError(
                    line_no,
                    ", ".join(missing),
                    Reason.of(gettext_noop("Thiếu cột bắt buộc trong dòng tiêu đề.")),
                )
            ]
        )
    rows = []
    for line, cells in iterator:
        if not any(str(c or "").strip() for c in cells):
            continue
        row = {name: cells[i] if i < len(cells) else "" for i, name in columns.items()}
        rows.append((line, row))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                [
                    RowError(
                        line,
                        "",
                        Reason.of(
                            gettext_noop("Tệp có quá %(max)d dòng; hãy chia nhỏ."),
                            max=MAX_ROWS,
                        ),
                    )
                ]
            )
    return RawTable(headers=headers, rows=rows)


def read_table(data: bytes, filename: str = "") -> RawTable:
    """Rows of a CSV or XLSX file (``elearning.tabular``: by content, strict
    decoding); raises :class:`ImportFileError`."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            [RowError(0, "", Reason.of(gettext_noop("Tệp quá lớn (tối đa 10 MB).")))]
        )
    try:
        return _table(table_lines(data))
    except TabularError as exc:
        raise ImportFileError(
            [RowError(0, "", Reason.of(exc.msgid, **exc.params))]
        ) from exc


# --- Validation ----------------------------------------------------------


def _parse_date(value: object) -> datetime.date | None:
    """Day first: 05/12/1988 is 5 December. Raises ValueError."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalize_text(str(value or ""))
    if not text:
        return None
    if match := _DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    return datetime.date(year, month, day)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value if value is not None else ""))


def _not_for_officers(user: User, scope_ids: set[int]) -> Reason | None:
    """Why an officer's import may not change this existing account, if so.

    It may only update a learner of its own unit subtree: not an account of
    another unit, nor one with no unit (admins, trainers, accounts made
    outside an import), nor a self-registered one not yet confirmed, nor
    anyone holding a staff role or admin rights.
    """
    profile = getattr(user, "profile", None)
    if profile is None or profile.unit_id is None:
        return Reason.of(
            gettext_noop(
                "Địa chỉ này thuộc một tài khoản chưa gắn với đơn vị nào; "
                "chỉ quản trị cấp tỉnh cập nhật được tài khoản này."
            )
        )
    if profile.unit_id not in scope_ids:
        return Reason.of(
            gettext_noop("Địa chỉ này thuộc một tài khoản ngoài đơn vị bạn quản lý.")
        )
    if profile.awaiting_confirmation:
        return Reason.of(
            gettext_noop(
                "Địa chỉ này thuộc một tài khoản tự đăng ký chưa được xác nhận; "
                "hãy xác nhận hoặc từ chối ở trang “Tài khoản chờ xác nhận”."
            )
        )
    if user.holds_staff_role or user.is_staff or user.is_superuser:
        return Reason.of(
            gettext_noop(
                "Địa chỉ này thuộc tài khoản cán bộ phụ trách, giảng viên hoặc "
                "quản trị; tệp danh sách không được thay đổi tài khoản này."
            )
        )
    return None


def validate_rows(
    table: RawTable,
    *,
    scope: AdministrativeUnit,
    administrator: bool = False,
    on: datetime.date | None = None,
) -> ImportPlan:
    """Check every row against the database (a fixed number of queries).

    ``scope`` is the unit whose staff may be imported: rows must name a unit
    inside it (empty ``ma_dvhc`` means ``scope`` itself), in force on ``on``
    (today unless a past list is imported as of its day): a unit that had
    ended is refused, naming its successors. An officer's
    import refuses a row whose email belongs to an account it may not
    change (:func:`_not_for_officers`); an ``administrator``'s import (the
    command line) changes it and lists it in ``plan.taken_over``.
    """
    plan = ImportPlan(scope=scope)
    scope_ids = scope.subtree_ids()
    heads = table.headers
    day = on or timezone.localdate()
    codes = {_text(r.get("unit_code")) for _line, r in table.rows} - {""}
    # Codes are reused after reforms: a code names the unit in force that day.
    units = units_on(codes, day)
    try:
        unit_check_in_force(scope, day)
    except UnitLookupError as refusal:
        scope_refusal = Reason.of(refusal.msgid, **refusal.params)
    else:
        scope_refusal = None
    emails = {_text(r.get("email")).lower() for _line, r in table.rows}
    existing = _existing_users(emails)
    seen: dict[str, int] = {}
    today = timezone.localdate()
    for line, raw in table.rows:
        errors: list[RowError] = []

        def error(name: str, reason: Reason, line=line, errors=errors) -> None:
            errors.append(RowError(line, heads.get(name, FIELDS[name][0]), reason))

        full_name = _text(raw.get("full_name"))
        if not full_name:
            error("full_name", Reason.of(gettext_noop("Thiếu họ và tên.")))
        elif len(full_name) > 150:
            error("full_name", Reason.of(gettext_noop("Họ và tên dài quá 150 ký tự.")))
        email = _text(raw.get("email")).lower()
        try:
            validate_email(email)
        except ValidationError:
            error(
                "email",
                Reason.of(
                    gettext_noop("Địa chỉ thư điện tử không hợp lệ: “%(value)s”."),
                    value=email,
                )
                if email
                else Reason.of(gettext_noop("Thiếu địa chỉ thư điện tử.")),
            )
        else:
            if email in seen:
                error(
                    "email",
                    Reason.of(
                        gettext_noop("Trùng địa chỉ thư điện tử với dòng %(line)d."),
                        line=seen[email],
                    ),
                )
            else:
                seen[email] = line
            user = existing.get(email)
            refusal = user and _not_for_officers(user, scope_ids)
            if refusal and administrator:
                plan.taken_over.append(
                    RowError(line, heads.get("email", "email"), refusal)
                )
            elif refusal:
                error("email", refusal)
        try:
            birth = _parse_date(raw.get("date_of_birth"))
        except ValueError:
            birth = None
            error(
                "date_of_birth",
                Reason.of(
                    gettext_noop(
                        "Ngày sinh không hợp lệ: “%(value)s” (ghi theo dạng ngày/tháng/năm)."
                    ),
                    value=_text(raw.get("date_of_birth")),
                ),
            )
        else:
            if birth is not None and not (datetime.date(1930, 1, 1) <= birth <= today):
                error(
                    "date_of_birth",
                    Reason.of(
                        gettext_noop("Ngày sinh ngoài khoảng hợp lý: %(value)s."),
                        value=birth.strftime("%d/%m/%Y"),
                    ),
                )
        code = _text(raw.get("unit_code"))
        unit = units[code] if code else scope
        if isinstance(unit, UnitLookupError):
            error("unit_code", Reason.of(unit.msgid, **unit.params))
        elif not code and scope_refusal is not None:
            error("unit_code", scope_refusal)
        elif unit.pk not in scope_ids:
            error(
                "unit_code",
                Reason.of(
                    gettext_noop("Đơn vị “%(unit)s” không thuộc phạm vi bạn quản lý."),
                    unit=unit.full_name,
                ),
            )
        agency_name = _text(raw.get("agency"))
        if not agency_name:
            error("agency", Reason.of(gettext_noop("Thiếu tên cơ quan, đơn vị.")))
        elif len(agency_name) > 255:
            error(
                "agency",
                Reason.of(gettext_noop("Tên cơ quan, đơn vị dài quá 255 ký tự.")),
            )
        category_raw = _text(raw.get("category"))
        category = _CATEGORIES.get(fold(category_raw), "") if category_raw else ""
        if category_raw and not category:
            error(
                "category",
                Reason.of(
                    gettext_noop(
                        "Đối tượng “%(value)s” không hợp lệ (can_bo, cong_chuc, vien_chuc, cntt)."
                    ),
                    value=category_raw,
                ),
            )
        position = _text(raw.get("position"))[:150]
        if errors:
            plan.errors.extend(errors)
            continue
        plan.rows.append(
            StaffRow(
                line=line,
                full_name=full_name,
                email=email,
                date_of_birth=birth,
                position=position,
                agency_name=agency_name,
                unit=unit,
                category=category,
            )
        )
    if not table.rows:
        plan.errors.append(
            RowError(1, "", Reason.of(gettext_noop("Tệp không có dòng dữ liệu nào.")))
        )
    if plan.ok:
        plan.possible = possible_duplicates(
            plan.rows,
            known=set(existing),
            scope_ids=scope_ids,
            administrator=administrator,
        )
    return plan


# --- Possible duplicates -------------------------------------------------


def _agency_key(unit_id: int | None, name: str) -> tuple[int | None, str]:
    return unit_id, name_match_key(name)


def possible_duplicates(
    rows: list[StaffRow],
    *,
    known: set[str],
    scope_ids: set[int],
    administrator: bool = False,
) -> list[PossibleDuplicate]:
    """The rows with an address no account has (``known``: the file's
    addresses that have one) whose person may already be known.

    Names are compared NFC, spacing collapsed and case folded
    (``name_match_key``): "NGUYỄN VĂN AN" in decomposed Unicode is "Nguyễn
    Văn An"; diacritics still count ("Văn Ân" is another name). A match is
    the same name with the same birth date, or the same name in the same
    agency. Candidates are the people of ``scope_ids`` this import may
    update (an officer's: learners of the unit, see ``_not_for_officers``)
    whose address is not in the file, then earlier rows of the file. One
    query per 1,000 distinct names, none when every address is known.
    """
    fresh = [r for r in rows if r.email not in known]
    if not fresh:
        return []
    in_file = {r.email for r in rows}
    by_birth: dict[tuple[str, datetime.date], list[Candidate]] = {}
    by_agency: dict[tuple[str, int | None, str], list[Candidate]] = {}
    names = {fold(r.full_name) for r in fresh}
    for user in people_named(names, unit_ids=scope_ids, chunk=CHUNK):
        if user.email in in_file or not user.is_active:
            continue
        if not administrator and _not_for_officers(user, scope_ids):
            continue
        profile = user.profile
        candidate = Candidate(
            full_name=profile.full_name,
            email=user.email,
            date_of_birth=profile.date_of_birth,
            agency=profile.agency.name if profile.agency_id else "",
            user_id=user.pk,
        )
        name = name_match_key(profile.full_name)
        if profile.date_of_birth:
            by_birth.setdefault((name, profile.date_of_birth), []).append(candidate)
        if profile.agency_id:
            key = _agency_key(profile.agency.unit_id, profile.agency.name)
            by_agency.setdefault((name, *key), []).append(candidate)
    found: list[PossibleDuplicate] = []
    earlier_birth: dict[tuple[str, datetime.date], StaffRow] = {}
    earlier_agency: dict[tuple[str, int | None, str], StaffRow] = {}
    for row in rows:
        name = name_match_key(row.full_name)
        birth_key = (name, row.date_of_birth) if row.date_of_birth else None
        agency_key = (name, *_agency_key(row.unit.pk, row.agency_name))
        if row.email not in known:
            candidates: list[Candidate] = []
            for candidate in (by_birth.get(birth_key, []) if birth_key else []) + (
                by_agency.get(agency_key, [])
            ):
                if candidate not in candidates:
                    candidates.append(candidate)
            twin = (earlier_birth.get(birth_key) if birth_key else None) or (
                earlier_agency.get(agency_key)
            )
            if twin is not None:
                candidates.append(
                    Candidate(
                        full_name=twin.full_name,
                        email=twin.email,
                        date_of_birth=twin.date_of_birth,
                        agency=twin.agency_name,
                        line=twin.line,
                    )
                )
            if candidates:
                found.append(PossibleDuplicate(row.line, candidates, row))
        if birth_key:
            earlier_birth.setdefault(birth_key, row)
        earlier_agency.setdefault(agency_key, row)
    return found


def decide(
    plan: ImportPlan, decisions: dict[str, str], *, default: str | None = None
) -> None:
    """Apply the officer's decisions to the plan's possible duplicates.

    ``decisions`` maps a line (as text) to ``NEW`` or a candidate's key
    (``Candidate.key``); ``default`` (the command line's ``--duplicates``:
    ``NEW``, or ``"same"`` for each row's first candidate) decides the rest.
    A row left undecided, or decided for someone no longer a candidate, is
    the plan's error: nothing is written until every row is decided.
    """
    rows = {r.line: r for r in plan.rows}
    for possible in plan.possible:
        choice = decisions.get(str(possible.line))
        if choice is None and default == NEW:
            choice = NEW
        elif choice is None and default == "same":
            choice = possible.candidates[0].key
        keys = {c.key: c for c in possible.candidates}
        if choice == NEW:
            continue
        if choice not in keys:
            plan.errors.append(
                RowError(
                    possible.line,
                    FIELDS["full_name"][0],
                    Reason.of(
                        gettext_noop(
                            "Có thể trùng với %(who)s: hãy chọn “Cùng một người” "
                            "hoặc “Người khác”."
                        ),
                        who=", ".join(
                            f"{c.full_name} ({c.email})" for c in possible.candidates
                        ),
                    ),
                )
            )
            continue
        candidate = keys[choice]
        row = rows[possible.line]
        if candidate.user_id:
            row.same_as_user_id = candidate.user_id
        else:
            earlier = rows[candidate.line]
            # A row the same as a row that is itself someone known is that
            # someone.
            row.same_as_user_id = earlier.same_as_user_id
            row.same_as_line = None if earlier.same_as_user_id else earlier.line


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_users(emails: Iterable[str]) -> dict[str, User]:
    return users_by_email(emails, chunk=CHUNK)


# --- Writing -------------------------------------------------------------


def _record(row: StaffRow, emails: dict[int, str]) -> StaffRecord:
    return StaffRecord(
        same_as_user_id=row.same_as_user_id,
        same_as_email=emails[row.same_as_line] if row.same_as_line else "",
        email=row.email,
        full_name=row.full_name,
        unit_id=row.unit.pk,
        agency_name=row.agency_name,
        date_of_birth=row.date_of_birth,
        position=row.position,
        category=row.category,
    )


def import_apply(
    plan: ImportPlan,
    *,
    actor,
    course=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write ``plan`` (which must be error-free) in chunks of ``CHUNK`` rows.

    The people are written by the people app (``staff_bulk_upsert``), the
    enrolments here. Each chunk is its own transaction and the whole import
    is idempotent, so a run stopped half-way is finished by running it
    again. With ``dry_run`` nothing is written and the result says what
    would change. Invitations are queued on commit for the accounts created.
    """
    if not plan.ok:
        raise ValueError("import_apply() needs a plan without errors")
    result = ImportResult()
    # A dry run sees the whole list at once: agencies new to the first rows
    # are counted once.
    batches = [plan.rows] if dry_run else list(_chunks(plan.rows))
    emails = {r.line: r.email for r in plan.rows}
    done = 0
    for chunk in batches:
        with transaction.atomic():
            people = staff_bulk_upsert(
                [_record(r, emails) for r in chunk], actor=actor, dry_run=dry_run
            )
            result.users_created += people.users_created
            result.profiles_created += people.profiles_created
            result.profiles_updated += people.profiles_updated
            result.unchanged += people.unchanged
            result.agencies_created += people.agencies_created
            result.invited_user_ids.extend(people.created_ids)
            if course is not None:
                result.enrolments_created += _enrol(
                    chunk,
                    people.user_ids,
                    new_ids=set(people.created_ids),
                    course=course,
                    actor=actor,
                    dry_run=dry_run,
                )
            if people.created_ids:
                transaction.on_commit(
                    lambda ids=people.created_ids: _queue_invitations(ids)
                )
        done += len(chunk)
        if progress is not None:
            progress(done)
    return result


def _enrol(
    chunk: list[StaffRow],
    user_ids: dict[str, int],
    *,
    new_ids: set[int],
    course,
    actor,
    dry_run: bool,
) -> int:
    """Enrol the chunk's people in ``course`` (those not enrolled yet, in any
    status); returns how many were (or would be) enrolled. ``new_ids``:
    accounts made by this import, of which nothing can be cached yet."""
    from wagtail.models import ModelLogEntry

    from .caching import forget_enrolments
    from .models import Enrolment

    ids = [user_ids[r.email] for r in chunk if r.email in user_ids]
    # An enrolment keeps the unit its learner was imported into.
    unit_of = {user_ids[r.email]: r.unit.pk for r in chunk if r.email in user_ids}
    enrolled = set(
        Enrolment.objects.filter(course=course, learner_id__in=ids).values_list(
            "learner_id", flat=True
        )
    )
    missing = list(dict.fromkeys(pk for pk in ids if pk not in enrolled))
    if dry_run:
        # New accounts (not written) have no enrolment either.
        return len(missing) + sum(1 for r in chunk if r.email not in user_ids)
    if not missing:
        return 0
    new = Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner_id=pk,
                course=course,
                unit_id=unit_of.get(pk),
                status=Enrolment.Status.ENROLLED,
                source=Enrolment.Source.IMPORT,
                enrolled_by=actor,
            )
            for pk in missing
        ],
        batch_size=500,
    )
    if not all(e.pk for e in new):
        new = Enrolment.objects.filter(course=course, learner_id__in=missing)
    # Bulk inserts send no signals: a learner who looked at the course
    # before must now see it as enrolled. (With the embedded default's
    # database cache, forgetting costs a write per key: 10,000 new accounts
    # spent 20 s on it for nothing.)
    forget_enrolments((pk, course.pk) for pk in missing if pk not in new_ids)
    enrolment_type = ContentType.objects.get_for_model(Enrolment)
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=enrolment_type,
                object_id=str(e.pk),
                label=str(course.title)[:255],
                action="courses.enrolment.create",
                user=actor,
                timestamp=now,
                data={"source": Enrolment.Source.IMPORT},
            )
            for e in new
        ],
        batch_size=500,
    )
    return len(missing)


def _queue_invitations(user_ids: list[int]) -> None:
    from .tasks import invitations_send

    invitations_send.delay(user_ids=user_ids)


def invitations_send(*, user_ids: list[int]) -> int:
    """Email each new account a link to choose its password (one connection).

    The link is allauth's password-reset-from-key link, made at send time
    (the token depends on the current password hash).
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection
    from django.urls import reverse

    messages = []
    for user in User.objects.filter(
        pk__in=user_ids, last_login__isnull=True
    ).select_related("profile"):
        if user.has_usable_password():
            continue
        key = default_token_generator.make_token(user)
        link = settings.SITE_URL + reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
        )
        body = _(
            "Kính gửi %(name)s,\n\n"
            "Cán bộ phụ trách của đơn vị đã tạo cho bạn tài khoản trên Hệ thống "
            "học trực tuyến. Hãy mở đường dẫn sau để đặt mật khẩu và bắt đầu học:\n\n"
            "%(link)s\n\nTên đăng nhập là địa chỉ thư điện tử này."
        ) % {"name": user.get_full_name() or user.email, "link": link}
        messages.append(
            EmailMessage(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
                + _("Mời đặt mật khẩu tài khoản học trực tuyến"),
                body=body,
                to=[user.email],
            )
        )
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


# --- One entry point for the web flow and the command --------------------


def import_file(
    data: bytes,
    *,
    filename: str,
    scope: AdministrativeUnit,
    actor,
    course=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    administrator: bool = False,
    on: datetime.date | None = None,
    decisions: dict[str, str] | None = None,
    duplicates: str | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    """Read, validate, and (if every row is good and every possible
    duplicate decided) import ``data``.

    ``administrator``: the command line's import, which may change accounts
    an officer's may not (see :func:`validate_rows`). ``on``: the day the
    list describes (units are resolved on it; today by default).
    ``decisions`` / ``duplicates``: see :func:`decide`."""
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        return ImportPlan(scope=scope, errors=exc.errors), None
    plan = validate_rows(table, scope=scope, administrator=administrator, on=on)
    if plan.ok:
        decide(plan, decisions or {}, default=duplicates)
    if not plan.ok:
        return plan, None
    return plan, import_apply(
        plan, actor=actor, course=course, dry_run=dry_run, progress=progress
    )


# --- Import jobs (the officer's web flow) --------------------------------


def _officer_scope(actor) -> AdministrativeUnit:
    profile = getattr(actor, "profile", None)
    if profile is None or profile.unit is None:
        raise PermissionError("an import needs an officer with a unit")
    return profile.unit


def import_job_create(*, data: bytes, filename: str, actor, course=None):
    """Store the upload and check every row; nothing else is written.

    Returns the job with ``status`` READY (preview shown, ready to confirm)
    or INVALID with ``errors`` (line, column, reason) for every bad row.
    """
    from django.core.files.base import ContentFile

    from .models import ImportJob

    scope = _officer_scope(actor)
    errors: list[RowError]
    try:
        plan = validate_rows(read_table(data, filename), scope=scope)
        errors = plan.errors
    except ImportFileError as exc:
        plan, errors = None, exc.errors
    job = ImportJob(
        token=secrets.token_hex(16),
        created_by=actor,
        unit=scope,
        course=course,
        filename=filename[:255],
        total=len(plan.rows) if plan else 0,
        errors=[e.as_dict() for e in errors],
        status=ImportJob.Status.INVALID if errors else ImportJob.Status.READY,
    )
    if plan is not None and plan.ok:
        job.result = {
            "preview": import_apply(
                plan, actor=actor, course=course, dry_run=True
            ).as_dict(),
            "possible": [p.as_dict() for p in plan.possible],
        }
    job.file.save("upload.bin", ContentFile(data), save=False)
    job.full_clean(exclude=["file", "token"])
    job.save()
    return job


def import_job_decide(*, job, decisions: dict[str, str]) -> list[int]:
    """Keep the officer's decisions on the job's possible duplicates.

    ``decisions`` maps a line (as text) to ``NEW`` or one of that line's
    candidates' keys; anything else is ignored. Returns the lines still
    undecided (none: the job may be confirmed).
    """
    from .models import ImportJob

    choices = {
        str(p["line"]): {NEW} | {c["key"] for c in p["candidates"]}
        for p in job.result.get("possible", [])
    }
    kept = {
        line: choice
        for line, choice in {**job.decisions, **decisions}.items()
        if choice in choices.get(line, ())
    }
    if kept != job.decisions:
        job.decisions = kept
        ImportJob.objects.filter(pk=job.pk).update(decisions=kept)
    return [int(line) for line in choices if line not in kept]


def import_job_confirm(*, job) -> None:
    """Run a READY job: inline when small, in Celery when large.

    Every possible duplicate must have been decided
    (:func:`import_job_decide`); otherwise nothing happens."""
    from .models import ImportJob
    from .tasks import import_job_run as task

    if import_job_decide(job=job, decisions={}):
        return
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.QUEUED
    )
    if not updated:
        return
    if job.total > ASYNC_THRESHOLD:
        transaction.on_commit(lambda: task.delay(job.pk))
    else:
        import_job_run(job_id=job.pk)


def import_job_run(*, job_id: int) -> None:
    """Re-read and re-check the stored file, then import it with progress.

    Idempotent: a job already done is left alone; a re-run of a failed or
    interrupted one completes it (the import itself is idempotent).
    """
    from wagtail.log_actions import log

    from .models import ImportJob

    job = ImportJob.objects.select_related("unit", "course", "created_by").get(
        pk=job_id
    )
    if job.status == ImportJob.Status.DONE:
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, processed=0
    )
    with job.file.open("rb") as handle:
        data = handle.read()

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done)

    try:
        plan, result = import_file(
            data,
            filename=job.filename,
            scope=job.unit,
            actor=job.created_by,
            course=job.course,
            progress=progress,
            decisions=job.decisions,
        )
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
        raise
    job.refresh_from_db()
    if result is None:
        job.status = ImportJob.Status.INVALID
        job.errors = [e.as_dict() for e in plan.errors]
    else:
        job.status = ImportJob.Status.DONE
        job.result = {**job.result, "done": result.as_dict()}
        job.processed = job.total
    job.finished_at = timezone.now()
    job.save()
    if result is not None:
        log(
            instance=job,
            action="courses.import",
            user=job.created_by,
            data=result.as_dict(),
        )
        # Done: the list has nothing more to give; its people are in the
        # platform now. A refused or failed list waits for the officer at
        # most IMPORT_UPLOAD_KEEP_DAYS days (import_uploads_delete).
        _upload_forget(job)


# --- Uploads do not linger (personal data) -------------------------------


UPLOAD_EXPIRED = gettext_noop(
    "Tệp tải lên đã được xóa sau %(days)d ngày (dữ liệu cá nhân không được giữ "
    "lâu hơn); hãy tải lên lại nếu vẫn cần nhập."
)


def _upload_forget(job) -> None:
    """Delete the job's file and the names and addresses its preview kept;
    the job keeps its counts, decisions (lines and account ids) and
    reasons."""
    from .models import ImportJob

    if job.file:
        job.file.delete(save=False)
    job.result = {k: v for k, v in job.result.items() if k != "possible"}
    ImportJob.objects.filter(pk=job.pk).update(file="", result=job.result)


def import_uploads_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete the uploads that should no longer be kept; returns how many.

    A done job's (should one be left), and any job's uploaded
    ``IMPORT_UPLOAD_KEEP_DAYS`` days ago or more: refused, failed, or never
    confirmed (that one becomes failed, saying why). Run hourly by beat
    (``courses.tasks.import_uploads_delete``) and by ``manage.py
    delete_import_uploads``.
    """
    from django.conf import settings
    from django.db.models import Q

    from .models import ImportJob

    days = settings.IMPORT_UPLOAD_KEEP_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    jobs = ImportJob.objects.exclude(file="").filter(
        Q(status=ImportJob.Status.DONE) | Q(created_at__lte=cutoff)
    )
    deleted = 0
    for job in jobs.iterator():
        if job.status not in (
            ImportJob.Status.DONE,
            ImportJob.Status.INVALID,
            ImportJob.Status.FAILED,
        ):
            # Never confirmed (or stuck): it cannot be run without its file.
            expired = RowError(0, "", Reason.of(UPLOAD_EXPIRED, days=days))
            job.errors = [*job.errors, expired.as_dict()]
            job.status = ImportJob.Status.FAILED
            job.finished_at = job.finished_at or timezone.now()
            job.save(update_fields=["errors", "status", "finished_at"])
        _upload_forget(job)
        deleted += 1
    return deleted
