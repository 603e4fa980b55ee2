#!/usr/bin/env python
"""Keep the project's catalogues in step with django-allauth, the Wagtail admin
strings the project translates, and a few Django strings it re-translates.

django-allauth ships no Vietnamese catalogue, so the project translates the
allauth strings its users see in ``locale/vi/LC_MESSAGES/django.po``; Django's
own Vietnamese catalogue has a few wrong or missing entries on pages learners
meet, which the project overrides there too (LOCALE_PATHS wins over every app
catalogue). Wagtail's Vietnamese catalogue leaves most of its admin in
English; the admin strings trainers and admins meet are listed in
``scripts/wagtail_msgids.json`` and translated in the project catalogue too. ``makemessages`` marks as obsolete any msgid it cannot find in the
project's sources, so these vendor msgids are listed in a generated module,
``scripts/vendor_msgids.py``, which makemessages scans like any other source
file. (It skips directories named ``locale``, hence ``scripts/``.) The module
is never imported.

Commands (run from the project root with the project's virtualenv):

  python scripts/locale_tool.py refresh   regenerate scripts/vendor_msgids.py from
                                          the installed allauth, Django and Wagtail
  python scripts/locale_tool.py check     list vendor msgids missing, untranslated
                                          or fuzzy in the vi catalogue (exit
                                          status 1 if any), and en entries whose
                                          Vietnamese msgid is not translated yet

``make messages`` runs ``refresh``, ``makemessages -l vi -l en``,
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
GENERATED = ROOT / "scripts" / "vendor_msgids.py"

# The allauth apps the project installs. Strings referenced only from other
# allauth apps (socialaccount, idp, openid, headless) never reach our users.
ALLAUTH_PARTS = ("account", "mfa", "usersessions", "allauth")
# WebAuthn is not among MFA_SUPPORTED_TYPES; its strings are left out so the
# catalogue only carries what a user can meet.
ALLAUTH_SKIP = ("mfa/webauthn/", "templates/mfa/webauthn/")

# Django strings learners meet whose Vietnamese translation is missing or
# wrong in Django's catalogue ("Nhập địa chỉ email." for an invalid address,
# an English CSRF failure page). Keep this list short: the rest of Django's
# vi catalogue is used as is.
DJANGO_MSGIDS = {
    "conf": (
        # timesince ("5 phút trước" in the Wagtail admin): Django's vi
        # catalogue still has the older "%d minute" msgids.
        "%(num)d year",
        "%(num)d month",
        "%(num)d week",
        "%(num)d day",
        "%(num)d hour",
        "%(num)d minute",
        "Enter a valid email address.",
        "Forbidden",
        "CSRF verification failed. Request aborted.",
        "You are seeing this message because this HTTPS site requires a "
        "“Referer header” to be sent by your web browser, but none was sent. This "
        "header is required for security reasons, to ensure that your browser is "
        "not being hijacked by third parties.",
        "If you have configured your browser to disable “Referer” headers, please "
        "re-enable them, at least for this site, or for HTTPS connections, or for "
        "“same-origin” requests.",
        'If you are using the <meta name="referrer" content="no-referrer"> tag or '
        "including the “Referrer-Policy: no-referrer” header, please remove them. "
        "The CSRF protection requires the “Referer” header to do strict referer "
        "checking. If you’re concerned about privacy, use alternatives like "
        '<a rel="noreferrer" …> for links to third-party sites.',
        "You are seeing this message because this site requires a CSRF cookie "
        "when submitting forms. This cookie is required for security reasons, "
        "to ensure that your browser is not being hijacked by third parties.",
        "If you have configured your browser to disable cookies, please "
        "re-enable them, at least for this site, or for “same-origin” requests.",
        "More information is available with DEBUG=True.",
    ),
    "contrib/auth": (
        # Django's vi catalogue still has the %(min_length)d msgid of older
        # releases, so this error shows in English without ours.
        "This password is too short. It must contain at least %d character.",
        "Your password must contain at least %(min_length)d character.",
        "This password is too common.",
        "Your password can’t be a commonly used password.",
        "This password is entirely numeric.",
        "Your password can’t be entirely numeric.",
    ),
}

# Wagtail admin strings the project translates: {"admin": [msgid, ...], ...},
# keyed by the Wagtail app whose catalogue holds the msgid ("admin",
# "snippets", "images", "contrib/forms", ...; "core" is wagtail/locale); a msgid with a context is a
# [context, msgid] pair. Edit this file to translate more (docs/i18n.md).
WAGTAIL_LIST = ROOT / "scripts" / "wagtail_msgids.json"

# Wagtail's admin JavaScript (sidebar, page explorer, StreamField, comments)
# reads its strings from the "djangojs" catalogue of wagtail.admin, whose
# Vietnamese lacks most of them. `refresh` writes the ones Wagtail leaves
# untranslated into locale/vi/LC_MESSAGES/djangojs.po, keeping our msgstrs.
# The project has no JavaScript strings of its own, so makemessages never
# runs for this domain.
JS_CATALOGUE = LOCALE / "vi" / "LC_MESSAGES" / "djangojs.po"

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


def _english_catalogue(package_dir: Path, part: str = "") -> Path:
    return package_dir / part / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _is_ours(entry: Entry) -> bool:
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
    """allauth's msgids from the apps the project installs, in allauth's order."""
    import allauth

    catalogue = _english_catalogue(Path(allauth.__file__).parent)
    return [e for e in read_po(catalogue) if not e.obsolete and _is_ours(e)]


def django_entries() -> list[Entry]:
    """The entries of DJANGO_MSGIDS, read from Django's own catalogues."""
    import django

    found = []
    for part, msgids in DJANGO_MSGIDS.items():
        catalogue = _english_catalogue(Path(django.__file__).parent, part)
        by_msgid = {e.msgid: e for e in read_po(catalogue) if not e.obsolete}
        missing = [m for m in msgids if m not in by_msgid]
        if missing:
            raise LookupError(f"not in Django's {part} catalogue: {missing}")
        found.extend(by_msgid[m] for m in msgids)
    return found


