"""Writes about people and units."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import secrets
from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.log_actions import LogContext

from .models import (
    STAFF_ROLES,
    AccessLog,
    AdministrativeUnit,
    Agency,
    PrivacyConsent,
    Role,
    StaffProfile,
    UnitSuccession,
    User,
)
from .names import fold, name_match_key, name_sort_key, normalize_text

DATA = Path(__file__).resolve().parent / "data"
UNITS_2018 = DATA / "administrative_units_dong_nai_2018.csv"
UNITS_COMMUNES_PRE2025 = DATA / "administrative_units_dong_nai_communes_pre2025.csv"
UNITS_2025 = DATA / "administrative_units_dong_nai_2025.csv"
SUCCESSIONS_2025 = DATA / "unit_successions_dong_nai_2025.csv"
# The project's units and successions, in the order they load (README there).
UNIT_FILES = (UNITS_2018, UNITS_COMMUNES_PRE2025, UNITS_2025, SUCCESSIONS_2025)
# The columns a unit file must have (legal_basis and note are optional).
UNIT_COLUMNS = (
    "code",
    "name",
    "full_name",
    "level",
    "kind",
    "parent_code",
    "valid_from",
)
SUCCESSION_COLUMNS = (
    "predecessor_code",
    "predecessor_valid_from",
    "successor_code",
    "successor_valid_from",
    "kind",
    "effective_date",
)

# The version of templates/people/privacy_notice.html people agree to. Bump it
# when the notice changes in substance: everyone is asked again.
PRIVACY_NOTICE_VERSION = "2026-12-05"


def agency_get_or_create(*, unit: AdministrativeUnit, name: str) -> tuple[Agency, bool]:
    """The agency of ``unit`` called ``name``, created if there is none.

    Names match whatever their case and spacing ("huyện Xuân Lộc" is
    "Huyện Xuân Lộc"), and the existing agency keeps its spelling;
    diacritics still count.
    """
    name = normalize_text(name)
    key = (unit.pk, name_match_key(name))
    with transaction.atomic():
        found = Agency.objects.filter(unit=unit).by_match_key().get(key)
        if found is not None:
            return found, False
        agency = Agency(unit=unit, name=name)
        agency.full_clean()
        agency.save()
        return agency, True


@dataclass(frozen=True)
class AgencyMerge:
    kept: Agency
    merged: list[str]  # the names of the agencies merged into ``kept``
    people: int  # how many people they had


@transaction.atomic
def agencies_merge_duplicates(
    *, unit: AdministrativeUnit | None = None, dry_run: bool = False
) -> list[AgencyMerge]:
    """Merge the agencies whose names differ only by case or spacing.

    Such pairs were made before names were matched that way (an import's
    "phòng nội vụ" next to "Phòng Nội vụ"). In each unit (or only in
    ``unit``), the oldest agency of each name keeps its spelling; the people
    of the others are moved to it and the others are deleted, each change in
    Wagtail's log. Returns what was (or, with ``dry_run``, would be)
    merged; ``dry_run`` changes nothing.
    """
    from wagtail.log_actions import log

    agencies = Agency.objects.order_by("pk")
    if unit is not None:
        agencies = agencies.filter(unit=unit)
    groups: dict[tuple[int, str], list[Agency]] = {}
    for agency in agencies:
        groups.setdefault((agency.unit_id, name_match_key(agency.name)), []).append(
            agency
        )
    merges = []
    for kept, *others in (same for same in groups.values() if len(same) > 1):
        moved = StaffProfile.objects.filter(agency__in=others)
        people = moved.count() if dry_run else moved.update(agency=kept)
        merges.append(AgencyMerge(kept, [other.name for other in others], people))
        if dry_run:
            continue
        for other in others:
            log(
                instance=kept,
                action="people.agency_merged",
                data={"merged": other.name, "merged_id": other.pk},
            )
            other.delete()
    return merges


class UnitFileError(ValueError):
    """A unit or succession file that cannot be loaded; nothing was written.

    ``errors`` lists every problem found, each naming its line and column.
    """

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


class LoadCounts(NamedTuple):
    created: int
    updated: int
    unchanged: int


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def _at(line: int, column: str, message: str) -> str:
    return _("Dòng %(line)d, cột %(column)s: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def _read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows (line number, column -> value) of a CSV file.

    Values are NFC, trimmed, with inner whitespace collapsed.
    """
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise UnitFileError(
            _("Không mở được tệp %(path)s: %(error)s.")
            % {"path": path, "error": error.strerror}
        ) from None
    rows = []
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = [normalize_text(name) for name in reader.fieldnames or []]
            reader.fieldnames = header
            for row in reader:
                if None in row:
                    raise UnitFileError(
                        _("Dòng %(line)d: nhiều ô hơn dòng tiêu đề.")
                        % {"line": reader.line_num}
                    )
                rows.append(
                    (
                        reader.line_num,
                        {key: normalize_text(value) for key, value in row.items()},
                    )
                )
        except UnicodeDecodeError:
            raise UnitFileError(_("Tệp không phải văn bản UTF-8.")) from None
        except csv.Error as error:
            raise UnitFileError(
                _("Dòng %(line)d: %(error)s")
                % {"line": reader.line_num, "error": error}
            ) from None
    return header, rows


def _require(header: list[str], columns: tuple[str, ...]) -> None:
    missing = [column for column in columns if column not in header]
    if missing:
        raise UnitFileError(
            _("Dòng 1: tệp thiếu cột %(columns)s.") % {"columns": ", ".join(missing)}
        )


def unit_file_kind(header: list[str]) -> str:
    """``"units"`` or ``"successions"``, as the header of a file says."""
    if all(column in header for column in UNIT_COLUMNS):
        return "units"
    if all(column in header for column in SUCCESSION_COLUMNS):
        return "successions"
    raise UnitFileError(
        _(
            "Dòng 1: tệp không phải danh sách đơn vị (cần các cột %(units)s) "
            "cũng không phải danh sách kế thừa (cần các cột %(successions)s)."
        )
        % {
            "units": ", ".join(UNIT_COLUMNS),
            "successions": ", ".join(SUCCESSION_COLUMNS),
        }
    )


def _date(row: dict[str, str], column: str, problems: list[tuple[str, str]]):
    value = row.get(column, "")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(
            (column, _("«%(value)s» không phải ngày (YYYY-MM-DD).") % {"value": value})
        )
        return None


