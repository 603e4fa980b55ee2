"""The personal-data registry: what each app holds about a person.

Every app that keeps records about people registers each kind of record in
its ``AppConfig.ready()``::

    from elearning.people.personal_data import Kind, register_personal_data
    register_personal_data(Kind(
        key="quiz_attempts", label=_("Lượt làm bài kiểm tra"),
        columns=(("quiz", _("Bài kiểm tra")), ("score", _("Điểm")), ...),
        records=attempt_records, holders=attempt_holders,
        purpose=..., retention=...,
    ))

- ``records(user)`` returns the person's records as a list of dicts keyed by
  the column keys, values being text, numbers, booleans, dates, datetimes or
  ``None``; it reads through the app's selectors and makes a fixed number of
  queries whatever the number of records.
- ``holders()`` is a QuerySet of the ids (``values_list("learner_id",
  flat=True)``) of the people who hold records of the kind: usable as a
  sub-query; an incident's people affected are computed from it.
- ``purpose``, ``legal_basis`` and ``retention`` (texts) feed the register of
  processing activities.
- ``anonymise(user_ids)`` (optional) takes the people's identity out of the
  records when their retention period ends (``retention.py``).

"Dữ liệu của tôi" shows and downloads every registered kind (JSON and XLSX);
a test checks that a person who has records of every kind finds each of them
in the download.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LegalBasis:
    """Why a processing is lawful; the texts are the notice's."""

    PUBLIC_DUTY = "public_duty"
    CONSENT = "consent"
    LEGAL_OBLIGATION = "legal_obligation"

    LABELS = {
        PUBLIC_DUTY: gettext_lazy(
            "Thực hiện nhiệm vụ công của cơ quan nhà nước (bồi dưỡng cán bộ, "
            "công chức, viên chức theo kế hoạch của tỉnh)"
        ),
        CONSENT: gettext_lazy("Sự đồng ý của chủ thể dữ liệu"),
        LEGAL_OBLIGATION: gettext_lazy("Nghĩa vụ theo quy định của pháp luật"),
    }


# Why the platform processes personal data, each with its legal basis. Staff
# whose agency put them on the platform (a staff file, an officer, an admin)
# are trained as a public duty of their employer: their data is processed
# for it, not on their consent. An account its owner registered themselves
# (SIGNUP_EMAIL_DOMAINS) rests on their consent. The platform's security and
# the access log are legal obligations either way.
PURPOSES = {
    "training": gettext_lazy(
        "Tổ chức bồi dưỡng: ghi danh, học tập, kiểm tra, điểm danh"
    ),
    "certificates": gettext_lazy("Cấp, xác minh và thu hồi giấy chứng nhận"),
    "reports": gettext_lazy("Báo cáo kết quả thực hiện năm của đơn vị và của tỉnh"),
    "security": gettext_lazy("Bảo đảm an toàn hệ thống; nhật ký truy cập"),
}


def legal_bases_for(user) -> dict[str, str]:
    """The legal basis of each purpose for ``user``."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    from .models import User

    self_registered = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        action="people.self_registered",
        object_id=str(user.pk),
    ).exists()
    duty = LegalBasis.CONSENT if self_registered else LegalBasis.PUBLIC_DUTY
    return {
        "training": duty,
        "certificates": duty,
        "reports": duty,
        "security": LegalBasis.LEGAL_OBLIGATION,
    }


def privacy_notice_text() -> str:
    """The notice exactly as shown, in the active language: what a consent's
    SHA-256 is taken of."""
    from django.template.loader import render_to_string

    return render_to_string(
        "people/_privacy_notice_body.html", {"periods": retention_periods()}
    )


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    columns: tuple[tuple[str, str | Promise], ...]
    records: Callable[[Any], list[dict[str, Any]]]
    holders: Callable[[], QuerySet]
    purpose: str | Promise = ""
    retention: str | Promise = ""
    legal_basis: str = LegalBasis.PUBLIC_DUTY
    app: str = ""
    # anonymise(user_ids): take the people's identity out of these records
    # (retention.person_anonymise calls it); None: nothing identifying here.
    anonymise: Callable[[list[int]], Any] | None = None

    @property
    def legal_basis_label(self) -> str:
        return str(LegalBasis.LABELS[self.legal_basis])

    @property
    def retention_text(self) -> str:
        """The retention with the periods configured in the settings."""
        return str(self.retention) % retention_periods()


def retention_periods() -> dict[str, int]:
    """The retention periods in years (settings ``PERSONAL_DATA_*_YEARS``)."""
    return {
        "profile_years": settings.PERSONAL_DATA_PROFILE_YEARS,
        "log_years": settings.PERSONAL_DATA_ACCESS_LOG_YEARS,
        "audit_years": settings.PERSONAL_DATA_AUDIT_DETAIL_YEARS,
        "results_years": settings.PERSONAL_DATA_PROFILE_YEARS,
    }


_KINDS: dict[str, Kind] = {}


def register_personal_data(kind: Kind) -> None:
    """Add ``kind`` to the registry (once per key; a second one replaces it)."""
    _KINDS[kind.key] = kind


def personal_data_kinds() -> list[Kind]:
    """The registered kinds in the order the apps registered them."""
    return list(_KINDS.values())


def personal_data_kind(key: str) -> Kind:
    return _KINDS[key]


def personal_data_for(user) -> dict[str, list[dict[str, Any]]]:
    """Everything the platform holds about ``user``: kind key → records."""
    return {kind.key: kind.records(user) for kind in personal_data_kinds()}


def personal_data_holders(keys: list[str] | None = None) -> set[int]:
    """Ids of the people holding records of the kinds ``keys`` (all kinds
    when ``None``): one query per kind."""
    ids: set[int] = set()
    for kind in personal_data_kinds():
        if keys is None or kind.key in keys:
            ids.update(kind.holders())
    return ids


# --- Downloads -------------------------------------------------------------------


def personal_data_json(user, *, notice_version: str) -> bytes:
    payload = {
        "exported_at": timezone.now(),
        "privacy_notice_version": notice_version,
        **personal_data_for(user),
    }
    return json.dumps(
        payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode("utf-8")


def display_value(value) -> Any:
    """A record's value as a reader sees it in a table: dates dd/mm/yyyy,
    times in the local time zone, yes/no in words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float, Decimal, str)):
        return value
    if isinstance(value, Promise):
        return str(value)
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def personal_data_tables(user) -> list[tuple[Kind, list[list[Any]]]]:
    """Each kind with its rows, the first one the header, values as shown."""
    data = personal_data_for(user)
    tables = []
    for kind in personal_data_kinds():
        header = [str(label) for _key, label in kind.columns]
        rows = [
            [display_value(record.get(key)) for key, _label in kind.columns]
            for record in data[kind.key]
        ]
        tables.append((kind, [header, *rows]))
    return tables


def personal_data_xlsx(user) -> bytes:
    """The download as a workbook: one sheet per kind, through the project's
    XLSX writer (every cell made formula-safe)."""
    from elearning.reports.exports import sheets_xlsx

    used: set[str] = set()
    sheets = []
    for kind, rows in personal_data_tables(user):
        if len(rows) == 1:
            rows = [*rows, [_("Không có dữ liệu")] + [""] * (len(rows[0]) - 1)]
        sheets.append((_sheet_title(str(kind.label), used), str(kind.label), rows))
    return sheets_xlsx(sheets)


def _sheet_title(label: str, used: set[str]) -> str:
    clean = "".join(c for c in label if c not in "[]:*?/\\")[:31]
    title, n = clean, 2
    while title in used:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title