def wagtail_entries() -> list[Entry]:
    """The entries of scripts/wagtail_msgids.json, read from Wagtail's catalogues."""
    import json

    import wagtail

    found = []
    wanted = json.loads(WAGTAIL_LIST.read_text(encoding="utf-8"))
    for part, msgids in wanted.items():
        catalogue = _english_catalogue(
            Path(wagtail.__file__).parent, "" if part == "core" else part
        )
        by_key = {e.key: e for e in read_po(catalogue) if not e.obsolete}
        keys = [tuple(m) if isinstance(m, list) else (None, m) for m in msgids]
        missing = [k for k in keys if k not in by_key]
        if missing:
            raise LookupError(f"not in Wagtail's {part} catalogue: {missing}")
        found.extend(by_key[k] for k in keys)
    return found


def wagtail_js_entries() -> list[Entry]:
    """Wagtail admin JavaScript msgids that Wagtail's vi catalogue leaves empty."""
    import wagtail

    base = Path(wagtail.__file__).parent / "admin" / "locale"
    english = read_po(base / "en" / "LC_MESSAGES" / "djangojs.po")
    theirs = {e.key: e for e in read_po(base / "vi" / "LC_MESSAGES" / "djangojs.po")}
    return [
        e
        for e in english
        if not e.obsolete
        and not (
            e.key in theirs and not theirs[e.key].obsolete and theirs[e.key].translated
        )
    ]


def _quote(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    )