def _overlap_message(other: AdministrativeUnit) -> str:
    return _(
        "mã %(code)s đã dùng cho «%(name)s» (hiệu lực từ %(start)s đến %(end)s): "
        "hai đơn vị cùng mã không được có hiệu lực cùng lúc; hãy kết thúc đơn vị "
        "kia trước."
    ) % {
        "code": other.code,
        "name": other.full_name,
        "start": _day(other.valid_from),
        "end": _day(other.valid_to),
    }


def _overlaps(unit: AdministrativeUnit, other: AdministrativeUnit) -> bool:
    return (unit.valid_to is None or unit.valid_to >= other.valid_from) and (
        other.valid_to is None or other.valid_to >= unit.valid_from
    )


def unit_problems(
    unit: AdministrativeUnit,
    *,
    same_code: list[AdministrativeUnit] | None = None,
    check_parent: bool = True,
    model_checks: bool = True,
) -> list[tuple[str, str]]:
    """What stops ``unit`` from being saved as it is: (field, message) pairs.

    Fields and their lengths, the kind of the level, the dates, the parent
    (a level above; in force on the day the unit starts, unless
    ``check_parent`` is false, as for a unit whose parent was moved by a
    reform) and no other unit of the same code in force at the same time
    (``same_code``: the other units of that code; read from the database when
    not given). Reads nothing else. ``model_checks=False`` leaves out the
    model's own validation (fields, kind of the level), which a model form
    runs itself.
    """
    problems: list[tuple[str, str]] = []
    if model_checks:
        try:
            unit.clean_fields(exclude=["parent"])
        except ValidationError as error:
            problems += [
                (field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
    fields_ok = not problems
    if fields_ok and model_checks:
        try:
            unit.clean()
        except ValidationError as error:
            problems += [
                (field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
    if unit.valid_from and unit.valid_to and unit.valid_to < unit.valid_from:
        problems.append(
            ("valid_to", _("ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        )
    rank = AdministrativeUnit.LEVEL_RANK.get(unit.level)
    parent = unit.parent
    if rank == 0 and parent is not None:
        problems.append(("parent", _("cấp tỉnh không có đơn vị cấp trên.")))
    elif rank and parent is None:
        problems.append(("parent", _("thiếu đơn vị cấp trên.")))
    elif rank and parent is not None:
        if AdministrativeUnit.LEVEL_RANK.get(parent.level, 9) >= rank:
            problems.append(
                (
                    "parent",
                    _("«%(parent)s» không phải đơn vị cấp trên của cấp «%(level)s».")
                    % {"parent": parent.full_name, "level": unit.get_level_display()},
                )
            )
        elif (
            check_parent and unit.valid_from and not parent.in_force_on(unit.valid_from)
        ):
            problems.append(
                (
                    "parent",
                    _("«%(parent)s» không có hiệu lực vào ngày %(day)s.")
                    % {"parent": parent.full_name, "day": _day(unit.valid_from)},
                )
            )
    if fields_ok and unit.valid_from:
        if same_code is None:
            same_code = list(
                AdministrativeUnit.objects.filter(code=unit.code).exclude(pk=unit.pk)
            )
        for other in same_code:
            if other is not unit and _overlaps(unit, other):
                problems.append(("valid_from", _overlap_message(other)))
                break
    return problems


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


# The fields of a unit an admin enters.
UNIT_FIELDS = (
    "code",
    "name",
    "full_name",
    "level",
    "kind",
    "parent",
    "valid_from",
    "valid_to",
    "legal_basis",
    "note",
)


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    full_name: str,
    level: str,
    kind: str,
    parent: AdministrativeUnit | None,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    legal_basis: str = "",
    note: str = "",
) -> AdministrativeUnit:
    """Add a unit (a commune formed by a reform, a province under a new name).

    Raises ValidationError (by field, translated) and writes nothing if
    :func:`unit_problems` finds anything.
    """
    unit = AdministrativeUnit(
        code=normalize_text(code),
        name=normalize_text(name),
        full_name=normalize_text(full_name),
        level=level,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        legal_basis=normalize_text(legal_basis),
        note=note or "",
    )
    _raise_problems(unit_problems(unit))
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: AdministrativeUnit, **changes) -> AdministrativeUnit:
    """Change a unit's fields (those of UNIT_FIELDS; e.g. end it:
    ``valid_to``). The parent is checked against the unit's dates only when
    it changes."""
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update() got unknown fields: {sorted(unknown)}")
    parent_before = unit.parent_id
    for field, value in changes.items():
        setattr(unit, field, value)
    unit.name = normalize_text(unit.name)
    unit.full_name = normalize_text(unit.full_name)
    _raise_problems(unit_problems(unit, check_parent=unit.parent_id != parent_before))
    unit.save()
    return unit


def _still_in_force_children(
    children: list[AdministrativeUnit], day: datetime.date
) -> list[AdministrativeUnit]:
    return [
        child for child in children if child.valid_to is None or child.valid_to >= day
    ]


def succession_problems(
    *,
    predecessor: AdministrativeUnit,
    successor: AdministrativeUnit,
    effective_date: datetime.date,
    children_in_force: list[AdministrativeUnit] = (),
) -> list[tuple[str, str]]:
    """What stops ``predecessor`` from becoming ``successor`` on
    ``effective_date``: (field, message) pairs.

    The successor is in force on that day; the predecessor started before it
    (it ends the day before) and leaves no unit beneath it in force
    (``children_in_force``: its children in force on that day that are not
    moved to the successor).
    """
    problems = []
    if predecessor.pk == successor.pk and predecessor.pk is not None:
        problems.append(("successor", _("đơn vị sau phải khác đơn vị trước.")))
        return problems
    if not successor.in_force_on(effective_date):
        problems.append(
            (
                "successor",
                _(
                    "«%(unit)s» (hiệu lực từ %(start)s đến %(end)s) không có hiệu "
                    "lực vào ngày %(day)s."
                )
                % {
                    "unit": successor.full_name,
                    "start": _day(successor.valid_from),
                    "end": _day(successor.valid_to),
                    "day": _day(effective_date),
                },
            )
        )
    if predecessor.valid_from >= effective_date:
        problems.append(
            (
                "effective_date",
                _(
                    "«%(unit)s» bắt đầu hiệu lực từ %(start)s, không thể kết thúc "
                    "trước ngày %(day)s."
                )
                % {
                    "unit": predecessor.full_name,
                    "start": _day(predecessor.valid_from),
                    "day": _day(effective_date),
                },
            )
        )
    if children_in_force:
        problems.append(
            (
                "predecessors",
                _(
                    "«%(unit)s» còn %(count)d đơn vị trực thuộc có hiệu lực ngày "
                    "%(day)s (như «%(child)s»): chuyển chúng sang đơn vị sau hoặc "
                    "kết thúc chúng trước."
                )
                % {
                    "unit": predecessor.full_name,
                    "count": len(children_in_force),
                    "day": _day(effective_date),
                    "child": children_in_force[0].full_name,
                },
            )
        )
    return problems


def unit_succession_problems(
    *,
    predecessors: list[AdministrativeUnit],
    successor: AdministrativeUnit,
    kind: str,
    effective_date: datetime.date,
    legal_basis: str = "",
    partial: bool = False,
    move_children: bool = False,
) -> tuple[list[tuple[str, str]], list[AdministrativeUnit]]:
    """What stops :func:`unit_succeed` from recording this succession, as
    (field, message) pairs, and the units beneath the predecessors still in
    force on ``effective_date``. Writes nothing (the admin's form asks it
    before saving)."""
    problems: list[tuple[str, str]] = []
    if not predecessors:
        problems.append(("predecessors", _("chọn ít nhất một đơn vị trước.")))
    if kind not in UnitSuccession.Kind.values:
        problems.append(
            ("kind", _("hình thức «%(kind)s» không hợp lệ.") % {"kind": kind})
        )
    if move_children and partial:
        problems.append(
            (
                "move_children",
                _(
                    "chỉ chuyển các đơn vị trực thuộc khi toàn bộ đơn vị trước "
                    "chuyển sang đơn vị sau."
                ),
            )
        )
    children = _still_in_force_children(
        list(
            AdministrativeUnit.objects.filter(parent__in=predecessors).exclude(
                pk=successor.pk
            )
        ),
        effective_date,
    )
    if len(legal_basis) > 255:
        problems.append(("legal_basis", _("căn cứ pháp lý dài quá 255 ký tự.")))
    recorded = set(
        UnitSuccession.objects.filter(
            predecessor__in=predecessors, successor=successor
        ).values_list("predecessor_id", flat=True)
    )
    for unit in predecessors:
        if unit.pk in recorded:
            problems.append(
                (
                    "predecessors",
                    _("«%(unit)s» → «%(successor)s» đã được ghi nhận.")
                    % {"unit": unit.full_name, "successor": successor.full_name},
                )
            )
        problems += succession_problems(
            predecessor=unit,
            successor=successor,
            effective_date=effective_date,
            children_in_force=(
                []
                if move_children
                else [child for child in children if child.parent_id == unit.pk]
            ),
        )
    return problems, children


@transaction.atomic
def unit_succeed(
    *,
    predecessors: list[AdministrativeUnit],
    successor: AdministrativeUnit,
    kind: str,
    effective_date: datetime.date,
    legal_basis: str = "",
    partial: bool = False,
    move_children: bool = False,
    actor: User | None = None,
) -> list[UnitSuccession]:
    """Record that ``predecessors`` became ``successor`` on ``effective_date``.

    Each predecessor still in force ends the day before; nothing is deleted,
    so staff, certificates and reports keep pointing at the unit they had.
    With ``move_children``, the units beneath the predecessors still in force
    on that day move under the successor (a province that becomes a
    municipality keeps its communes); otherwise a predecessor may not leave
    such units behind. Raises ValidationError (by field: ``predecessors``,
    ``successor``, ``kind``, ``effective_date``, ``move_children``) and
    writes nothing if the succession cannot be. Each succession, each ended
    unit and each moved unit is in Wagtail's log, by ``actor``.
    """
    from wagtail.log_actions import log

    problems, children = unit_succession_problems(
        predecessors=predecessors,
        successor=successor,
        kind=kind,
        effective_date=effective_date,
        legal_basis=legal_basis,
        partial=partial,
        move_children=move_children,
    )
    _raise_problems(problems)

    successions = []
    day_before = effective_date - datetime.timedelta(days=1)
    for unit in predecessors:
        if unit.valid_to is None or unit.valid_to > day_before:
            unit.valid_to = day_before
            unit.full_clean()
            unit.save(update_fields=["valid_to"])
            log(
                instance=unit,
                action="people.unit_ended",
                user=actor,
                data={"valid_to": day_before.isoformat()},
            )
        succession = UnitSuccession(
            predecessor=unit,
            successor=successor,
            kind=kind,
            effective_date=effective_date,
            legal_basis=legal_basis,
            partial=partial,
        )
        succession.full_clean()
        succession.save()
        log(instance=succession, action="wagtail.create", user=actor)
        successions.append(succession)
    if move_children and children:
        units_reparent(units=children, parent=successor, actor=actor)
    return successions


@transaction.atomic
def units_reparent(
    *,
    units: list[AdministrativeUnit],
    parent: AdministrativeUnit,
    actor: User | None = None,
) -> int:
    """Move ``units`` under ``parent`` (one UPDATE); each move is logged.

    A unit keeps its code, dates and everything attached to it; its parent
    is the unit it is under now, not necessarily the one it started under.
    """
    from wagtail.log_actions import log

    rank = AdministrativeUnit.LEVEL_RANK[parent.level]
    wrong = [u for u in units if AdministrativeUnit.LEVEL_RANK[u.level] <= rank]
    if wrong:
        raise ValidationError(
            _("«%(parent)s» không phải đơn vị cấp trên của «%(unit)s».")
            % {"parent": parent.full_name, "unit": wrong[0].full_name}
        )
    moved = AdministrativeUnit.objects.filter(pk__in=[u.pk for u in units]).update(
        parent=parent
    )
    for unit in units:
        previous = unit.parent_id
        unit.parent = parent
        log(
            instance=unit,
            action="people.unit_reparented",
            user=actor,
            data={"from": previous, "to": parent.pk},
        )
    return moved


@transaction.atomic
def succession_update(
    *, succession: UnitSuccession, legal_basis: str, partial: bool
) -> UnitSuccession:
    """Correct a recorded succession's legal basis or ``partial``; who
    became whom, how and when is not changed (record another succession)."""
    succession.legal_basis = normalize_text(legal_basis)
    succession.partial = partial
    succession.full_clean()
    succession.save(update_fields=["legal_basis", "partial"])
    return succession


# --- Loading unit files ---------------------------------------------------------


def _units_plan(rows: list[tuple[int, dict[str, str]]], header: list[str]):
    """Check every row of a unit file against the units there are (one query).

    Returns (new units, changed units, unchanged count, problems); nothing is
    written. A file never undoes a later change: a unit already ended keeps
    its end when the file gives none, and a unit keeps a parent of the code
    the file names (moved there by a succession).
    """
    existing = list(AdministrativeUnit.objects.all())
    by_pk = {unit.pk: unit for unit in existing}
    by_key = {(unit.code, unit.valid_from): unit for unit in existing}
    by_code: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    for unit in existing:
        by_code[unit.code].append(unit)
    has = set(header)
    problems: list[str] = []
    planned: list[tuple[int, AdministrativeUnit, str, tuple | None]] = []
    seen: dict[tuple[str, datetime.date], int] = {}

    # First pass: each row's own values; new units join the pool of parents.
    for line, row in rows:
        row_problems: list[tuple[str, str]] = []
        code = row["code"]
        if not code:
            row_problems.append(("code", _("thiếu mã đơn vị.")))
        if row["level"] not in UNIT_LEVELS:
            row_problems.append(
                ("level", _("cấp «%(value)s» không hợp lệ.") % {"value": row["level"]})
            )
        if row["kind"] not in UNIT_KINDS:
            row_problems.append(
                ("kind", _("loại «%(value)s» không hợp lệ.") % {"value": row["kind"]})
            )
        valid_from = _date(row, "valid_from", row_problems)
        if valid_from is None and not any(c == "valid_from" for c, _m in row_problems):
            row_problems.append(("valid_from", _("thiếu ngày bắt đầu hiệu lực.")))
        valid_to = _date(row, "valid_to", row_problems)
        if not row_problems:
            key = (code, valid_from)
            if key in seen:
                row_problems.append(
                    (
                        "code",
                        _("đơn vị mã %(code)s từ %(day)s đã có ở dòng %(other)d.")
                        % {"code": code, "day": _day(valid_from), "other": seen[key]},
                    )
                )
            seen[key] = line
        if row_problems:
            problems += [_at(line, column, message) for column, message in row_problems]
            continue
        unit = by_key.get(key)
        before = None
        if unit is None:
            unit = AdministrativeUnit(code=code, valid_from=valid_from)
            by_code[code].append(unit)
        else:
            before = tuple(getattr(unit, f) for f in WRITTEN_UNIT_FIELDS)
        unit.name = row["name"]
        unit.full_name = row["full_name"]
        unit.level = row["level"]
        unit.kind = row["kind"]
        if valid_to is not None or before is None:
            unit.valid_to = valid_to
        for column in ("legal_basis", "note"):
            if column in has:
                setattr(unit, column, row[column])
        planned.append((line, unit, row["parent_code"], before))

    # Second pass: parents, then each unit as a whole.
    new, changed, unchanged = [], [], 0
    for line, unit, parent_code, before in planned:
        row_problems = []
        current = by_pk.get(unit.parent_id) if before is not None else None
        if not parent_code:
            unit.parent = None
        elif current is not None and current.code == parent_code:
            unit.parent = current
        else:
            candidates = [
                u
                for u in by_code.get(parent_code, [])
                if u.in_force_on(unit.valid_from)
            ]
            if candidates:
                unit.parent = candidates[0]
            else:
                unit.parent = None
                row_problems.append(
                    (
                        "parent_code",
                        _("không có đơn vị mã %(code)s có hiệu lực ngày %(day)s.")
                        % {"code": parent_code, "day": _day(unit.valid_from)},
                    )
                )
        if not row_problems:
            row_problems = unit_problems(
                unit, same_code=by_code[unit.code], check_parent=False
            )
        if row_problems:
            problems += [
                _at(line, UNIT_COLUMN_OF.get(field, field), message)
                for field, message in row_problems
            ]
        elif before is None:
            new.append(unit)
        elif before != tuple(getattr(unit, f) for f in WRITTEN_UNIT_FIELDS):
            changed.append(unit)
        else:
            unchanged += 1
    return new, changed, unchanged, problems


# Read once: an enum's ``values`` is built again on every access.
UNIT_LEVELS = frozenset(AdministrativeUnit.Level.values)
UNIT_KINDS = frozenset(AdministrativeUnit.Kind.values)
SUCCESSION_KINDS = frozenset(UnitSuccession.Kind.values)

# The fields a unit file writes, and the column each field is read from.
WRITTEN_UNIT_FIELDS = (
    "name",
    "full_name",
    "level",
    "kind",
    "parent_id",
    "valid_to",
    "legal_basis",
    "note",
)
UNIT_COLUMN_OF = {"parent": "parent_code", "parent_id": "parent_code"}


def _units_write(rows, header) -> LoadCounts:
    new, changed, unchanged, problems = _units_plan(rows, header)
    if problems:
        raise UnitFileError(problems)
    # Parents before children: a new parent gets its id before its children
    # are inserted (bulk_create sets ids on SQLite and PostgreSQL).
    for rank in sorted(set(AdministrativeUnit.LEVEL_RANK.values())):
        batch = [u for u in new if AdministrativeUnit.LEVEL_RANK[u.level] == rank]
        for unit in batch:
            unit.parent = unit.parent  # takes the parent's id, now known
        AdministrativeUnit.objects.bulk_create(batch)
    for unit in changed:
        unit.parent = unit.parent
    if changed:
        AdministrativeUnit.objects.bulk_update(
            changed, [f.removesuffix("_id") for f in WRITTEN_UNIT_FIELDS]
        )
    return LoadCounts(len(new), len(changed), unchanged)


@transaction.atomic
def units_load(*, path: Path = UNITS_2018) -> LoadCounts:
    """Create or update units from a CSV in the shape of the project's files.

    Idempotent: a unit is identified by (code, valid_from). A parent (named
    by ``parent_code``) is the unit of that code in force on the day the
    child starts, in the database or anywhere in the file. Every row is
    checked before anything is written (one query reads the units there
    are; bulk inserts and updates write them); any problem raises
    UnitFileError listing each by line and column, and nothing is written.
    """
    header, rows = _read_table(path)
    _require(header, UNIT_COLUMNS)
    return _units_write(rows, header)


def _parse_partial(row, problems) -> bool:
    value = row.get("partial", "").lower()
    if value in ("", "false"):
        return False
    if value == "true":
        return True
    problems.append(
        (
            "partial",
            _("«%(value)s» phải là true hoặc false.") % {"value": row["partial"]},
        )
    )
    return False


SUCCESSION_COLUMN_OF = {
    "predecessors": "predecessor_code",
    "predecessor": "predecessor_code",
    "successor": "successor_code",
}


def _successions_write(rows, header) -> LoadCounts:
    units = list(AdministrativeUnit.objects.all())
    by_key = {(unit.code, unit.valid_from): unit for unit in units}
    children: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    for unit in units:
        if unit.parent_id is not None:
            children[unit.parent_id].append(unit)
    existing = {
        (s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()
    }
    has_legal_basis = "legal_basis" in header
    problems: list[str] = []
    planned: list[tuple[int, UnitSuccession, tuple | None]] = []
    seen: dict[tuple[int, int], int] = {}
    ends: dict[int, datetime.date] = {}

    for line, row in rows:
        row_problems: list[tuple[str, str]] = []
        found = {}
        for side in ("predecessor", "successor"):
            valid_from = _date(row, f"{side}_valid_from", row_problems)
            if valid_from is None:
                if not any(c == f"{side}_valid_from" for c, _m in row_problems):
                    row_problems.append(
                        (f"{side}_valid_from", _("thiếu ngày bắt đầu hiệu lực."))
                    )
                continue
            unit = by_key.get((row[f"{side}_code"], valid_from))
            if unit is None:
                row_problems.append(
                    (
                        f"{side}_code",
                        _("không có đơn vị mã «%(code)s» hiệu lực từ %(day)s.")
                        % {"code": row[f"{side}_code"], "day": _day(valid_from)},
                    )
                )
            found[side] = unit
        if row["kind"] not in SUCCESSION_KINDS:
            row_problems.append(
                (
                    "kind",
                    _("hình thức «%(value)s» không hợp lệ; chọn một trong: %(kinds)s.")
                    % {
                        "value": row["kind"],
                        "kinds": ", ".join(UnitSuccession.Kind.values),
                    },
                )
            )
        effective_date = _date(row, "effective_date", row_problems)
        if effective_date is None and not any(
            c == "effective_date" for c, _m in row_problems
        ):
            row_problems.append(("effective_date", _("thiếu ngày có hiệu lực.")))
        partial = _parse_partial(row, row_problems)
        if not row_problems:
            predecessor, successor = found["predecessor"], found["successor"]
            pair = (predecessor.pk, successor.pk)
            if pair in seen:
                row_problems.append(
                    (
                        "successor_code",
                        _("kế thừa này đã có ở dòng %(other)d.")
                        % {"other": seen[pair]},
                    )
                )
            seen[pair] = line
            row_problems += succession_problems(
                predecessor=predecessor,
                successor=successor,
                effective_date=effective_date,
            )
        if row_problems:
            problems += [
                _at(line, SUCCESSION_COLUMN_OF.get(column, column), message)
                for column, message in row_problems
            ]
            continue
        succession = existing.get(pair) or UnitSuccession(
            predecessor=predecessor, successor=successor
        )
        before = _succession_values(succession) if succession.pk else None
        # The units already read: no query per row for the relations.
        succession.predecessor, succession.successor = predecessor, successor
        succession.kind = row["kind"]
        succession.effective_date = effective_date
        succession.partial = partial
        if has_legal_basis:
            succession.legal_basis = row["legal_basis"]
        try:
            succession.clean_fields(exclude=["predecessor", "successor"])
        except ValidationError as error:
            problems += [
                _at(line, column, message)
                for column, messages in error.message_dict.items()
                for message in messages
            ]
            continue
        planned.append((line, succession, before))
        day_before = effective_date - datetime.timedelta(days=1)
        ends[predecessor.pk] = min(ends.get(predecessor.pk, day_before), day_before)

    # Each predecessor ends; none may leave a unit beneath it in force.
    ended_on = {
        unit.pk: min(ends[unit.pk], unit.valid_to or ends[unit.pk])
        for unit in units
        if unit.pk in ends
    }
    for line, succession, _before in planned:
        predecessor = succession.predecessor
        left = [
            child
            for child in _still_in_force_children(
                children.get(predecessor.pk, []), succession.effective_date
            )
            if not (
                child.pk in ended_on and ended_on[child.pk] < succession.effective_date
            )
        ]
        if left:
            problems += [
                _at(line, "predecessor_code", message)
                for _field, message in succession_problems(
                    predecessor=predecessor,
                    successor=succession.successor,
                    effective_date=succession.effective_date,
                    children_in_force=left,
                )
                if _field == "predecessors"
            ]
    if problems:
        raise UnitFileError(problems)

    to_end = []
    for unit in units:
        if unit.pk in ends and (unit.valid_to is None or unit.valid_to > ends[unit.pk]):
            unit.valid_to = ends[unit.pk]
            to_end.append(unit)
    AdministrativeUnit.objects.bulk_update(to_end, ["valid_to"])
    new = [s for _line, s, before in planned if before is None]
    changed = [
        s
        for _line, s, before in planned
        if before is not None and before != _succession_values(s)
    ]
    UnitSuccession.objects.bulk_create(new)
    UnitSuccession.objects.bulk_update(changed, list(SUCCESSION_WRITTEN_FIELDS))
    return LoadCounts(len(new), len(changed), len(planned) - len(new) - len(changed))


SUCCESSION_WRITTEN_FIELDS = ("kind", "effective_date", "legal_basis", "partial")


def _succession_values(succession: UnitSuccession) -> tuple:
    return tuple(getattr(succession, f) for f in SUCCESSION_WRITTEN_FIELDS)


@transaction.atomic
def successions_load(*, path: Path = SUCCESSIONS_2025) -> LoadCounts:
    """Create or update successions from a CSV in the shape of the project's
    file, with the same guarantees as :func:`units_load`.

    Predecessor and successor are found by (code, valid_from); a succession
    is identified by the pair. Each predecessor still in force ends the day
    before the succession takes effect, as :func:`unit_succeed` does, and
    must leave no unit beneath it in force.
    """
    header, rows = _read_table(path)
    _require(header, SUCCESSION_COLUMNS)
    return _successions_write(rows, header)


@transaction.atomic
def unit_files_load(
    paths: list[Path] | tuple[Path, ...] = UNIT_FILES,
) -> list[tuple[Path, str, LoadCounts]]:
    """Load unit and succession files in order, in one transaction: a bad
    file writes nothing, not even the files before it. Each file's kind is
    read from its header. Returns (path, kind, counts) for each file."""
    results = []
    for path in paths:
        header, rows = _read_table(path)
        kind = unit_file_kind(header)
        try:
            counts = (
                _units_write(rows, header)
                if kind == "units"
                else _successions_write(rows, header)
            )
        except UnitFileError as error:
            raise UnitFileError(
                [f"{Path(path).name}: {message}" for message in error.errors]
            ) from None
        results.append((Path(path), kind, counts))
    return results


# --- Accounts -----------------------------------------------------------------


class InviteError(ValueError):
    """A user cannot be invited as asked; the message is translated."""


def _role_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@transaction.atomic
def user_set_role(*, user: User, role: Role | str, actor: User | None = None) -> None:
    """Make ``role`` the user's only role; staff roles get admin access.

    The change is written to Wagtail's log (action ``people.role_change``)
    with who made it and the roles removed and added.
    """
    role = Role(role)
    if _role_names(user) == [role.value]:
        return
    # The m2m_changed handler in signals.py writes the log entries; the
    # context names who made the change.
    context = LogContext(user=actor) if actor is not None else nullcontext()
    with context:
        user.groups.set([Group.objects.get(name=role.value)])
    user._role_names = {role.value}
    user.is_staff = role in STAFF_ROLES
    user.save(update_fields=["is_staff"])


def password_set_url(user: User) -> str:
    """An absolute link to allauth's set-password-from-key page for ``user``.

    Built with the token generator allauth's reset flow checks, so it stops
    working once the password is set.
    """
    from allauth.account import app_settings as account_settings
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings

    key = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def user_invite(
    *,
    email: str,
    role: Role | str,
    unit: AdministrativeUnit | None = None,
    agency: Agency | None = None,
    full_name: str = "",
    actor: User | None = None,
) -> tuple[User, str, bool]:
    """Create (or find) an account and email its holder a set-password link.

    The account has an unusable password until the link is used: hashing
    passwords for people who may never sign in costs time for nothing.
    Returns (user, link, created). Raises InviteError with a translated
    message for a malformed email, an unknown role or a unit/agency mismatch.
    """
    from allauth.account.models import EmailAddress

    from elearning.services import email_send

    email = User.objects.normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise InviteError(
            _("Địa chỉ thư điện tử «%(email)s» không hợp lệ.") % {"email": email}
        ) from None
    if role not in Role.values:
        raise InviteError(
            _("Vai trò «%(role)s» không tồn tại; chọn một trong: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if agency is not None:
        if unit is None:
            unit = agency.unit
        elif agency.unit_id != unit.pk:
            raise InviteError(
                _("Cơ quan «%(agency)s» không thuộc %(unit)s.")
                % {"agency": agency, "unit": unit}
            )
    if role == Role.OFFICER and unit is None:
        raise InviteError(_("Cán bộ phụ trách phải thuộc một đơn vị hành chính."))

    user = User.objects.with_email(email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None)
    profile = getattr(user, "profile", None) if not created else None
    if profile is None:
        profile = StaffProfile(user=user)
    if full_name:
        profile.full_name = full_name
    if unit is not None:
        profile.unit = unit
    if agency is not None:
        profile.agency = agency
    if not profile.full_name:
        profile.full_name = email.split("@")[0]
    profile.full_clean(exclude=["sort_key"])
    profile.save()
    user_set_role(user=user, role=role, actor=actor)
    # The invitation proves the address: allauth need not ask again.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )

    link = password_set_url(user)
    body = _(
        "Xin chào %(name)s,\n\n"
        "Tài khoản của bạn trên Hệ thống học trực tuyến đã được tạo với vai trò "
        "%(role)s.\nĐể đặt mật khẩu và đăng nhập, hãy mở đường liên kết sau:\n\n"
        "%(link)s\n\nĐường liên kết chỉ dùng được một lần."
    ) % {"name": profile.full_name, "role": Role(role).label, "link": link}
    email_send(to=[email], subject=_("Mời sử dụng Hệ thống học trực tuyến"), body=body)
    return user, link, created


DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


def user_sessions_end(*, user_id: int) -> int:
    """End every session of one account; returns how many were ended.

    allauth's ``UserSession`` rows (the sessions the person sees and can
    revoke) are ended through allauth's adapter, which deletes the session
    from the store. With database sessions (``db``, or ``cached_db`` in
    production) any session
    usersessions never saw is found and deleted too.
    """
    from allauth.usersessions.adapter import get_adapter
    from allauth.usersessions.models import UserSession
    from django.conf import settings
    from django.utils import timezone

    sessions = list(UserSession.objects.filter(user_id=user_id))
    get_adapter().end_sessions(sessions)
    ended = len(sessions)
    if settings.SESSION_ENGINE in DATABASE_SESSION_ENGINES:
        from importlib import import_module

        from django.contrib.sessions.models import Session

        store = import_module(settings.SESSION_ENGINE).SessionStore
        stale = [
            session.pk
            for session in Session.objects.filter(
                expire_date__gt=timezone.now()
            ).iterator(chunk_size=2000)
            if session.get_decoded().get("_auth_user_id") == str(user_id)
        ]
        for key in stale:
            # Through the engine: cached_db forgets its cached copy too.
            store(session_key=key).delete()
        ended += len(stale)
    return ended


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User | None = None) -> None:
    """Enable or disable an account; disabling ends its sessions (on commit).

    The change is written to Wagtail's log. Any other screen that sets
    ``is_active`` (Wagtail's user admin) ends the sessions as well, through
    the ``post_save`` handler in signals.py.
    """
    from wagtail.log_actions import log

    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    log(
        instance=user,
        action="people.account_enabled" if active else "people.account_disabled",
        user=actor,
    )


# --- Self-registration (SIGNUP_EMAIL_DOMAINS) ------------------------------------


def person_self_register(
    *, user: User, full_name: str, unit: AdministrativeUnit
) -> StaffProfile:
    """The profile of an account made at sign-up: in the unit the person
    chose, awaiting confirmation by an officer of that unit, with no role."""
    from wagtail.log_actions import log

    profile = StaffProfile.objects.create(
        user=user, full_name=full_name, unit=unit, awaiting_confirmation=True
    )
    log(instance=user, action="people.self_registered", data={"unit": unit.code})
    return profile


def awaiting_confirmation(actor: User):
    """The self-registered accounts ``actor`` may confirm: those of the units
    they see (an officer's subtree; everything for province admins)."""
    return (
        User.objects.visible_to(actor)
        .filter(is_active=True, profile__awaiting_confirmation=True)
        .exclude(pk=actor.pk)
        .select_related("profile__unit")
        .order_by("profile__sort_key")
    )


@transaction.atomic
def person_confirm(*, user: User, actor: User) -> None:
    """Confirm a self-registered account: it becomes a learner of its unit."""
    from wagtail.log_actions import log

    user = awaiting_confirmation(actor).get(pk=user.pk)
    StaffProfile.objects.filter(user=user).update(awaiting_confirmation=False)
    user_set_role(user=user, role=Role.LEARNER, actor=actor)
    log(instance=user, action="people.confirmed", user=actor)


@transaction.atomic
def person_refuse(*, user: User, actor: User) -> None:
    """Refuse a self-registered account: it is disabled (kept for the log)."""
    from wagtail.log_actions import log

    user = awaiting_confirmation(actor).get(pk=user.pk)
    user_set_active(user=user, active=False, actor=actor)
    log(instance=user, action="people.refused", user=actor)


# --- Personal data --------------------------------------------------------------


def consent_record(
    *,
    user: User,
    version: str = PRIVACY_NOTICE_VERSION,
    notice_text: str | None = None,
    ip: str | None = None,
) -> PrivacyConsent:
    """Record that ``user`` accepted notice ``version``: with the SHA-256 of
    the exact text shown (``notice_text``, rendered now when not given), the
    time, the client address and the legal basis of each purpose. Accepting
    the same version again changes nothing."""
    from .personal_data import legal_bases_for, privacy_notice_text, text_sha256

    if notice_text is None:
        notice_text = privacy_notice_text()
    consent, _created = PrivacyConsent.objects.get_or_create(
        user=user,
        notice_version=version,
        defaults={
            "notice_sha256": text_sha256(notice_text),
            "ip": ip or None,
            "legal_bases": legal_bases_for(user),
        },
    )
    return consent


def access_log_record(
    *,
    actor: User | None,
    action: AccessLog.Action | str,
    what: str,
    subject_user_id: int | None = None,
    path: str = "",
    ip: str | None = None,
) -> AccessLog:
    entry = AccessLog(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        what=what[:255],
        subject_user_id=subject_user_id,
        path=path[:500],
        ip=ip or None,
    )
    entry.save()
    return entry


# One INSERT per this many people. An INSERT ... SELECT binds one value per
# person (plus the line's six), so 500 stay within SQLite's 999 variables,
# where bulk_create() would need four queries (7 columns a row).
ACCESS_LOG_BATCH = 500


def access_log_record_many(
    *,
    actor: User | None,
    action: AccessLog.Action | str,
    what: str,
    subject_user_ids: Iterable[int],
    path: str = "",
    ip: str | None = None,
) -> int:
    """One access-log line per person a list or an export contained (people
    that exist), ``ACCESS_LOG_BATCH`` people per query; returns how many."""
    from django.db import connection

    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    ids = sorted({int(pk) for pk in subject_user_ids if pk is not None})
    log = AccessLog._meta
    users = User._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(log.get_field(name).column)
        for name in ("actor", "action", "what", "path", "ip", "at", "subject_user_id")
    )
    from django.utils import timezone

    at = connection.ops.adapt_datetimefield_value(timezone.now())
    head = [actor_id, str(action), what[:255], path[:500], ip or None, at]
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), ACCESS_LOG_BATCH):
            chunk = ids[start : start + ACCESS_LOG_BATCH]
            # Table and column names come from the models' _meta, quoted by
            # the backend; every value is bound. The ORM has no INSERT ...
            # SELECT (docs/security.md lists this exception).
            sql = (
                f"INSERT INTO {quote(log.db_table)} ({columns}) "  # noqa: S608 # nosec B608
                f"SELECT %s, %s, %s, %s, %s, %s, {quote(users.pk.column)} "
                f"FROM {quote(users.db_table)} WHERE {quote(users.pk.column)} "
                f"IN ({', '.join(['%s'] * len(chunk))})"
            )
            cursor.execute(sql, [*head, *chunk])  # nosemgrep: no-formatted-raw-sql
            written += cursor.rowcount
    return written


# --- Staff lists (bulk) ---------------------------------------------------------


@dataclass
class StaffRecord:
    """One person as a staff list gives them (values already checked).

    ``same_as_user_id`` / ``same_as_email``: whoever imports decided that
    this line is a person the platform (or an earlier record of the same
    batch, by its address) already has under another address. That account
    is kept and updated, and its address becomes ``email``.
    """

    email: str
    full_name: str
    unit_id: int
    agency_name: str
    date_of_birth: datetime.date | None = None
    position: str = ""
    category: str = ""
    same_as_user_id: int | None = None
    same_as_email: str = ""


@dataclass
class StaffUpsertResult:
    users_created: int = 0
    profiles_created: int = 0
    profiles_updated: int = 0
    unchanged: int = 0
    agencies_created: int = 0
    emails_changed: int = 0
    # The new accounts (empty in a dry run), and every record's account by
    # the record's address (new ones only when written).
    created_ids: list[int] = dataclasses.field(default_factory=list)
    user_ids: dict[str, int] = dataclasses.field(default_factory=dict)


def agencies_bulk_get_or_create(
    names: Iterable[tuple[int, str]], *, dry_run: bool = False
) -> tuple[dict[tuple[int, str], Agency], int]:
    """The agencies of (unit id, name) pairs, keyed by (unit id,
    ``name_match_key(name)``), creating the missing ones; and how many were
    (or, with ``dry_run``, would be) created.

    A name differing from an agency of the unit only by case or spacing is
    that agency, spelled as it already is; the first spelling given names an
    agency that is new. Two queries, three when some are created.
    """
    wanted: dict[tuple[int, str], str] = {}
    for unit_id, name in names:
        name = normalize_text(name)
        wanted.setdefault((unit_id, name_match_key(name)), name)
    unit_ids = {unit_id for unit_id, _key in wanted}
    found = Agency.objects.filter(unit_id__in=unit_ids).by_match_key()
    missing = [key for key in wanted if key not in found]
    if missing and not dry_run:
        Agency.objects.bulk_create(
            [Agency(unit_id=key[0], name=wanted[key]) for key in missing],
            ignore_conflicts=True,
        )
        found = Agency.objects.filter(unit_id__in=unit_ids).by_match_key()
    return found, len(missing)


def _unusable_password() -> str:
    # What make_password(None) makes, without 40 secrets.choice() calls.
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _log_entries(entries: list[tuple[User, str, dict]], *, actor, label_of) -> None:
    """Wagtail log entries as ``wagtail.log_actions.log`` would write them
    for users, in one query: (user, action, data) each."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    if not entries:
        return
    user_type = ContentType.objects.get_for_model(User, for_concrete_model=False)
    now = timezone.now()
    actor = actor if actor is not None and actor.is_authenticated else None
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=user_type,
                object_id=str(user.pk),
                label=label_of(user)[:255],
                action=action,
                data=data,
                user=actor,
                timestamp=now,
            )
            for user, action, data in entries
        ],
        batch_size=500,
    )


def staff_bulk_upsert(
    records: list[StaffRecord], *, actor: User | None, dry_run: bool = False
) -> StaffUpsertResult:
    """Create or update the people of a staff list, in bulk.

    A record's address names its account. A new address makes an account
    with an unusable password (no hash: the person is invited to choose
    one), the learner role, a verified primary allauth address (whoever
    imports vouches for the work address) and a profile; an existing one has
    its profile updated where it differs. A record decided to be another
    address's person (``same_as_*``) updates that account and changes its
    address (the old one is kept as a secondary allauth address).

    What the people signals do for a single save is done here for the
    batch: the role given to new accounts and every address change are in
    Wagtail's log with ``actor``; the cached request user of every changed
    account is dropped now and on commit. Runs in one transaction, with a
    fixed number of queries; callers import a long list in batches (each
    its own transaction). ``dry_run`` writes nothing and counts what would
    change. Agencies unknown in a record's unit are created there.
    """
    from allauth.account.models import EmailAddress

    from .backends import forget_request_users
    from .selectors import users_by_email

    result = StaffUpsertResult()
    with transaction.atomic():
        agencies, result.agencies_created = agencies_bulk_get_or_create(
            ((r.unit_id, r.agency_name) for r in records), dry_run=dry_run
        )
        existing = users_by_email(
            [r.email for r in records] + [r.same_as_email for r in records]
        )
        others = {r.same_as_user_id for r in records if r.same_as_user_id}
        chosen = {
            u.pk: u
            for u in User.objects.filter(pk__in=others).select_related("profile")
        }
        plain = [
            r
            for r in records
            if not r.same_as_user_id and not r.same_as_email and r.email not in existing
        ]
        result.users_created = len(plain)
        new_users = [
            User(email=r.email, password=_unusable_password(), is_active=True)
            for r in plain
        ]
        names = {r.email: normalize_text(r.full_name) for r in records}
        if new_users and not dry_run:
            User.objects.bulk_create(new_users, batch_size=500)
            if not all(u.pk for u in new_users):  # SQLite < 3.35
                new_users = list(users_by_email(u.email for u in new_users).values())
            for user in new_users:
                existing[user.email] = user
            result.created_ids = [u.pk for u in new_users]
            learner = Group.objects.get(name=Role.LEARNER)
            User.groups.through.objects.bulk_create(
                [
                    User.groups.through(user_id=u.pk, group_id=learner.pk)
                    for u in new_users
                ],
                ignore_conflicts=True,
            )
            EmailAddress.objects.bulk_create(
                [
                    EmailAddress(user=u, email=u.email, verified=True, primary=True)
                    for u in new_users
                ],
                ignore_conflicts=True,
            )
            # As the role-change signal writes it for one account.
            _log_entries(
                [
                    (u, "people.role_change", {"added": [Role.LEARNER.value]})
                    for u in new_users
                ],
                actor=actor,
                label_of=lambda u: names.get(u.email) or u.email,
            )
        fresh = {u.email for u in new_users}
        created: dict[int, StaffProfile] = {}
        to_update: dict[int, StaffProfile] = {}
        moves: list[tuple[User, str]] = []  # (account, its new address)
        for record in records:
            if record.same_as_user_id:
                user = chosen.get(record.same_as_user_id)
            elif record.same_as_email:
                user = existing.get(record.same_as_email)
            else:
                user = existing.get(record.email)
            agency = agencies.get((record.unit_id, name_match_key(record.agency_name)))
            values = {
                "full_name": normalize_text(record.full_name),
                "date_of_birth": record.date_of_birth,
                "position": normalize_text(record.position),
                "unit_id": agency.unit_id if agency else record.unit_id,
                "agency_id": agency.pk if agency else None,
                "category": record.category,
            }
            changed = False
            if user is None:
                # Only in a dry run: a new account, or an earlier record's.
                if record.same_as_email:
                    changed = True
                else:
                    result.profiles_created += 1
                    continue
            else:
                if user.email != record.email and (
                    record.same_as_user_id or record.same_as_email
                ):
                    moves.append((user, record.email))
                    changed = True
                profile = created.get(user.pk) or to_update.get(user.pk)
                if profile is None and user.email not in fresh:
                    profile = getattr(user, "profile", None)
                if profile is None:
                    created[user.pk] = StaffProfile(user=user, **values)
                    result.user_ids[record.email] = user.pk
                    continue
                if (record.same_as_user_id or record.same_as_email) and (
                    name_match_key(profile.full_name)
                    == name_match_key(values["full_name"])
                ):
                    # "NGUYỄN VĂN AN" decided to be Nguyễn Văn An keeps the
                    # spelling the person already has.
                    values["full_name"] = profile.full_name
                if any(getattr(profile, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(profile, key, value)
                    if user.pk not in created:
                        to_update[user.pk] = profile
                    changed = True
                result.user_ids[record.email] = user.pk
            if changed:
                result.profiles_updated += 1
            else:
                result.unchanged += 1
        to_create = list(created.values())
        result.profiles_created += len(to_create)
        result.emails_changed = len(moves)
        if dry_run:
            return result
        for profile in to_create + list(to_update.values()):
            profile.sort_key = name_sort_key(profile.full_name)
            profile.search_key = fold(profile.full_name)
        StaffProfile.objects.bulk_create(to_create, batch_size=500)
        StaffProfile.objects.bulk_update(
            list(to_update.values()),
            ["full_name", "sort_key", "search_key", "date_of_birth", "position"]
            + ["unit", "agency", "category"],
            batch_size=500,
        )
        if moves:
            _addresses_change(moves, actor=actor)
        forget_request_users(list(to_update) + [user.pk for user, _email in moves])
    return result


def _addresses_change(moves: list[tuple[User, str]], *, actor: User | None) -> None:
    """Give each account its new address (sign-in and primary allauth
    address); the old one stays a verified secondary address. Logged."""
    from allauth.account.models import EmailAddress

    entries = []
    for user, email in moves:
        entries.append(
            (user, "people.email_changed", {"old": user.email, "new": email})
        )
        user.email = email
    ids = [user.pk for user, _email in moves]
    EmailAddress.objects.filter(user_id__in=ids).update(primary=False)
    User.objects.bulk_update([user for user, _email in moves], ["email"])
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=email, verified=True, primary=True)
            for user, email in moves
        ],
        ignore_conflicts=True,
    )
    _log_entries(entries, actor=actor, label_of=lambda u: u.get_full_name())
