#!/usr/bin/env python
"""Keep the project's catalogues in step with django-allauth.

django-allauth ships no Vietnamese catalogue, so the project translates the
allauth strings its users see in ``locale/vi/LC_MESSAGES/django.po``. For
``makemessages`` to keep those entries (instead of marking them obsolete, as it
does with any msgid it no longer finds in the project's sources), the msgids are
listed in a generated module, ``scripts/allauth_msgids.py``, which makemessages
scans like any other source file. The module is never imported.

Commands (run from the project root with the project's virtualenv):

  python scripts/locale_tool.py allauth   regenerate scripts/allauth_msgids.py from
                                          the installed allauth's catalogue
  python scripts/locale_tool.py check     list vi entries that are untranslated
                                          or fuzzy (exit status 1 if any allauth
                                          entry is), and en entries with a
                                          Vietnamese msgid left untranslated

``make messages`` runs ``allauth``, then ``makemessages -l vi -l en``, then
``compilemessages`` and ``check``. See docs/i18n.md.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
GENERATED = ROOT / "scripts" / "allauth_msgids.py"

# The allauth apps the project installs. Strings referenced only from other
# allauth apps (socialaccount, idp, openid, headless) never reach our users.
ALLAUTH_PARTS = ("account", "mfa", "usersessions", "allauth")
# WebAuthn is not among MFA_SUPPORTED_TYPES; its strings are left out so the
# catalogue only carries what a user can meet.
ALLAUTH_SKIP = ("mfa/webauthn/", "templates/mfa/webauthn/")

_LINE = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')
_VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
    re.IGNORECASE,
)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return (
            "fuzzy" not in self.flags
            and bool(self.msgstr)
            and all(self.msgstr.values())
        )


def read_po(path: Path) -> list[Entry]:
    """Parse a .po file: enough of the format for msgfmt-valid catalogues.

    The header (empty msgid) is skipped. Obsolete entries (``#~``) are returned
    with ``obsolete=True``.
    """
    entries: list[Entry] = []
    entry: Entry | None = None
    last: str | None = None

    def finish() -> None:
        if entry is not None and entry.msgid:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, last = None, None
            continue
        if entry is None:
            entry = Entry()
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if line.startswith("#"):
                continue
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
            continue
        elif line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(","))
            continue
        elif line.startswith("#"):
            entry.comments.append(line)
            continue
        match = _LINE.match(line)
        if match:
            last = match.group(1)
            _append(entry, last, ast.literal_eval(match.group(2)), start=True)
        elif line.startswith('"') and last:
            _append(entry, last, ast.literal_eval(line), start=False)
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
    finish()
    return entries


def _append(entry: Entry, keyword: str, text: str, *, start: bool) -> None:
    if keyword.startswith("msgstr"):
        index = int(keyword[7:-1]) if "[" in keyword else 0
        entry.msgstr[index] = text if start else entry.msgstr.get(index, "") + text
    elif keyword == "msgid_plural":
        entry.msgid_plural = text if start else (entry.msgid_plural or "") + text
    else:
        setattr(entry, keyword, text if start else getattr(entry, keyword) + text)


def allauth_catalogue() -> Path:
    import allauth

    return Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def is_ours(entry: Entry) -> bool:
    """True when some reference is in an allauth app the project installs."""
    for ref in entry.references:
        path = ref.split(":")[0]
        if path.startswith(ALLAUTH_SKIP):
            continue
        parts = path.split("/")
        part = parts[1] if parts[0] == "templates" and len(parts) > 1 else parts[0]
        if part in ALLAUTH_PARTS:
            return True
    return False


def allauth_entries() -> list[Entry]:
    return [e for e in read_po(allauth_catalogue()) if not e.obsolete and is_ours(e)]


def write_generated(entries: list[Entry]) -> None:
    import allauth

    lines = [
        f'"""allauth {allauth.__version__} msgids the project translates.',
        "",
        "Generated by scripts/locale_tool.py allauth; do not edit. Never imported:",
        "makemessages reads it so these entries stay in locale/*/django.po.",
        '"""',
        "",
        "# fmt: off",
        "from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy",
        "",
        "MSGIDS = [",
    ]
    for entry in entries:
        lines.append(f"    # {' '.join(entry.references[:3])}")
        if entry.msgid_plural is not None:
            if entry.msgctxt is not None:
                raise ValueError(f"no npgettext support for {entry.msgid!r}")
            lines.append(
                f"    ngettext_lazy({entry.msgid!r}, {entry.msgid_plural!r}, 'n'),"
            )
        elif entry.msgctxt is not None:
            lines.append(f"    pgettext_lazy({entry.msgctxt!r}, {entry.msgid!r}),")
        else:
            lines.append(f"    gettext_noop({entry.msgid!r}),")
    lines.append("]")
    GENERATED.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cmd_allauth(_args: argparse.Namespace) -> int:
    entries = allauth_entries()
    write_generated(entries)
    print(f"{GENERATED.relative_to(ROOT)}: {len(entries)} msgids")  # noqa: T201
    return 0


def cmd_check(_args: argparse.Namespace) -> int:
    wanted = {e.key for e in allauth_entries()}
    status = 0
    vi = {e.key: e for e in read_po(LOCALE / "vi" / "LC_MESSAGES" / "django.po")}
    missing = [k for k in wanted if k not in vi or vi[k].obsolete]
    untranslated = [k for k in wanted if k in vi and not vi[k].translated]
    for label, keys in (("missing", missing), ("untranslated or fuzzy", untranslated)):
        for ctx, msgid in sorted(keys, key=lambda k: k[1]):
            print(f"vi: allauth msgid {label}: {msgid!r} {ctx or ''}")  # noqa: T201
            status = 1
    en = read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    for entry in en:
        if (
            not entry.obsolete
            and _VIETNAMESE.search(entry.msgid)
            and not entry.translated
        ):
            print(f"en: untranslated: {entry.msgid!r}")  # noqa: T201
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("allauth", help="regenerate scripts/allauth_msgids.py")
    sub.add_parser("check", help="report untranslated entries")
    args = parser.parse_args(argv)
    return {"allauth": cmd_allauth, "check": cmd_check}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