def render_js_catalogue() -> str:
    """locale/vi/LC_MESSAGES/djangojs.po with the msgstrs already written there."""
    import wagtail

    ours = {}
    if JS_CATALOGUE.exists():
        ours = {e.key: e for e in read_po(JS_CATALOGUE) if not e.obsolete}
    lines = [
        "# elearning: Vietnamese for Wagtail's admin JavaScript strings that",
        "# Wagtail's own catalogue leaves untranslated.",
        "# Generated by `scripts/locale_tool.py refresh`, which keeps the msgstrs.",
        "#",
        'msgid ""',
        'msgstr ""',
        f'"Project-Id-Version: elearning (Wagtail {wagtail.__version__} admin)\\n"',
        '"Language: vi\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Plural-Forms: nplurals=1; plural=0;\\n"',
    ]
    for entry in wagtail_js_entries():
        mine = ours.get(entry.key)
        lines.append("")
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {_quote(entry.msgctxt)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.msgid_plural is not None:
            lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
            text = mine.msgstr.get(0, "") if mine else ""
            lines.append(f"msgstr[0] {_quote(text)}")
        else:
            lines.append(f"msgstr {_quote(mine.msgstr.get(0, '') if mine else '')}")
    return "\n".join(lines) + "\n"


def vendor_entries() -> list[Entry]:
    return allauth_entries() + django_entries() + wagtail_entries()


def _calls(entries: list[Entry]) -> list[str]:
    lines = []
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
    return lines


def render_generated() -> str:
    """The text of scripts/vendor_msgids.py for the installed packages."""
    import allauth
    import django
    import wagtail

    return (
        "\n".join(
            [
                '"""Vendor msgids the project translates in locale/*/django.po.',
                "",
                "Generated by `scripts/locale_tool.py refresh`; do not edit. Never",
                "imported: makemessages reads it so these entries stay in the catalogues.",
                '"""',
                "",
                "# fmt: off",
                "from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy",
                "",
                f"# django-allauth {allauth.__version__}: account, mfa, usersessions",
                "ALLAUTH = [",
                *_calls(allauth_entries()),
                "]",
                "",
                f"# Django {django.get_version()}: see DJANGO_MSGIDS in scripts/locale_tool.py",
                "DJANGO = [",
                *_calls(django_entries()),
                "]",
                "",
                f"# Wagtail {wagtail.__version__}: see scripts/wagtail_msgids.json",
                "WAGTAIL = [",
                *_calls(wagtail_entries()),
                "]",
            ]
        )
        + "\n"
    )


def cmd_refresh(_args: argparse.Namespace) -> int:
    GENERATED.write_text(render_generated(), encoding="utf-8")
    JS_CATALOGUE.write_text(render_js_catalogue(), encoding="utf-8")
    print(f"{GENERATED.relative_to(ROOT)}: {len(vendor_entries())} msgids")  # noqa: T201
    return 0


def cmd_check(_args: argparse.Namespace) -> int:
    status = 0
    vi = {e.key: e for e in read_po(LOCALE / "vi" / "LC_MESSAGES" / "django.po")}
    for entry in vendor_entries():
        found = vi.get(entry.key)
        if found is None or found.obsolete:
            problem = "missing"
        elif not found.translated:
            problem = "untranslated or fuzzy"
        else:
            continue
        print(f"vi: {problem}: {entry.msgid!r}")  # noqa: T201
        status = 1
    js = {e.key: e for e in read_po(JS_CATALOGUE)} if JS_CATALOGUE.exists() else {}
    for entry in wagtail_js_entries():
        if not (entry.key in js and js[entry.key].translated):
            print(f"vi (djangojs): untranslated: {entry.msgid!r}")  # noqa: T201
            status = 1
    for entry in read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po"):
        if (
            not entry.obsolete
            and _VIETNAMESE.search(entry.msgid)
            and not entry.translated
        ):
            print(f"en: not translated yet: {entry.msgid!r}")  # noqa: T201
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("refresh", help="regenerate scripts/vendor_msgids.py")
    sub.add_parser("check", help="report untranslated entries")
    args = parser.parse_args(argv)
    return {"refresh": cmd_refresh, "check": cmd_check}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
